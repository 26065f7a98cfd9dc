"""Settings dataclasses read from the environment through `setting` fields (common/settings.py)."""

from __future__ import annotations

from pathlib import Path

from actions.settings import ActionSettings
from bot.gateway.settings import GatewaySettings
from bot.notifier.settings import NotifierSettings


def test_each_setting_is_read_from_its_variable_as_its_default_s_type(monkeypatch):
    monkeypatch.setenv("GATEWAY_PORT", "9123")
    monkeypatch.setenv("RASA_TIMEOUT", "2.5")
    monkeypatch.setenv("CONSOLE_CHANNEL", "1")
    monkeypatch.setenv("CONSOLE_TOKEN", " secret ")
    monkeypatch.setenv("MEDIA_DIR", "/srv/media")
    monkeypatch.setenv("RASA_URL", "http://rasa.internal:5005")
    settings = GatewaySettings.from_env()
    assert settings.port == 9123
    assert settings.rasa_timeout == 2.5
    assert settings.console_enabled is True
    assert settings.console_token == "secret"
    assert settings.media_dir == Path("/srv/media")
    assert settings.rasa_url == "http://rasa.internal:5005"


def test_an_unset_or_empty_variable_keeps_the_default(monkeypatch):
    for name in ("NOTIFIER_PORT", "NOTIFIER_POLL_SECONDS", "REPORTS_PER_DAY", "CONSOLE_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACTION_SERVER_HOST", "  ")
    assert NotifierSettings.from_env().port == NotifierSettings().port == 0
    assert NotifierSettings.from_env().poll_seconds == 5.0
    assert ActionSettings.from_env().host == "127.0.0.1"
    assert ActionSettings.from_env().reports_per_day == 5
    assert GatewaySettings.from_env().console_enabled is False


def test_a_flag_is_on_only_for_1(monkeypatch):
    monkeypatch.setenv("CONSOLE_CHANNEL", "true")
    assert GatewaySettings.from_env().console_enabled is False
