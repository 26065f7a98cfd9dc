"""The two-of-each topology (bot/local/topology.py), started once for the tests marked `topology`."""

from __future__ import annotations

import pytest

from bot.local.stack import MODEL, Ports
from bot.local.topology import Topology


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "topology: starts two of every service behind HAProxy (make test-topology, minutes)"
    )


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip("no trained model (make setup)")
    running = Topology(Ports.free(), tmp_path_factory.mktemp("topology"), instances=2)
    running.start(say=lambda line: None)
    yield running
    running.stop()
