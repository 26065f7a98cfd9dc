"""The notifier's settings, read once from the environment (README.md, "Configuration")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.settings import ChannelSettings
from common.settings import media_dir, rasa_url, read_settings, redis_url, setting


@dataclass(frozen=True)
class NotifierSettings:
    redis_url: str = "redis://localhost:6379/0"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = setting("RASA_TOKEN", "")
    poll_seconds: float = setting("NOTIFIER_POLL_SECONDS", 5.0)
    # /health, /ready and /metrics (bot/notifier/metrics.py); 0: not served.
    port: int = setting("NOTIFIER_PORT", 0)
    host: str = setting("NOTIFIER_HOST", "127.0.0.1")
    # A retried report's evidence is uploaded from here (the gateway's MEDIA_DIR).
    media_dir: Path = Path("run/media")
    channels: ChannelSettings = field(default_factory=ChannelSettings)

    @classmethod
    def from_env(cls) -> "NotifierSettings":
        return read_settings(
            cls,
            redis_url=redis_url(),
            rasa_url=rasa_url(),
            media_dir=media_dir(),
            channels=ChannelSettings.from_env(),
        )
