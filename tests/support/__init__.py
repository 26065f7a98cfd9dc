"""Small helpers for tests that start real servers on loopback."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.local.stack import free_port

UPLOAD_LIMIT = 64 * 1024  # the test sandbox's, small so that a 413 costs little
SLOW_DELAY = 1.0


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serves `app` on a free loopback port (aiohttp's TestServer) while the block runs; yields the URL."""
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


class FakeApi:
    """A platform's API played on a loopback port (the fake Bot API, the fake Graph API): subclasses add
    their routes; the gateway under test is pointed at `url`."""

    url = ""
    _runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self, port: int) -> None:
        app = web.Application()
        self.add_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        await self._runner.cleanup()


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
            [
                sys.executable,
                "-m",
                "lapor_client.sandbox",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--max-upload-bytes",
                str(UPLOAD_LIMIT),
                "--slow-delay",
                str(SLOW_DELAY),
                *self.extra_args,
            ],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
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
    sandbox = Sandbox(
        url=f"http://127.0.0.1:{port}",
        port=port,
        token="tok-" + secrets.token_hex(12),
        data_dir=data_dir,
        extra_args=extra_args,
    )
    sandbox.start()
    return sandbox
