"""Reading settings from the environment, for every process's settings object.

Each process reads its settings once, at start, into one frozen dataclass (`GatewaySettings`,
`NotifierSettings`, `ActionSettings`); this module holds what they share. Every variable has an embedded
default for the local stack; README.md's configuration table lists them all (tests/test_settings_documented.py
keeps the table and the code in step).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_REDIS_URL = "redis://localhost:6379/0"


def env(name: str, default: str = "") -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_float(name: str, default: float) -> float:
    return float(env(name, str(default)))


def redis_url() -> str:
    """REDIS_URL, with password, database and `rediss://` as redis-py reads them."""
    return env("REDIS_URL", DEFAULT_REDIS_URL)


def media_dir() -> Path:
    """The media store's root (MEDIA_DIR): the gateway writes evidence there, the action server and the
    notifier read it to upload a report's files to LAPOR."""
    return Path(env("MEDIA_DIR", "run/media"))


def rasa_url() -> str:
    return env("RASA_URL", f"http://127.0.0.1:{env('RASA_PORT', '5005')}")
