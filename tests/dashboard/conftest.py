"""The seeded scenario and a running dashboard process, shared by the integration and browser tests.

The scenario has its own sandbox process (the dashboard counts every report in LAPOR's feed, so other tests'
reports must not join it) and its own Redis database; the dashboard runs as `python -m bot.dashboard`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime

import aiohttp
import pytest
import redis
import redis.asyncio as aioredis

from bot.dashboard import keys
from bot.local.stack import free_port
from common import activity
from lapor_client import LaporClient, LaporSettings, SandboxAdmin
from tests.support import Sandbox, start_sandbox
from tests.support.dashboard import (
    ABANDONED,
    PASSWORD,
    PERIOD,
    REPORTS,
    ROOT,
    USERS,
    dashboard_cli,
    independent,
    scenario,
)


@dataclass
class Scenario:
    sandbox: Sandbox
    redis_url: str
    planned: list[scenario.Planned]
    truths: list[independent.Truth]
    funnel: dict[str, int]
    now: datetime


async def _truths(sandbox: Sandbox, planned: list[scenario.Planned]) -> list[independent.Truth]:
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    async with aiohttp.ClientSession() as http:

        async def one(tracking_id: str) -> independent.Truth:
            async with (
                http.get(f"{sandbox.url}/sandbox/reports/{tracking_id}") as stored,
                http.get(f"{sandbox.url}/api/v1/reports/{tracking_id}", headers=headers) as public,
            ):
                return independent.truth(await stored.json(), await public.json())

        return list(await asyncio.gather(*(one(p.tracking_id) for p in planned)))


@pytest.fixture(scope="session")
async def seeded(redis_proc, tmp_path_factory) -> Scenario:
    sandbox = start_sandbox(tmp_path_factory.mktemp("dashboard-sandbox"))
    redis_url = f"redis://{redis_proc.host}:{redis_proc.port}/5"
    client = aioredis.from_url(redis_url)
    await client.flushdb()
    now = datetime.now(scenario.WIB)
    planned = scenario.plan(REPORTS, *PERIOD, now=now)
    settings = LaporSettings(base_url=sandbox.url, token=sandbox.token)
    async with LaporClient(settings) as lapor, SandboxAdmin(sandbox.url) as admin:
        await scenario.play(planned, lapor, admin, client)
    funnel = await scenario.record_conversations(client, planned, ABANDONED)
    await client.close()
    for username, (role, agency) in USERS.items():
        answer = dashboard_cli(
            redis_url,
            "users",
            "add",
            username,
            "--role",
            role,
            *(["--agency", agency] if agency else []),
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert answer.returncode == 0, answer.stderr
    yield Scenario(sandbox, redis_url, planned, await _truths(sandbox, planned), funnel, now)
    sandbox.stop()


@dataclass
class Dashboard:
    url: str
    process: subprocess.Popen


def wait_until_synced(redis_url: str, reports: int, timeout: float = 120) -> None:
    """Until the projection holds every report and has counted the whole activity stream."""
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            last = client.xrevrange(activity.STREAM, count=1)
            if (
                client.zcard(keys.REPORTS) >= reports
                and (not last or client.get(keys.ACTIVITY_CURSOR) == last[0][0])
                and not client.exists(keys.SYNC_LOCK)
            ):
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the dashboard did not catch up with the feeds")
            time.sleep(0.2)
    finally:
        client.close()


@pytest.fixture(scope="session")
def dashboard(seeded: Scenario) -> Dashboard:
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": seeded.redis_url,
        "LAPOR_BASE_URL": seeded.sandbox.url,
        "LAPOR_TOKEN": seeded.sandbox.token,
        "DASHBOARD_PORT": str(port),
        "DASHBOARD_COOKIE_SECURE": "0",
        "DASHBOARD_POLL_SECONDS": "0.5",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([sys.executable, "-m", "bot.dashboard"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start (exit code {process.poll()})")
            time.sleep(0.1)
    wait_until_synced(seeded.redis_url, len(seeded.planned))
    yield Dashboard(url, process)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)
