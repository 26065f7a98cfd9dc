"""The action server's settings, read once from the environment (README.md, "Configuration")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from common.settings import env, env_float, env_int, media_dir, redis_url
from lapor_client import LaporSettings


@dataclass(frozen=True)
class ActionSettings:
    host: str = "127.0.0.1"
    port: int = 5055
    # Rasa's calls carry it (dialogue/endpoints.yml); without it the server does not start.
    token: str = ""
    redis_url: str = "redis://localhost:6379/0"
    # Evidence the gateway received is uploaded to LAPOR from here (the gateway's MEDIA_DIR).
    media_dir: Path = Path("run/media")
    # How long a citizen waits for LAPOR before hearing that the report will follow (the outbox keeps it).
    submit_wait_seconds: float = 8.0
    # Confirmed reports a citizen may file per day (Jakarta time); 0: no limit.
    reports_per_day: int = 5
    lapor: LaporSettings = field(default_factory=LaporSettings)

    @classmethod
    def from_env(cls) -> "ActionSettings":
        return cls(
            host=env("ACTION_SERVER_HOST", "127.0.0.1"),
            port=env_int("ACTION_SERVER_PORT", 5055),
            token=env("ACTION_SERVER_TOKEN"),
            redis_url=redis_url(),
            media_dir=media_dir(),
            submit_wait_seconds=env_float("LAPOR_SUBMIT_WAIT", 8.0),
            reports_per_day=env_int("REPORTS_PER_DAY", 5),
            lapor=LaporSettings.from_env(),
        )
