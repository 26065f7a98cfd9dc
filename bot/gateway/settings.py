"""The gateway's settings, read once from the environment (README.md, "Configuration")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.settings import ChannelSettings
from common.settings import env, env_float, env_int, media_dir, rasa_url, redis_url


@dataclass(frozen=True)
class GatewaySettings:
    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    # Rasa answers only callers with its token (bot/rasa_server/auth.py).
    rasa_token: str = ""
    redis_url: str = "redis://localhost:6379/0"
    media_dir: Path = Path("run/media")
    # Text longer than this is answered with a friendly refusal instead of being relayed.
    max_text_chars: int = 4096
    rasa_timeout: float = 30.0
    media_max_bytes: int = 20_000_000
    # Files that did not become part of a report are deleted after this long.
    media_retention_hours: float = 168.0
    # The console chat's endpoints (/console/*), for local use.
    console_enabled: bool = True
    channels: ChannelSettings = field(default_factory=ChannelSettings)

    @classmethod
    def from_env(cls) -> "GatewaySettings":
        return cls(
            host=env("GATEWAY_HOST", "127.0.0.1"),
            port=env_int("GATEWAY_PORT", 8080),
            rasa_url=rasa_url(),
            rasa_token=env("RASA_TOKEN"),
            redis_url=redis_url(),
            media_dir=media_dir(),
            max_text_chars=env_int("MAX_TEXT_CHARS", 4096),
            rasa_timeout=env_float("RASA_TIMEOUT", 30.0),
            media_max_bytes=env_int("MEDIA_MAX_BYTES", 20_000_000),
            media_retention_hours=env_float("MEDIA_RETENTION_HOURS", 168.0),
            console_enabled=env("CONSOLE_CHANNEL", "1") != "0",
            channels=ChannelSettings.from_env(),
        )
