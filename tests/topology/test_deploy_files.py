"""What deploy/ gives an operator is checked: HAProxy accepts the config the topology uses, and each
systemd unit starts a module that exists with a Redis that has a password and AOF."""

from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ADDRESSES = {
    "LB_HOST": "127.0.0.1",
    "LB_GATEWAY_PORT": "18443",
    "LB_RASA_PORT": "15000",
    "LB_ACTIONS_PORT": "15050",
    **{
        f"{tier}{n}_ADDR": f"127.0.0.1:1{n}00{i}"
        for i, tier in enumerate(("GATEWAY", "RASA", "ACTIONS"))
        for n in (1, 2)
    },
}


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="apt-get install haproxy")
def test_haproxy_accepts_the_config():
    checked = subprocess.run(
        ["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")],
        env={**os.environ, **ADDRESSES},
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("unit", sorted((DEPLOY / "systemd").glob("*.service")), ids=lambda p: p.name)
def test_each_unit_restarts_and_starts_something_that_exists(unit):
    parsed = configparser.ConfigParser(strict=False, interpolation=None)
    parsed.read(unit)
    service = parsed["Service"]
    assert service["Restart"] == "always"
    command = service["ExecStart"].split()
    if "-m" in command:
        assert importlib.util.find_spec(command[command.index("-m") + 1]) is not None
    else:
        assert command[0] == "/usr/bin/redis-server" and "--requirepass" in command


def test_redis_keeps_every_write_on_disk():
    settings = dict(
        line.split(None, 1)
        for line in (DEPLOY / "redis.conf").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert (settings["appendonly"], settings["appendfsync"]) == ("yes", "always")
