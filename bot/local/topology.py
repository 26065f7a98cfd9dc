"""The production topology on one machine: N of every service behind HAProxy, as deploy/ runs it on VMs.

    python -m bot.local.topology [--instances 2] [--run-dir run/topology]

One Redis (password, AOF), the LAPOR sandbox, N action servers, N Rasa servers (one Sanic worker each),
N gateways in webhook mode and N notifiers; HAProxy runs deploy/haproxy.cfg itself, its addresses
from the environment: citizens reach the gateways, the gateways and notifiers reach Rasa, and Rasa
reaches the action servers, each through HAProxy. It is `Stack` (bot/local/stack.py) with more
instances: the same commands, secrets and run folder layout. tests/topology/test_kill.py and
`bench.run --topology` start it on free ports.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot.local.stack import (
    ROOT,
    Ports,
    Service,
    Stack,
    StackError,
    _stop_on_signal,
    free_port,
    until_a_service_dies,
)

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
# deploy/haproxy.cfg's health checks ("default-server inter 2s fall 2 rise 2"): a server HAProxy found down
# at its start is taken in after two passed checks.
HAPROXY_TAKES_IN_SECONDS = 2 * 2.0
# deploy/haproxy.cfg's backends, and the tier each one balances.
BALANCED = {"GATEWAY": "gateway", "RASA": "rasa", "ACTIONS": "action-server"}


class Topology(Stack):
    """`Stack` with `instances` of each tier behind HAProxy: `ports` are HAProxy's frontends (the
    gateway port is the citizens' way in), every instance gets a free port of its own."""

    def __init__(self, ports: Ports, run_dir: Path, *, instances: int = 2, **kwargs) -> None:
        if instances > 2:
            raise ValueError("deploy/haproxy.cfg lists two servers per backend")
        self.instances = instances
        self.ports = ports
        self.instance_ports = {tier: [free_port() for _ in range(instances)] for tier in BALANCED.values()}
        extra_env = {
            # One Sanic worker per Rasa server: the servers are the parallelism here.
            "SANIC_WORKERS": "1",
            **self.haproxy_env(),
            **(kwargs.pop("extra_env", None) or {}),
        }
        super().__init__(ports, run_dir, extra_env=extra_env, **kwargs)

    def haproxy_env(self) -> dict[str, str]:
        """deploy/haproxy.cfg's addresses (deploy/lapor.env.example names them)."""
        env = {
            "LB_HOST": "127.0.0.1",
            "LB_GATEWAY_PORT": str(self.ports.gateway),
            "LB_RASA_PORT": str(self.ports.rasa),
            "LB_ACTIONS_PORT": str(self.ports.actions),
        }
        for prefix, tier in BALANCED.items():
            ports = self.instance_ports[tier]
            for n in (1, 2):
                # With one instance, both server lines name it: the same file serves one and two.
                env[f"{prefix}{n}_ADDR"] = f"127.0.0.1:{ports[min(n, len(ports)) - 1]}"
        return env

    def named(self, tier: str) -> list[str]:
        return [f"{tier}-{n}" for n in range(1, self.instances + 1)]

    def plan(self) -> list[Service]:
        ports = self.instance_ports
        services = [self.redis_service(), self.sandbox_service()]
        services += [
            self.action_server(n, p) for n, p in zip(self.named("action-server"), ports["action-server"])
        ]
        services.append(self.haproxy())
        services += [self.rasa_server(n, p) for n, p in zip(self.named("rasa"), ports["rasa"])]
        services += [self.gateway(n, p) for n, p in zip(self.named("gateway"), ports["gateway"])]
        if self.start_notifier:
            services += [self.notifier(n, free_port()) for n in self.named("notifier")]
        return services

    def start(self, say=print) -> None:
        super().start(say)
        # HAProxy checked every server before it could answer: once the way in answers, wait for the
        # checks that take the last servers in, so that the load meets every instance.
        try:
            self._wait_ready(replace(self.service("haproxy"), ready_path="/ready", ready_timeout=60))
        except BaseException:
            self.stop()
            raise
        time.sleep(HAPROXY_TAKES_IN_SECONDS + 1)

    def haproxy(self) -> Service:
        if shutil.which("haproxy") is None:
            raise StackError("HAProxy is not installed: sudo apt-get install haproxy (scripts/setup.sh does)")
        # -db: in the foreground, so that it is our child and its log ours.
        return Service("haproxy", ["haproxy", "-db", "-f", str(HAPROXY_CONFIG)], self.ports.gateway)

    def redis_settings(self) -> list[str]:
        # As deploy/redis.conf: every write on disk before it is answered, so a killed Redis loses nothing.
        return [*super().redis_settings(), "appendfsync always"]

    def instance_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.service(name).port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", type=int, default=2, choices=(1, 2))
    parser.add_argument("--run-dir", type=Path, default=ROOT / "run" / "topology")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)
    topology = Topology(Ports.free(), args.run_dir.resolve(), instances=args.instances)
    try:
        topology.start(say=lambda line: print(line, flush=True))
        print(f"Ready. Citizens' way in (HAProxy): {topology.gateway_url}", flush=True)
        return until_a_service_dies(topology)
    except StackError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        topology.stop()


if __name__ == "__main__":
    sys.exit(main())
