"""Reading settings from the environment, for every process's settings object.

Each process reads its settings once, at start, into one frozen dataclass (`GatewaySettings`,
`NotifierSettings`, `ActionSettings`); this module holds what they share: the readers, and `setting`, a
field that names its variable beside its default, so that `read_settings` fills the dataclass. Every
variable has an embedded default for the local stack; README.md's configuration table lists them all
(tests/test_settings_documented.py keeps the table and the code in step).
"""

from __future__ import annotations

import os
from dataclasses import field, fields
from pathlib import Path
from typing import Any, TypeVar

Settings = TypeVar("Settings")

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


def setting(variable: str, default: Any) -> Any:
    """A settings dataclass's field read from `variable` by `read_settings`, parsed as `default`'s type (a
    flag is on for "1"); `default` while the variable is unset or empty."""
    return field(default=default, metadata={"variable": variable})


def read_settings(cls: type[Settings], **read_otherwise: Any) -> Settings:
    """`cls` with each `setting` field read from its variable, and the fields its readers above or another
    settings object read given as keywords."""
    values = {}
    for spec in fields(cls):  # type: ignore[arg-type]
        raw = env(spec.metadata["variable"]) if "variable" in spec.metadata else ""
        if raw:
            values[spec.name] = raw == "1" if isinstance(spec.default, bool) else type(spec.default)(raw)
    return cls(**values, **read_otherwise)
