"""Clients of the session's LAPOR sandbox (the `sandbox` fixture of tests/conftest.py)."""

from __future__ import annotations

import tempfile
from dataclasses import replace

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from lapor_client import LaporClient, LaporSettings


def pytest_configure(config):
    """Hypothesis (under schemathesis, in test_openapi) keeps its caches in a temporary dir, not in the
    checkout.

    Set here, not in a fixture: its pytest plugin already writes a cache of the code's constants while
    collecting.
    """
    home = tempfile.TemporaryDirectory(prefix="hypothesis-")
    config.add_cleanup(home.cleanup)
    set_hypothesis_home_dir(home.name)


@pytest.fixture
def settings(sandbox) -> LaporSettings:
    """Quick retries and a short timeout, so that fault tests stay fast."""
    return LaporSettings(
        base_url=sandbox.url,
        token=sandbox.token,
        timeout=3.0,
        max_retries=3,
        backoff_base=0.01,
        backoff_max=0.05,
    )


@pytest.fixture
async def lapor(settings):
    async with LaporClient(settings) as client:
        yield client


@pytest.fixture
def make_client(settings):
    """A client with other settings: `async with make_client(max_retries=0) as lapor:`."""
    return lambda **changes: LaporClient(replace(settings, **changes))
