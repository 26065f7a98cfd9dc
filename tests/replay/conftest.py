"""The replay runs through the real gateway app, scripted Rasa and fake Graph API of the channel tests."""

from tests.bot.channels.conftest import gateway_settings, rasa, whatsapp_gateway  # noqa: F401
