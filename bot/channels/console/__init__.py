"""The console channel: the local chat in a terminal (bot/local/console_chat.py), through the gateway."""
