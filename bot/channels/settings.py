"""Settings of the chat channels, shared by the gateway (inbound and replies) and the notifier (news).

A channel is enabled by its credentials: Telegram by TELEGRAM_BOT_TOKEN, WhatsApp by its four
WHATSAPP_* values together (docs/channels.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from common.settings import env


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
        token = env("TELEGRAM_BOT_TOKEN", "")
        if not token:
            return None
        derived_secret = hashlib.sha256(b"telegram-webhook:" + token.encode()).hexdigest()[:48]
        return cls(
            token=token,
            api_base_url=env("TELEGRAM_API_BASE_URL", cls.api_base_url).rstrip("/"),
            webhook_url=env("TELEGRAM_WEBHOOK_URL", ""),
            webhook_secret=env("TELEGRAM_WEBHOOK_SECRET", derived_secret),
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
            "token": env("WHATSAPP_TOKEN", ""),
            "phone_number_id": env("WHATSAPP_PHONE_NUMBER_ID", ""),
            "app_secret": env("WHATSAPP_APP_SECRET", ""),
            "verify_token": env("WHATSAPP_VERIFY_TOKEN", ""),
        }
        if not any(values.values()):
            return None
        missing = [f"WHATSAPP_{name.upper()}" for name, value in values.items() if not value]
        if missing:
            raise ValueError(f"WhatsApp channel half configured, missing: {', '.join(missing)}")
        return cls(**values, api_base_url=env("WHATSAPP_API_BASE_URL", cls.api_base_url).rstrip("/"))


@dataclass(frozen=True)
class ChannelSettings:
    telegram: TelegramSettings | None = None
    whatsapp: WhatsAppSettings | None = None
    # Approved template for news outside WhatsApp's 24-hour window (tracking number, first line).
    whatsapp_template: str = ""

    @classmethod
    def from_env(cls) -> "ChannelSettings":
        return cls(TelegramSettings.from_env(), WhatsAppSettings.from_env(), env("WHATSAPP_NOTIFY_TEMPLATE"))
