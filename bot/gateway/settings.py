"""The gateway's settings, read once from the environment (README.md, "Configuration")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.settings import ChannelSettings
from common.settings import media_dir, rasa_url, read_settings, redis_url, setting


@dataclass(frozen=True)
class GatewaySettings:
    host: str = setting("GATEWAY_HOST", "127.0.0.1")
    port: int = setting("GATEWAY_PORT", 8080)
    rasa_url: str = "http://127.0.0.1:5005"
    # Rasa answers only callers with its token (bot/rasa_server/auth.py).
    rasa_token: str = setting("RASA_TOKEN", "")
    redis_url: str = "redis://localhost:6379/0"
    media_dir: Path = Path("run/media")
    # Text longer than this is answered with a friendly refusal instead of being relayed.
    max_text_chars: int = setting("MAX_TEXT_CHARS", 4096)
    rasa_timeout: float = setting("RASA_TIMEOUT", 30.0)
    media_max_bytes: int = setting("MEDIA_MAX_BYTES", 20_000_000)
    # Files that did not become part of a report are deleted after this long.
    media_retention_hours: float = setting("MEDIA_RETENTION_HOURS", 168.0)
    # The console chat's endpoints (/console/*), for local use only; they need `console_token`.
    console_enabled: bool = setting("CONSOLE_CHANNEL", False)
    console_token: str = setting("CONSOLE_TOKEN", "")
    console_uploads_per_hour: int = setting("CONSOLE_UPLOADS_PER_HOUR", 30)
    # Messages one citizen may send per minute on any channel (0: no limit); more are answered "tunggu".
    messages_per_minute: int = setting("MESSAGES_PER_MINUTE", 20)
    # Connections and request bodies: what one slow or greedy client can hold.
    max_connections: int = setting("GATEWAY_MAX_CONNECTIONS", 512)
    backlog: int = setting("GATEWAY_BACKLOG", 128)
    max_body_bytes: int = setting("GATEWAY_MAX_BODY_BYTES", 1_000_000)
    read_timeout: float = setting("GATEWAY_READ_TIMEOUT", 10.0)
    keepalive_timeout: float = setting("GATEWAY_KEEPALIVE_TIMEOUT", 15.0)
    channels: ChannelSettings = field(default_factory=ChannelSettings)

    @classmethod
    def from_env(cls) -> "GatewaySettings":
        return read_settings(
            cls,
            rasa_url=rasa_url(),
            redis_url=redis_url(),
            media_dir=media_dir(),
            channels=ChannelSettings.from_env(),
        )
