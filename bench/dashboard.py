"""Benchmark of the monev dashboard with 10,000 reports over 13 months: page time and projection update cost.

    nice -n 10 .venv/bin/python -m bench.dashboard [--reports 10000] [--requests 40]

The sandbox's store is filled in-process (the seeded scenario's plan, written once instead of one JSON save
per step, which would take hours at this size), then served by a real sandbox process; the dashboard
reads it over HTTP as in production. Prints figures only: no threshold is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Awaitable, TypeVar

import aiohttp
import redis.asyncio as aioredis

from bot.dashboard import keys
from bot.dashboard.config import DashboardSettings
from bot.dashboard.projection import Projection
from bot.dashboard.web import create_app
from bot.local.stack import free_port
from lapor_client import LaporClient, LaporSettings, SandboxAdmin
from lapor_client.models import Location, NewReport, Reporter
from lapor_client.sandbox import validation
from lapor_client.sandbox.store import Store
from tests.support import serving, start_sandbox
from tests.support.dashboard import scenario

PASSWORD = "bench-password-1"
T = TypeVar("T")
LIVE_EVENTS = 20


async def fill(data_dir: Path, redis: aioredis.Redis, count: int) -> int:
    """Writes `count` planned reports and their lifecycles into a sandbox store; returns how many events."""
    now = datetime.now(scenario.WIB)
    planned = scenario.plan(count, date(2025, 11, 1), now.date() - timedelta(days=1), now=now, seed=23)
    store = Store(data_dir)
    # One save at the end instead of one per step, and no answer built per step (each scans every event).
    save, store._save, store.report_view = store._save, lambda: None, lambda tracking_id: {}
    for report in planned:
        fields = validation.new_report(
            NewReport(
                classification=report.classification,
                title=f"Laporan {report.number}",
                body="Isi laporan.",
                incident_date=report.created_at.date(),
                location=Location(region_code=report.region_code),
                category_id=report.category_id,
                agency_id=report.agency_id,
                confidential=report.confidential,
                reporter=Reporter(channel=report.channel),
            ).to_dict(),
            today=now.date(),
        )
        tracking_id = store.create_report(fields, str(uuid.uuid4()))["tracking_id"]
        store.backdate(tracking_id, report.created_at)
        for step in report.steps:
            if step.kind == "clarification":
                store.clarification(tracking_id, "Mohon foto.", at=step.at)
            elif step.kind == "follow_up":
                store.follow_up(tracking_id, "Ditangani.", at=step.at)
            else:
                store.transition(tracking_id, step.kind, agency_id=report.agency_id, at=step.at)
        await scenario.record_activity(redis, report, tracking_id, f"u_{report.number}")
    save()
    return len(store._state["events"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def page_times(url: str, path: str, requests: int) -> list[float]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{url}/masuk") as page:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        async with http.post(
            f"{url}/masuk", data={"csrf": csrf, "username": "bench", "password": PASSWORD}
        ) as done:
            assert done.status == 200
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            async with http.get(url + path) as answer:
                await answer.read()
                assert answer.status == 200, answer.status
            times.append((time.perf_counter() - started) * 1000)
        return times


async def timed(work: Awaitable[T]) -> tuple[T, float]:
    """What `work` gave, and the seconds it took."""
    started = time.perf_counter()
    return await work, time.perf_counter() - started


async def main(count: int, requests: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    redis_port = free_port()
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    redis = aioredis.from_url(f"redis://127.0.0.1:{redis_port}/0")
    sandbox = None
    try:
        events, elapsed = await timed(fill(work / "sandbox", redis, count))
        print(f"filled {count} reports, {events} LAPOR events in {elapsed:.1f} s")
        sandbox = start_sandbox(work / "sandbox")
        async with LaporClient(LaporSettings(base_url=sandbox.url, token=sandbox.token)) as lapor:
            projection = Projection(redis, lapor)
            read, elapsed = await timed(projection.sync_once())
            print(
                f"backfill: {read} feed entries ({events} LAPOR events + activity) in {elapsed:.1f} s, "
                f"{elapsed / read * 1000:.2f} ms per entry"
            )

            # Each admin call makes the sandbox rewrite its whole JSON file: slow at this size, so only a few.
            async with SandboxAdmin(sandbox.url, timeout=120) as admin:
                open_reports = [
                    r.tracking_id for r in (await projection.snapshot()).reports if r.status == "forwarded"
                ]
                for tracking_id in open_reports[:LIVE_EVENTS]:
                    await admin.follow_up(tracking_id, "Sudah ditangani.")
            read, elapsed = await timed(projection.sync_lapor())
            print(
                f"live update: {read} new events in {elapsed * 1000:.0f} ms, "
                f"{elapsed / max(read, 1) * 1000:.2f} "
                f"ms per event (one LAPOR read of the report + one Redis transaction per page)"
            )

            from bot.dashboard.accounts import Accounts

            await Accounts(redis).add("bench", PASSWORD, "koordinator")
            settings = DashboardSettings(cookie_secure=False)
            async with serving(create_app(settings, redis, lapor, sync=False)) as url:
                today = datetime.now(scenario.WIB).date()
                for label, path in (
                    ("overview, last 30 days", "/"),
                    (
                        "overview, 13 months",
                        f"/?dari={today.replace(year=today.year - 1).isoformat()}&per=pekan",
                    ),
                    ("monthly report page", "/bulanan"),
                    (
                        "CSV monev, 13 months",
                        f"/csv/monev?dari={today.replace(year=today.year - 1).isoformat()}",
                    ),
                ):
                    times = await page_times(url, path, requests)
                    print(
                        f"{label:28s} p50 {statistics.median(times):7.1f} ms  "
                        f"p95 {percentile(times, 0.95):7.1f} ms"
                        f"  first {times[0]:7.1f} ms"
                    )
                await redis.incr(keys.VERSION)  # a change makes the next page read the projection again
                cold = await page_times(url, "/", 1)
                print(f"overview right after a projection change: {cold[0]:.1f} ms")
    finally:
        if sandbox:
            sandbox.stop()
        await redis.close()
        redis_server.terminate()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    # The sandbox's store warns at each due date in a year without a holiday calendar (2025 here).
    logging.getLogger("lapor_client.sandbox.store").setLevel(logging.ERROR)
    asyncio.run(main(args.reports, args.requests))
