"""Two of every service behind HAProxy, broken on purpose while citizens file reports.

Citizens (bench/loadgen.py's, through HAProxy's console endpoint) file reports one after another
while one instance of each tier is SIGKILLed and started again in turn — a gateway, a Rasa server,
an action server, a notifier — and Redis is killed and restarted once. A citizen does what a person
would: a message that got no answer (an HTTP error, a dropped connection, "mohon kirim ulang") is
sent again as a new message. Each filed report is moved to "verified" in the sandbox as soon as its
citizen has the number, so notifications are under way while the services die. Then it counts:
the tracking numbers the citizens received are exactly the sandbox's reports (nothing lost, nothing
filed twice), and each citizen got the "verified" news of their report exactly once.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections import Counter

import aiohttp
import pytest

from actions import status_texts
from actions.report.texts import NOT_SAVED
from actions.server import ACTION_FAILED
from bench.loadgen import Citizen, ConversationError, Goal, LoadStats
from bot.gateway.conversations import ASSISTANT_UNAVAILABLE, SLOW_DOWN
from bot.local.stack import ROOT, free_port
from common.media import VOLUME_MARKER
from lapor_client import SandboxAdmin

pytestmark = [pytest.mark.topology, pytest.mark.model]

CITIZENS_AT_ONCE = 3
# Each one killed and started again, in this order, with the load running.
KILLED = ["gateway-1", "rasa-1", "action-server-1", "notifier-1", "redis"]
SECONDS_BETWEEN_KILLS = 4.0
RESEND_AFTER_SECONDS = 1.0
MAX_RESENDS = 40
# The answers that ask the citizen to send again: the message did not get through.
SEND_AGAIN = {ASSISTANT_UNAVAILABLE, SLOW_DOWN, NOT_SAVED, ACTION_FAILED, status_texts.UNAVAILABLE}
# The report was kept: its number comes later, in the inbox.
NUMBER_LATER = re.compile(r"akan kami kabarkan", re.I)
TRACKING = re.compile(r"nomor pelacakan: #?(\d+)", re.I)


class PersistentCitizen(Citizen):
    """bench.loadgen's citizen, sending again what got no answer, and keeping its inbox."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tracking_ids: list[str] = []
        self.inbox: list[str] = []
        self.resends: Counter = Counter()

    async def send(self, text: str = "", shared: dict | None = None, *, step: str) -> list[dict]:
        for _ in range(MAX_RESENDS):
            try:
                messages = await super().send(text, shared, step=step)
            except ConversationError as failed:
                if failed.reason.startswith(("HTTP 4", "unexpected")):
                    raise
                reason = failed.reason
            else:
                if not any(m.get("text") in SEND_AGAIN for m in messages):
                    return messages
                reason = "asked to send again"
            self.resends[reason] += 1
            await asyncio.sleep(RESEND_AFTER_SECONDS)
        raise ConversationError("no answer after resending", text)

    async def upload_photo(self) -> dict | None:
        for _ in range(MAX_RESENDS):
            try:
                return await super().upload_photo()
            except ConversationError as failed:
                self.resends[failed.reason] += 1
                await asyncio.sleep(RESEND_AFTER_SECONDS)
        raise ConversationError("upload failed after resending")

    async def pursue(self, goal: Goal, facts: dict[str, str]) -> dict[str, str]:
        try:
            reached = await super().pursue(goal, facts)
        except ConversationError as failed:
            if goal.name != "file" or not NUMBER_LATER.search(failed.detail):
                raise
            reached = {"tracking_id": await self.number_from_inbox()}
        if "tracking_id" in reached:
            self.tracking_ids.append(reached["tracking_id"])
        return reached

    async def number_from_inbox(self, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await self.collect_inbox()
            for text in self.inbox:
                if found := TRACKING.search(text):
                    return found.group(1)
            await asyncio.sleep(1.0)
        raise ConversationError("kept report never announced")

    async def collect_inbox(self) -> None:
        try:
            async with self.http.get(
                f"{self.gateway_url}/console/inbox", params={"user_id": self.user_id}
            ) as resp:
                if resp.status == 200:
                    self.inbox += [m.get("text") or "" for m in (await resp.json())["messages"]]
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass  # a gateway or Redis is down just now: the news waits in Redis


def verified_news(tracking_id: str) -> str:
    return f"Laporan #{tracking_id} sudah diverifikasi"


async def break_one_after_another(topology, breaking: list[str]) -> None:
    for name in KILLED:
        await asyncio.sleep(SECONDS_BETWEEN_KILLS)
        breaking.append(name)
        topology.kill(name)
        await asyncio.to_thread(topology.relaunch, name)
    await asyncio.sleep(SECONDS_BETWEEN_KILLS)


async def test_killing_one_of_each_loses_and_doubles_nothing(topology):
    stats = LoadStats()
    citizens: list[PersistentCitizen] = []
    breaking: list[str] = []
    auth = {"Authorization": f"Bearer {topology.secrets.console_token}"}
    async with aiohttp.ClientSession(headers=auth) as http, SandboxAdmin(topology.sandbox_url) as admin:
        chaos = asyncio.create_task(break_one_after_another(topology, breaking))
        verified: set[str] = set()

        async def citizen_after_citizen(worker: int) -> None:
            number = 0
            while not chaos.done():
                citizen = PersistentCitizen(http, topology.gateway_url, f"warga-{worker}-{number}", stats)
                citizens.append(citizen)
                await citizen.converse()
                for tracking_id in set(citizen.tracking_ids) - verified:
                    verified.add(tracking_id)
                    await admin.transition(tracking_id, "verified")
                number += 1

        await asyncio.gather(chaos, *(citizen_after_citizen(n) for n in range(CITIZENS_AT_ONCE)))
        assert breaking == KILLED

        # Every news delivered, whichever notifier took it.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            await asyncio.gather(*(c.collect_inbox() for c in citizens))
            if all(verified_news(t) in "\n".join(c.inbox) for c in citizens for t in c.tracking_ids):
                break
            await asyncio.sleep(1.0)

    confirmed = [t for c in citizens for t in c.tracking_ids]
    summary = stats.summary()
    print(json.dumps({"conversations": summary["conversations"], "errors": summary["errors"]}))
    print(f"resent after: {dict(sum((c.resends for c in citizens), Counter()))}, reports: {len(confirmed)}")
    filed = topology.run_dir / "sandbox" / "sandbox.json"  # written at the sandbox's first report
    sandbox = json.loads(filed.read_text(encoding="utf-8")) if filed.exists() else {"reports": {}}

    assert len(confirmed) >= CITIZENS_AT_ONCE, summary  # the load really ran through the kills
    assert all(len(set(c.tracking_ids)) <= 1 for c in citizens), "a citizen got two tracking numbers"
    assert sorted(set(confirmed)) == sorted(sandbox["reports"]), "confirmed reports ≠ the sandbox's reports"
    # Each citizen's photo, received by either gateway, reached LAPOR from either action server or notifier.
    assert all(len(report["attachment_ids"]) == 1 for report in sandbox["reports"].values())
    news = Counter(
        (c.user_id, t)
        for c in citizens
        for t in set(c.tracking_ids)
        for text in c.inbox
        if verified_news(t) in text
    )
    assert {key: news[key] for key in news} == {
        (c.user_id, t): 1 for c in citizens for t in set(c.tracking_ids)
    }


def test_a_service_on_a_media_directory_of_its_own_refuses_to_start(topology, tmp_path):
    """A third gateway, as on a host that did not mount the shared volume: it refuses to start and
    says why; on the shared directory the same command starts."""
    command = [sys.executable, "-m", "bot.gateway"]
    env = {**topology.env, "GATEWAY_PORT": str(free_port()), "MEDIA_DIR": str(tmp_path / "own")}
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "not the media directory" in refused.stderr
    assert not (tmp_path / "own" / VOLUME_MARKER).exists()

    shared = topology.gateway("gateway-3", free_port())
    topology.services.append(shared)  # stopped with the topology
    topology.relaunch("gateway-3")
    assert topology.service("gateway-3").process.poll() is None
