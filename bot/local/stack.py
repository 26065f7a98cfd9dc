"""Starts the whole local stack on embedded defaults, and stops every child it started.

    python -m bot.local.stack      # Redis, LAPOR sandbox, action server, Rasa, gateway, notifier
                                   # + the console chat when stdin is a terminal

Each service gets its own process group and log file under run/logs/, is waited for until it
answers, and is stopped (SIGTERM, then SIGKILL) on Ctrl-C, SIGTERM or when another one dies.
The test suite starts the same `Stack` on free ports (tests/conftest.py), so what the tests run is
what a developer runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets as secrets_module
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "lapor.tar.gz"


class StackError(Exception):
    """A service could not be started; the message says what to do."""


@dataclass
class Ports:
    redis: int = 6379
    sandbox: int = 8090
    actions: int = 5055
    rasa: int = 5005
    gateway: int = 8080

    @classmethod
    def from_env(cls) -> "Ports":
        redis_url = os.environ.get("REDIS_URL")
        return cls(
            redis=urlparse(redis_url).port or 6379 if redis_url else 6379,
            sandbox=int(os.environ.get("LAPOR_SANDBOX_PORT", 8090)),
            actions=int(os.environ.get("ACTION_SERVER_PORT", 5055)),
            rasa=int(os.environ.get("RASA_PORT", 5005)),
            gateway=int(os.environ.get("GATEWAY_PORT", 8080)),
        )

    @classmethod
    def free(cls) -> "Ports":
        """Ports nobody listens on: for stacks beside the local one (tests, benchmarks)."""
        return cls(
            redis=free_port(), sandbox=free_port(), actions=free_port(), rasa=free_port(), gateway=free_port()
        )


@dataclass
class Service:
    name: str
    command: list[str]
    port: int
    # An HTTP path that answers 200 once the service is ready; None: the port accepting is enough.
    ready_path: str | None = None
    ready_timeout: float = 60.0
    # Settings of this instance only (its own port), over the stack's.
    env: dict[str, str] = field(default_factory=dict)
    # Consecutive services of one tier are launched together, then waited for (two Rasa servers
    # load their models at the same time).
    tier: str = ""
    process: subprocess.Popen | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.tier = self.tier or self.name


def shown_path(path: Path) -> str:
    """Relative to the repository when inside it: short enough to copy from the terminal."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def default_rasa_workers() -> int:
    """One Rasa server process per core, at most four: each holds its own copy of the model (~0.7 GB)."""
    return max(1, min(os.cpu_count() or 1, 4))


def free_port() -> int:
    """A loopback port nobody listens on right now (the benchmark's and tests' stacks use these)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, text: str) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.write(text)
    path.chmod(0o600)


@dataclass(frozen=True)
class Secrets:
    """The local stack's passwords and tokens, made once per run folder and kept in it (0600)."""

    redis_password: str
    rasa_token: str
    action_server_token: str
    console_token: str

    @classmethod
    def of(cls, run_dir: Path) -> "Secrets":
        path = private_dir(run_dir) / "secrets.json"
        kept = json.loads(path.read_text()) if path.exists() else {}
        names = [f.name for f in fields(cls)]
        secrets = {name: kept.get(name) or secrets_module.token_urlsafe(24) for name in names}
        if secrets != kept:
            write_private(path, json.dumps(secrets))
        return cls(**secrets)


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


class Stack:
    """The local deployment: one process per service, all on 127.0.0.1."""

    def __init__(
        self,
        ports: Ports,
        run_dir: Path,
        *,
        extra_env: dict[str, str] | None = None,
        model: Path = MODEL,
        start_notifier: bool = True,
        stock_rasa: bool = False,
    ) -> None:
        self.ports = ports
        self.run_dir = run_dir
        self.logs_dir = run_dir / "logs"
        self.model = model
        self.start_notifier = start_notifier
        self.stock_rasa = stock_rasa  # Rasa as released, on its own settings: the benchmark's baseline
        self.secrets = Secrets.of(run_dir)
        self.env = {**os.environ, **self.service_env(), **(extra_env or {})}
        self.services: list[Service] = []

    # -- configuration ---------------------------------------------------------------------------
    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.sandbox}"

    @property
    def redis_url(self) -> str:
        return f"redis://:{self.secrets.redis_password}@127.0.0.1:{self.ports.redis}/0"

    def service_env(self) -> dict[str, str]:
        """The settings every service reads, pointing each at its neighbours."""
        return {
            "REDIS_URL": self.redis_url,
            "LAPOR_BASE_URL": self.sandbox_url,
            "LAPOR_TOKEN": os.environ.get("LAPOR_TOKEN", "sandbox"),
            "ACTION_SERVER_PORT": str(self.ports.actions),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.ports.actions}/webhook",
            "ACTION_SERVER_TOKEN": self.secrets.action_server_token,
            "RASA_TOKEN": self.secrets.rasa_token,
            # The console chat is for local use: on here, with a token, and off in any other deployment.
            "CONSOLE_CHANNEL": "1",
            "CONSOLE_TOKEN": self.secrets.console_token,
            "RASA_PORT": str(self.ports.rasa),
            "RASA_URL": self.rasa_url,
            "GATEWAY_PORT": str(self.ports.gateway),
            "MEDIA_DIR": str(self.run_dir / "media"),
            "PYTHONUNBUFFERED": "1",
            # Rasa's telemetry and crash reports would send conversation data out of the deployment.
            "RASA_TELEMETRY_ENABLED": "false",
            # TensorFlow's start-up chatter is noise in the logs.
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # rasa-sdk 3.6's server drops idle connections after 5 s, racing Rasa's reuse of them
            # (failed action calls under load); later rasa-sdk versions default to 120 s.
            "SANIC_KEEP_ALIVE_TIMEOUT": "120",
            **self.rasa_processes_env(),
        }

    def rasa_processes_env(self) -> dict[str, str]:
        """How many Rasa server processes, and TensorFlow threads in each (Rasa's own variables)."""
        if self.stock_rasa:  # Rasa's defaults: one process; empty leaves TensorFlow's threading to it
            return {
                "SANIC_WORKERS": "1",
                "TF_INTRA_OP_PARALLELISM_THREADS": "",
                "TF_INTER_OP_PARALLELISM_THREADS": "",
            }
        return {
            # The Redis lock store keeps each conversation's turns in order across the processes.
            "SANIC_WORKERS": os.environ.get("SANIC_WORKERS", str(default_rasa_workers())),
            # The processes are the parallelism: TensorFlow's own thread pools spinning beside them
            # cost more than they give (bench/README.md).
            "TF_INTRA_OP_PARALLELISM_THREADS": os.environ.get("TF_INTRA_OP_PARALLELISM_THREADS", "1"),
            "TF_INTER_OP_PARALLELISM_THREADS": os.environ.get("TF_INTER_OP_PARALLELISM_THREADS", "1"),
        }

    def plan(self) -> list[Service]:
        services = [
            self.redis_service(),
            self.sandbox_service(),
            self.action_server("action-server", self.ports.actions),
            self.rasa_server("rasa", self.ports.rasa),
            self.gateway("gateway", self.ports.gateway),
        ]
        if self.start_notifier:
            services.append(self.notifier("notifier"))
        return services

    # One method per kind of service: the topology (bot/local/topology.py) starts several of each.
    def redis_service(self) -> Service:
        return Service(
            "redis",
            ["redis-server", str(self.run_dir / "redis" / "redis.conf")],
            self.ports.redis,
            ready_timeout=20,
        )

    def sandbox_service(self) -> Service:
        command = ["-m", "lapor_client.sandbox", "--host", "127.0.0.1", "--port", str(self.ports.sandbox)]
        command += ["--data-dir", str(self.run_dir / "sandbox")]
        return Service("lapor-sandbox", [sys.executable, *command], self.ports.sandbox, ready_timeout=30)

    def action_server(self, name: str, port: int) -> Service:
        return Service(
            name,
            [sys.executable, "-m", "actions.server", "--port", str(port)],
            port,
            ready_path="/health",
            ready_timeout=120,
            tier="action-server",
        )

    def rasa_server(self, name: str, port: int) -> Service:
        return Service(
            name,
            [
                sys.executable,
                "-m",
                "rasa" if self.stock_rasa else "bot.rasa_server",
                "run",
                "--enable-api",
                "--model",
                str(self.model),
                "--endpoints",
                "dialogue/endpoints.yml",
                "--credentials",
                "dialogue/credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            port,
            ready_path=f"/status?token={self.secrets.rasa_token}",
            ready_timeout=360,
            tier="rasa",
        )

    def gateway(self, name: str, port: int) -> Service:
        return Service(
            name,
            [sys.executable, "-m", "bot.gateway"],
            port,
            ready_path="/health",
            ready_timeout=30,
            env={"GATEWAY_PORT": str(port)},
            tier="gateway",
        )

    def notifier(self, name: str, port: int = 0) -> Service:
        """A notifier; with a port it serves /health there (NOTIFIER_PORT) and is waited for."""
        return Service(
            name,
            [sys.executable, "-m", "bot.notifier"],
            port,
            ready_path="/health" if port else None,
            env={"NOTIFIER_PORT": str(port)} if port else {},
            tier="notifier",
        )

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, say=print) -> None:
        if not self.model.exists():
            raise StackError(f"No trained model at {self.model}. Run the set-up first: make setup")
        planned = self.plan()
        busy = [s for s in planned if s.port and port_in_use(s.port)]
        if busy:
            names = ", ".join(f"{s.name} (port {s.port})" for s in busy)
            raise StackError(
                f"Port already in use: {names}. Stop what runs there, or choose other ports with "
                "REDIS_URL, LAPOR_SANDBOX_PORT, ACTION_SERVER_PORT, RASA_PORT, GATEWAY_PORT."
            )
        for sub in ("logs", "redis", "sandbox", "media"):
            private_dir(self.run_dir / sub)
        self._write_redis_config()
        try:
            for _, tier in itertools.groupby(planned, key=lambda s: s.tier):
                launched = list(tier)
                for service in launched:
                    self._launch(service)
                for service in launched:
                    self._wait_ready(service)
                    where = f"127.0.0.1:{service.port}" if service.port else "background worker"
                    say(f"  ✓ {service.name:<14} {where:<18} log: {shown_path(self._log_path(service))}")
        except BaseException:
            self.stop()
            raise

    def _write_redis_config(self) -> None:
        """Redis's settings in a file of its own (0600): a password on the command line is visible to
        every local user in the process list."""
        write_private(self.run_dir / "redis" / "redis.conf", "\n".join(self.redis_settings()) + "\n")

    def redis_settings(self) -> list[str]:
        return [
            f"port {self.ports.redis}",
            "bind 127.0.0.1",
            f"dir {self.run_dir / 'redis'}",
            "appendonly yes",
            # Rewritten as it doubles (and after each erasure, common/erasure.py), so deleted
            # personal data does not linger in the AOF's history (docs/operations.md "Retention").
            "auto-aof-rewrite-percentage 100",
            "auto-aof-rewrite-min-size 16mb",
            'save ""',
            f"requirepass {self.secrets.redis_password}",
        ]

    def _log_path(self, service: Service) -> Path:
        return self.logs_dir / f"{service.name}.log"

    def _launch(self, service: Service) -> None:
        log_fd = os.open(self._log_path(service), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        log_file = os.fdopen(log_fd, "ab")
        service.process = subprocess.Popen(
            service.command,
            cwd=ROOT,
            env={**self.env, **service.env},
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C in the terminal is ours to relay
            umask=0o077,  # run data, media, Redis's AOF and logs readable by their owner only
        )
        log_file.close()
        self.services.append(service)

    def _wait_ready(self, service: Service) -> None:
        deadline = time.monotonic() + service.ready_timeout
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise StackError(
                    f"{service.name} exited with code {service.process.returncode}; "
                    f"see {self._log_path(service)}"
                )
            if self._is_ready(service):
                return
            time.sleep(0.25)
        raise StackError(
            f"{service.name} did not become ready in {service.ready_timeout:.0f} s; "
            f"see {self._log_path(service)}"
        )

    @staticmethod
    def _is_ready(service: Service) -> bool:
        if not service.port:
            return True
        if service.ready_path is None:
            return port_in_use(service.port)
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{service.port}{service.ready_path}", timeout=2
            ) as resp:
                return resp.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash: the service and whatever it forked, with no chance to clean up."""
        service = self.service(name)
        self._signal(service, signal.SIGKILL)
        service.process.wait()
        self._until_ports_released([service])

    def relaunch(self, name: str) -> None:
        """Starts a killed (or exited) service again with the same command, and waits until it answers."""
        service = self.service(name)
        self.services.remove(service)
        self._launch(service)
        self._wait_ready(service)

    def dead_service(self) -> Service | None:
        return next((s for s in self.services if s.process and s.process.poll() is not None), None)

    def stop(self, timeout: float = 15.0) -> None:
        """Stops every started service, newest first, and their children with them."""
        for service in reversed(self.services):
            self._signal(service, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for service in reversed(self.services):
            try:
                service.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(service, signal.SIGKILL)
                service.process.wait()
            # Whatever the service itself forked (workers, TensorFlow helpers) goes too.
            self._signal(service, signal.SIGKILL)
        self._until_ports_released(self.services)
        self.services.clear()

    @staticmethod
    def _until_ports_released(services: list[Service], timeout: float = 10.0) -> None:
        # A killed worker's copy of the listening socket closes only once that worker is gone: a
        # service started again on the same port must not find it still taken.
        deadline = time.monotonic() + timeout
        while any(s.port and port_in_use(s.port) for s in services) and time.monotonic() < deadline:
            time.sleep(0.05)

    @staticmethod
    def _signal(service: Service, sig: int) -> None:
        try:
            os.killpg(service.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def until_a_service_dies(stack: Stack) -> int:
    """Waits while every service runs; says which one stopped and where its log is. The exit code."""
    while (dead := stack.dead_service()) is None:
        time.sleep(1)
    print(
        f"{dead.name} stopped unexpectedly; see {shown_path(stack.logs_dir / (dead.name + '.log'))}",
        file=sys.stderr,
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--headless", action="store_true", help="no console chat, even with a terminal")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "run", help="data and logs (default: run/)")
    args = parser.parse_args(argv)

    # Both set explicitly: a shell starts background jobs with SIGINT ignored, and Python keeps that.
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)
    stack = Stack(Ports.from_env(), args.run_dir.resolve())
    print("Starting the LAPOR! assistant (loading the model takes about 20 seconds)...", flush=True)
    try:
        stack.start(say=lambda line: print(line, flush=True))
        print(
            f"Ready. Gateway: {stack.gateway_url}  Rasa: {stack.rasa_url}  "
            f"LAPOR sandbox: {stack.sandbox_url}",
            flush=True,
        )
        if sys.stdin.isatty() and not args.headless:
            from bot.local.console_chat import chat

            chat(stack.gateway_url, token=stack.secrets.console_token)
        else:
            print("Running headless; stop with Ctrl-C or SIGTERM.", flush=True)
            return until_a_service_dies(stack)
    except StackError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping all services...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
