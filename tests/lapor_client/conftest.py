"""A real LAPOR sandbox process on a free loopback port for the whole session, and clients of it."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from lapor_client import LaporClient, LaporSettings, SandboxAdmin
from tests.support import free_port

UPLOAD_LIMIT = 64 * 1024  # the sandbox's, small so that a 413 costs little
SLOW_DELAY = 1.0


def pytest_configure(config):
    """Hypothesis (under schemathesis, in test_openapi) keeps its caches in a temporary dir, not in the checkout.

    Set here, not in a fixture: its pytest plugin already writes a cache of the code's constants while collecting.
    """
    home = tempfile.TemporaryDirectory(prefix="hypothesis-")
    config.add_cleanup(home.cleanup)
    set_hypothesis_home_dir(home.name)


@dataclass
class Sandbox:
    url: str
    port: int
    token: str
    data_dir: Path
    extra_args: tuple[str, ...] = ()
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        env = {**os.environ, "LAPOR_TOKEN": self.token, "LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lapor_client.sandbox", "--host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", str(self.data_dir), "--max-upload-bytes", str(UPLOAD_LIMIT),
             "--slow-delay", str(SLOW_DELAY), *self.extra_args],
            env=env, cwd=Path(__file__).resolve().parents[2],
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the sandbox did not start (exit code {self.process.poll()})")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def start_sandbox(data_dir: Path, *extra_args: str) -> Sandbox:
    port = free_port()
    sandbox = Sandbox(url=f"http://127.0.0.1:{port}", port=port, token="tok-" + secrets.token_hex(12),
                      data_dir=data_dir, extra_args=extra_args)
    sandbox.start()
    return sandbox


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    sandbox = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield sandbox
    sandbox.stop()


@pytest.fixture
def settings(sandbox) -> LaporSettings:
    """Quick retries and a short timeout, so that fault tests stay fast."""
    return LaporSettings(base_url=sandbox.url, token=sandbox.token, timeout=3.0, max_retries=3,
                         backoff_base=0.01, backoff_max=0.05)


@pytest.fixture
async def lapor(settings):
    async with LaporClient(settings) as client:
        yield client


@pytest.fixture
async def admin(sandbox):
    """The sandbox's admin; every fault is switched off again after the test."""
    async with SandboxAdmin(sandbox.url) as admin:
        yield admin
        await admin.set_fault("none")


@pytest.fixture
def make_client(settings):
    """A client with other settings: `async with make_client(max_retries=0) as lapor:`."""
    return lambda **changes: LaporClient(replace(settings, **changes))
