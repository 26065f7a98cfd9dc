"""The dialogue benchmark's after-filing citizens: they cover the answer styles and rating orders the
issue names, and a smoke run against the real stack (with a notifier run here) answers each agency
question exactly once and stores each rating."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import pytest
import redis.asyncio as aioredis

from bench.dialogue import ANSWER_STYLES, RATING_STYLES, after_filing_personas, run_after_filing
from bot.channels.console.outbound import ConsoleOutbound
from common.background import running
from lapor_client import LaporClient, LaporSettings
from tests.support.chat_citizens import stack_notifier


def test_at_least_ten_citizens_cover_every_answer_style_and_rating_order():
    everyone = after_filing_personas()
    assert len(everyone) >= 10
    assert {(p.answer, p.rating) for p in everyone} == {(a, r) for a in ANSWER_STYLES for r in RATING_STYLES}
    first = after_filing_personas(3)
    assert {p.answer for p in first} == {"now", "later", "photo"} and len({p.rating for p in first}) == 3


@contextlib.asynccontextmanager
async def notifier_running(stack):
    """The stack's notifier role, played here round after round (the session stack starts none)."""
    redis = aioredis.from_url(stack.redis_url)
    lapor_settings = LaporSettings(base_url=stack.sandbox_url, token=stack.env["LAPOR_TOKEN"])
    async with LaporClient(lapor_settings) as lapor, aiohttp.ClientSession() as http:
        notifier = stack_notifier(stack, lapor, redis, http, {"console": ConsoleOutbound(redis)})

        async def rounds() -> None:
            while True:
                await notifier.follow_feed_once()
                await notifier.deliver_due_once()
                await asyncio.sleep(0.5)

        async with running(rounds()):
            yield
    await redis.close()


@pytest.mark.stack
async def test_a_smoke_run_answers_once_and_stores_every_rating(stack):
    async with notifier_running(stack):
        summary = await run_after_filing(
            stack.gateway_url, stack.sandbox_url, citizens=3, concurrency=3, token=stack.secrets.console_token
        )
    assert summary["citizens"] == summary["filed"] == 3, summary["not_done"]
    assert summary["answered_exactly_once_share"] == 1.0, summary["not_done"]
    assert summary["ratings_stored_share"] == 1.0, summary["not_done"]
