"""The action server's settings, read once from the environment (README.md, "Configuration")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from common.settings import media_dir, read_settings, redis_url, setting
from lapor_client import LaporSettings


@dataclass(frozen=True)
class ActionSettings:
    host: str = setting("ACTION_SERVER_HOST", "127.0.0.1")
    port: int = setting("ACTION_SERVER_PORT", 5055)
    # Rasa's calls carry it (dialogue/endpoints.yml); without it the server does not start.
    token: str = setting("ACTION_SERVER_TOKEN", "")
    redis_url: str = "redis://localhost:6379/0"
    # Evidence the gateway received is uploaded to LAPOR from here (the gateway's MEDIA_DIR).
    media_dir: Path = Path("run/media")
    # How long a citizen waits for LAPOR before hearing that the report will follow (the outbox keeps it).
    submit_wait_seconds: float = setting("LAPOR_SUBMIT_WAIT", 8.0)
    # Confirmed reports a citizen may file per day (Jakarta time); 0: no limit.
    reports_per_day: int = setting("REPORTS_PER_DAY", 5)
    lapor: LaporSettings = field(default_factory=LaporSettings)

    @classmethod
    def from_env(cls) -> "ActionSettings":
        return read_settings(
            cls, redis_url=redis_url(), media_dir=media_dir(), lapor=LaporSettings.from_env()
        )
