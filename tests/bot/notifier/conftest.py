"""The notifier tests' fixtures: a LAPOR client on the sandbox, a fake Rasa, and the feed read to its end."""

from __future__ import annotations

import aiohttp
import pytest

from bot.notifier.service import DialogueTrigger, Notifier
from bot.rasa_client import RasaClient
from lapor_client import LaporClient, LaporSettings
from tests.support.fake_rasa import fake_rasa as running_fake_rasa
from tests.support.notifier import MEDIA, console_only, skip_existing_events


@pytest.fixture
async def lapor(sandbox):
    settings = LaporSettings(
        base_url=sandbox.url, token=sandbox.token, timeout=5, backoff_base=0.01, backoff_max=0.05
    )
    async with LaporClient(settings) as client:
        yield client


@pytest.fixture
async def fake_rasa():
    """Rasa's trigger_intent, recorded per conversation; one line per event."""
    async with running_fake_rasa() as fake:
        yield fake.url, fake.triggered


@pytest.fixture
async def at_feed_end(lapor, redis_async, fake_rasa):
    async with aiohttp.ClientSession() as http:
        await skip_existing_events(
            lapor,
            Notifier(
                lapor,
                redis_async,
                DialogueTrigger(RasaClient(fake_rasa[0], http)),
                console_only(redis_async),
                MEDIA,
            ),
        )
