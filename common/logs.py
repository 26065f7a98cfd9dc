"""One logging set-up for the assistant's own processes: a plain format, LOG_LEVEL, and personal data
redacted from every record (common/privacy.py)."""

from __future__ import annotations

import logging

from common.privacy import protect_logs
from common.settings import env


def configure() -> None:
    protect_logs()
    logging.basicConfig(
        level=env("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx (under python-telegram-bot) logs every request URL, and Telegram's contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
