"""Fixtures for the action tests: the action server's environment pointing at a real LAPOR sandbox
(subprocess on loopback), the test Redis and a media store in a temporary folder. Helpers to build trackers
and run actions as Rasa would are in tests/support/actions.py."""

from __future__ import annotations

import pytest

from actions import clients


@pytest.fixture(autouse=True)
async def test_redis(redis_url, monkeypatch):
    """Every action test writes to the test Redis, even one that never looks at it: actions record
    the assistant's activity (common/activity.py), which must never reach a Redis on the default port."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    await clients.reset()
    yield
    await clients.reset()


@pytest.fixture
async def env(sandbox, redis_async, redis_url, tmp_path, monkeypatch):
    """The action server's environment, pointing at the sandbox and the test Redis (flushed)."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("LAPOR_BASE_URL", sandbox.url)
    monkeypatch.setenv("LAPOR_TOKEN", sandbox.token)
    monkeypatch.setenv("LAPOR_TIMEOUT", "2")
    monkeypatch.setenv("LAPOR_MAX_RETRIES", "1")
    monkeypatch.setenv("LAPOR_BACKOFF_BASE", "0.05")
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    await clients.reset()
    yield redis_async
    await clients.reset()
