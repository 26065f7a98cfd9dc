"""What the notifier tests share: a channel outbound to the console inbox, a media store, a report filed on
the sandbox, the feed read to its end, and the notifier run as its own process (`python -m bot.notifier`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bot.channels.console.outbound import ConsoleOutbound
from bot.notifier.service import ChannelOutbound, Notifier
from common.media import MediaStore
from common.offers import OfferedPayloads
from lapor_client import LaporClient
from lapor_client.models import NewReport

ROOT = Path(__file__).resolve().parents[2]
MEDIA = MediaStore(Path(tempfile.gettempdir()) / "notifier-test-media")


def console_only(redis) -> ChannelOutbound:
    return ChannelOutbound({"console": ConsoleOutbound(redis)}, OfferedPayloads(redis))


async def file_report(lapor: LaporClient, title: str = "Jalan berlubang") -> str:
    report = NewReport(
        classification="pengaduan",
        title=title,
        body="Lubang besar di depan pasar.",
        incident_date=date(2026, 11, 20),
    )
    created = await lapor.create_report(report, idempotency_key=f"k-{time.monotonic_ns()}")
    return created.tracking_id


async def skip_existing_events(lapor: LaporClient, notifier: Notifier) -> None:
    """The sandbox is shared by the module: start each test at the feed's end."""
    await notifier.follow_feed_once()
    await notifier.deliver_due_once()


def notifier_env(redis_url, rasa_url, sandbox) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": redis_url,
        "RASA_URL": rasa_url,
        "LAPOR_BASE_URL": sandbox.url,
        "LAPOR_TOKEN": sandbox.token,
        "NOTIFIER_POLL_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
    }


def start_notifier(env: dict[str, str]) -> subprocess.Popen:
    """The notifier process as deployed, run from the repository root with `env` (see notifier_env)."""
    return subprocess.Popen([sys.executable, "-m", "bot.notifier"], cwd=ROOT, env=env)
