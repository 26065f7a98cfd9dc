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
    # The console chat's endpoints (/console/*), for local use only; they need `console_token`.
    console_enabled: bool = False
    console_token: str = ""
    console_uploads_per_hour: int = 30
    # Messages one citizen may send per minute on any channel (0: no limit); more are answered "tunggu".
    messages_per_minute: int = 20
    # Connections and request bodies: what one slow or greedy client can hold.
    max_connections: int = 512
    backlog: int = 128
    max_body_bytes: int = 1_000_000
    read_timeout: float = 10.0
    keepalive_timeout: float = 15.0
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
            console_enabled=env("CONSOLE_CHANNEL", "0") == "1",
            console_token=env("CONSOLE_TOKEN", ""),
            console_uploads_per_hour=env_int("CONSOLE_UPLOADS_PER_HOUR", 30),
            messages_per_minute=env_int("MESSAGES_PER_MINUTE", 20),
            max_connections=env_int("GATEWAY_MAX_CONNECTIONS", 512),
            backlog=env_int("GATEWAY_BACKLOG", 128),
            max_body_bytes=env_int("GATEWAY_MAX_BODY_BYTES", 1_000_000),
            read_timeout=env_float("GATEWAY_READ_TIMEOUT", 10.0),
            keepalive_timeout=env_float("GATEWAY_KEEPALIVE_TIMEOUT", 15.0),
            channels=ChannelSettings.from_env(),
        )
