"""Telegram, on python-telegram-bot: updates in (inbound.py), messages out (outbound.py)."""
