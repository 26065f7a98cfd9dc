"""Settings of the gateway and its channels, read once from the environment.

Every value has an embedded default for the local stack, so `make run` needs no configuration;
a deployment overrides what it needs (see README.md, "Configuration", and docs/channels.md).
A channel is enabled by its credentials: Telegram by TELEGRAM_BOT_TOKEN, WhatsApp by its four
WHATSAPP_* values together.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def media_dir() -> Path:
    """The media store's root (MEDIA_DIR), shared by the gateway and the action server."""
    return Path(_env("MEDIA_DIR", "run/media"))


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    # Bot API root, e.g. a local Bot API server or a test double; "/bot<token>/..." is appended.
    api_base_url: str = "https://api.telegram.org"
    # Set: Telegram posts updates to this public URL (ending in /telegram/webhook); empty: long polling.
    webhook_url: str = ""
    # Echoed by Telegram in X-Telegram-Bot-Api-Secret-Token on every webhook delivery.
    webhook_secret: str = ""

    @property
    def bot_api_url(self) -> str:
        """python-telegram-bot's `base_url` (the token is appended)."""
        return f"{self.api_base_url}/bot"

    @property
    def file_api_url(self) -> str:
        """python-telegram-bot's `base_file_url`."""
        return f"{self.api_base_url}/file/bot"

    @classmethod
    def from_env(cls) -> "TelegramSettings | None":
        token = _env("TELEGRAM_BOT_TOKEN", "")
        if not token:
            return None
        derived_secret = hashlib.sha256(b"telegram-webhook:" + token.encode()).hexdigest()[:48]
        return cls(
            token=token,
            api_base_url=_env("TELEGRAM_API_BASE_URL", cls.api_base_url).rstrip("/"),
            webhook_url=_env("TELEGRAM_WEBHOOK_URL", ""),
            webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET", derived_secret),
        )


@dataclass(frozen=True)
class WhatsAppSettings:
    token: str
    phone_number_id: str
    app_secret: str
    verify_token: str
    # Graph API root including the version; media and message calls go below it.
    api_base_url: str = "https://graph.facebook.com/v23.0"

    @classmethod
    def from_env(cls) -> "WhatsAppSettings | None":
        values = {
            "token": _env("WHATSAPP_TOKEN", ""),
            "phone_number_id": _env("WHATSAPP_PHONE_NUMBER_ID", ""),
            "app_secret": _env("WHATSAPP_APP_SECRET", ""),
            "verify_token": _env("WHATSAPP_VERIFY_TOKEN", ""),
        }
        if not any(values.values()):
            return None
        missing = [f"WHATSAPP_{name.upper()}" for name, value in values.items() if not value]
        if missing:
            raise ValueError(f"WhatsApp channel half configured, missing: {', '.join(missing)}")
        return cls(**values, api_base_url=_env("WHATSAPP_API_BASE_URL", cls.api_base_url).rstrip("/"))


@dataclass(frozen=True)
class GatewaySettings:
    host: str
    port: int
    rasa_url: str
    redis_url: str
    media_dir: Path
    # Text longer than this is answered with a friendly refusal instead of being relayed.
    max_text_chars: int
    rasa_timeout: float
    media_max_bytes: int = 20_000_000
    # Files that did not become part of a report are deleted after this long.
    media_retention_hours: float = 168.0
    telegram: TelegramSettings | None = None
    whatsapp: WhatsAppSettings | None = None

    @classmethod
    def from_env(cls) -> "GatewaySettings":
        return cls(
            host=_env("GATEWAY_HOST", "127.0.0.1"),
            port=int(_env("GATEWAY_PORT", "8080")),
            rasa_url=_env("RASA_URL", f"http://127.0.0.1:{_env('RASA_PORT', '5005')}"),
            redis_url=_env("REDIS_URL", "redis://localhost:6379/0"),
            media_dir=media_dir(),
            max_text_chars=int(_env("MAX_TEXT_CHARS", "4000")),
            rasa_timeout=float(_env("RASA_TIMEOUT", "30")),
            media_max_bytes=int(_env("MEDIA_MAX_BYTES", "20000000")),
            media_retention_hours=float(_env("MEDIA_RETENTION_HOURS", "168")),
            telegram=TelegramSettings.from_env(),
            whatsapp=WhatsAppSettings.from_env(),
        )
