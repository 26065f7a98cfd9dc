"""The notifier's /health, /ready and /metrics against a real Redis."""

from __future__ import annotations

import uuid

import aiohttp

from bot.notifier import metrics
from common import outbox
from common.outbox import PendingReport
from tests.support import serving


async def test_ready_after_a_round_and_the_outbox_depth_is_exposed(redis_async):
    metrics.LAST_ROUND.set(0)  # no round yet
    async with aiohttp.ClientSession() as http, serving(metrics.health_app(redis_async, 0.2)) as url:
        async with http.get(f"{url}/health") as resp:
            assert resp.status == 200
        async with http.get(f"{url}/ready") as resp:
            assert resp.status == 503 and (await resp.json()) == {"redis": True, "rounds": False}
        await outbox.enqueue(redis_async, PendingReport(uuid.uuid4().hex, "console:a", {"title": "x"}))
        await metrics.observe(redis_async)
        async with http.get(f"{url}/ready") as resp:
            assert resp.status == 200
        async with http.get(f"{url}/metrics") as resp:
            exposed = await resp.text()
    assert "lapor_outbox_depth 1.0" in exposed
    assert "lapor_notifier_backlog_jobs 0.0" in exposed
