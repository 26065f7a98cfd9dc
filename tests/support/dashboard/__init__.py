"""The dashboard tests' seeded scenario (scenario.py), the independent computation of its figures from the
sandbox's stored reports (independent.py), and what the tests share."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.support.dashboard import independent

ROOT = Path(__file__).resolve().parents[3]
PERIOD = (date(2026, 10, 1), date(2026, 11, 30))
REPORTS = 320
ABANDONED = 60
PASSWORD = "rahasia-uji-123"
USERS = {
    "kominfo": ("koordinator", None),
    "pupr": ("penghubung", "dpupr-kota-bandung"),
    "satpol": ("penghubung", "satpol-pp-kota-bandung"),
}


PERIOD_QUERY = f"dari={PERIOD[0].isoformat()}&sampai={PERIOD[1].isoformat()}"


def dashboard_cli(
    redis_url: str, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.dashboard", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": redis_url, **(env or {})},
        timeout=120,
    )


def in_period(truths: list[independent.Truth]) -> list[independent.Truth]:
    return [t for t in truths if PERIOD[0] <= t.created.astimezone(independent.WIB).date() <= PERIOD[1]]
