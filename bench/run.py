"""The benchmark: our assistant against the same assistant trained with stock Rasa's default config.

    .venv/bin/python -m bench.run [--conversations 100] [--concurrency 50] [--max-seconds 180]
                                  [--env SANIC_WORKERS=1] [--config candidate.yml] [--update-readme]
                                  [--topology]

For each variant — `ours` (models/lapor.tar.gz, or a model trained from --config) and `stock`
(bench/stock_config.yml, trained once into run/bench/models and cached by fingerprint) — it starts
the whole stack on free loopback ports with a fresh run directory, times Rasa's cold start (process
start → first answered turn through the gateway), runs one conversation alone (idle latency), then
the load of simulated citizens, samples every service's memory and CPU, and stops the stack.
The figures go to bench/results/<timestamp>.json and a table with ratios ours/stock is printed.

With --topology the variants are instead our model in the production topology (bot/local/topology.py,
citizens through HAProxy, one Sanic worker per Rasa server) with one of each tier and with two of
each, and the ratios are two/one.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import psutil
import redis

from bench.loadgen import run_load
from bench.sampler import ResourceSampler
from bot.local.stack import MODEL, ROOT, Ports, Stack, StackError
from bot.local.topology import Topology
from bot.local.train import CONFIG, train_command, training_inputs

BENCH = ROOT / "bench"
STOCK_CONFIG = BENCH / "stock_config.yml"
RESULTS = BENCH / "results"
README = BENCH / "README.md"
WORK = ROOT / "run" / "bench"
TARGETS = {"turns_per_s_ratio": 3.0, "p95_ms": 100.0, "cold_start_s": 20.0}
# The table's ratio columns: the first variant's figures over the second's, when both ran.
RATIOS = [("ours", "stock"), ("two-of-each", "one-of-each")]


@dataclass
class Variant:
    name: str
    model: Path
    env: dict[str, str] = field(default_factory=dict)
    profiled: list[str] = field(default_factory=list)  # services to run under cProfile
    stock_rasa: bool = False  # Rasa as released, on its own settings (Stack's stock_rasa)
    instances: int = 0  # >0: the production topology with this many of each tier, through HAProxy


class ProfiledStack(Stack):
    """The stack with some of its Python services run under cProfile; each writes
    <run dir>/<service>.prof when it exits (the stack stops services with SIGTERM, which they
    handle by shutting down normally)."""

    def __init__(self, *args, profiled: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.profiled = profiled

    def plan(self):
        services = super().plan()
        for service in services:
            if service.name in self.profiled:
                profiler = [sys.executable, "-m", "cProfile", "-o", str(self.profile_path(service.name))]
                command = service.command
                service.command = profiler + (command[1:] if command[0] == sys.executable else command)
        return services

    def profile_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.prof"

    def write_profile_reports(self, lines: int = 40) -> dict[str, str]:
        """Each profile as text (top functions by cumulative and by own time); returns the paths."""
        reports = {}
        for name in self.profiled:
            if not self.profile_path(name).exists():
                continue
            text = io.StringIO()
            stats = pstats.Stats(str(self.profile_path(name)), stream=text)
            stats.sort_stats("cumulative").print_stats(lines)
            stats.sort_stats("tottime").print_stats(lines)
            report = self.profile_path(name).with_suffix(".txt")
            report.write_text(text.getvalue())
            reports[name] = str(report.relative_to(ROOT))
        return reports


# -- models --------------------------------------------------------------------------------------
def fingerprint(config: Path) -> str:
    """What the model is trained from: this config with the project's domain and data."""
    digest = hashlib.sha256(version("rasa").encode())
    for path in [config, *(p for p in training_inputs() if p != CONFIG)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def trained_model(config: Path, name: str) -> Path:
    """The model trained from `config`, trained now only when its inputs changed."""
    out = WORK / "models"
    model, stamp = out / f"{name}.tar.gz", out / f"{name}.fingerprint"
    wanted = fingerprint(config)
    if model.exists() and stamp.exists() and stamp.read_text() == wanted:
        return model
    print(f"[bench] training the {name} model from {config} (a few minutes)...", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    # Rasa writes its automatic choices (and an assistant id) into the config it trains from:
    # it gets a copy, so that bench/stock_config.yml stays verbatim.
    copy = out / f"{name}.config.yml"
    shutil.copyfile(config, copy)
    subprocess.run(train_command(out_dir=out, fixed_name=name, config=copy), cwd=ROOT, check=True)
    stamp.write_text(wanted)
    return model


# -- one variant ---------------------------------------------------------------------------------
def per_turn(
    before: dict[str, float], after: dict[str, float], turns: int, scale: float = 1000.0
) -> dict[str, float]:
    return {k: round((after[k] - before.get(k, 0.0)) * scale / turns, 2) for k in after} if turns else {}


def redis_commands(client: redis.Redis) -> dict[str, float]:
    """Calls and server time per command since Redis started (`INFO commandstats`), leaving out
    the benchmark's own INFO calls."""
    stats = {name: s for name, s in client.info("commandstats").items() if name != "cmdstat_info"}
    return {
        **{name.removeprefix("cmdstat_"): s["calls"] for name, s in stats.items()},
        "_usec": sum(s["usec"] for s in stats.values()),
    }


def tracker_kb(client: redis.Redis, user_prefix: str) -> dict[str, float]:
    """Size of the stored trackers of the load's conversations (Rasa reads and writes them whole)."""
    sizes = [client.strlen(k) for k in client.scan_iter(match=f"*tracker:console:{user_prefix}-*", count=500)]
    return (
        {"mean": round(sum(sizes) / len(sizes) / 1024, 1), "max": round(max(sizes) / 1024, 1)}
        if sizes
        else {}
    )


def busy_cpu_seconds() -> float:
    """CPU time the whole machine spent busy, every core summed."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def variant_stack(variant: Variant, run_dir: Path) -> Stack:
    common = {"model": variant.model, "start_notifier": False, "extra_env": variant.env}
    if variant.instances:
        return Topology(Ports.free(), run_dir, instances=variant.instances, **common)
    return ProfiledStack(
        Ports.free(), run_dir, profiled=variant.profiled, stock_rasa=variant.stock_rasa, **common
    )


def bench_variant(variant: Variant, run_dir: Path, args: argparse.Namespace) -> dict:
    stack = variant_stack(variant, run_dir)
    pids = lambda: [(s.name, s.process.pid) for s in list(stack.services)]  # noqa: E731
    first_of = lambda tier: next(s.name for s in stack.services if s.tier == tier)  # noqa: E731
    print(f"[bench] {variant.name}: starting the stack ({variant.model.name})...", flush=True)
    with ResourceSampler(pids) as sampler:
        try:
            stack.start(say=lambda line: print("       ", line, flush=True))
            spawned = {name: psutil.Process(pid).create_time() for name, pid in pids()}
            idle = asyncio.run(
                run_load(
                    stack.gateway_url,
                    conversations=1,
                    concurrency=1,
                    max_seconds=120,
                    user_prefix="warmup",
                    console_token=stack.secrets.console_token,
                )
            )
            print(
                f"[bench] {variant.name}: load of {args.conversations} conversations, "
                f"{args.concurrency} at a time...",
                flush=True,
            )
            store = redis.Redis.from_url(stack.redis_url)
            cpu_before, redis_before = sampler.cpu_seconds(), redis_commands(store)
            # The load generator runs in this thread (the sampler has its own).
            busy_before, own_before, load_before = busy_cpu_seconds(), time.thread_time(), os.getloadavg()[0]
            load = asyncio.run(
                run_load(
                    stack.gateway_url,
                    conversations=args.conversations,
                    concurrency=args.concurrency,
                    max_seconds=args.max_seconds,
                    user_prefix="load",
                    console_token=stack.secrets.console_token,
                )
            )
            cpu_after, redis_after = sampler.cpu_seconds(), redis_commands(store)
            busy = busy_cpu_seconds() - busy_before
            own = {"loadgen": time.thread_time() - own_before}
            turns = len(load.turn_seconds)
            ours = sum(cpu_after.values()) - sum(cpu_before.values()) + own["loadgen"]
            result = {
                "model": str(variant.model.relative_to(ROOT)),
                "model_mb": round(variant.model.stat().st_size / 2**20, 1),
                "env": variant.env,
                "cold_start_s": round(idle.first_answer_at - spawned[first_of("rasa")], 2)
                if idle.first_answer_at
                else None,
                "rasa_ready_s": round(spawned[first_of("gateway")] - spawned[first_of("rasa")], 2),
                "idle": idle.summary(),
                "load": load.summary(),
                "cpu_ms_per_turn": per_turn({**cpu_before, "loadgen": 0.0}, {**cpu_after, **own}, turns),
                "redis_per_turn": per_turn(redis_before, redis_after, turns, scale=1.0),
                "tracker_kb": tracker_kb(store, "load"),
                "machine_during_load": {
                    "load_avg_1m": [load_before, os.getloadavg()[0]],
                    # CPU that went to other people's work (training, tests) while the load ran.
                    "other_cpu_share": round(
                        max(0.0, busy - ours) / (load.duration_s * psutil.cpu_count()), 2
                    ),
                },
            }
            print(
                f"[bench] {variant.name}: the same with {args.think_seconds:g} s to read and type "
                "before each message...",
                flush=True,
            )
            result["paced"] = asyncio.run(
                run_load(
                    stack.gateway_url,
                    conversations=args.conversations,
                    concurrency=args.concurrency,
                    max_seconds=args.max_seconds,
                    think_seconds=args.think_seconds,
                    user_prefix="paced",
                    console_token=stack.secrets.console_token,
                )
            ).summary()
            store.close()
        finally:
            stack.stop()
    result["peak_rss_mb"] = sampler.peak_rss_mb()
    if variant.profiled and isinstance(stack, ProfiledStack):
        result["profiles"] = stack.write_profile_reports()
    return result


# -- report --------------------------------------------------------------------------------------
def machine() -> dict:
    return {
        "cpus": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": sys.version.split()[0],
        "rasa": version("rasa"),
        "tensorflow": version("tensorflow"),
    }


def git_revision() -> str:
    def git(*cmd: str) -> str:
        return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("+dirty" if git("status", "--porcelain") else "")


def figures(result: dict) -> dict[str, float | None]:
    """The headline figures of one variant, as the table shows them."""
    load, paced = result["load"], result["paced"]
    rows = {
        "turns per second (no think time)": load["turns_per_s"],
        "turn latency p95, no think time (ms)": load["latency_ms"].get("p95"),
        "turn latency p50, paced (ms)": paced["latency_ms"].get("p50"),
        "turn latency p95, paced (ms)": paced["latency_ms"].get("p95"),
        "turn latency p99, paced (ms)": paced["latency_ms"].get("p99"),
        "idle turn latency p50 (ms)": result["idle"]["latency_ms"].get("p50"),
        "failed conversations (both loads)": load["conversations"]["failed"]
        + paced["conversations"]["failed"],
        "conversations cut by the time limit": load["conversations"]["unfinished"]
        + paced["conversations"]["unfinished"],
        "Rasa cold start (s)": result["cold_start_s"],
    }
    rows.update({f"peak RSS {name} (MB)": mb for name, mb in result["peak_rss_mb"].items()})
    rows.update({f"CPU per turn {name} (ms)": ms for name, ms in result["cpu_ms_per_turn"].items()})
    return rows


def table(report: dict) -> str:
    variants = report["variants"]
    names = list(variants)
    ratios = [(top, bottom) for top, bottom in RATIOS if {top, bottom} <= set(names)]
    columns = names + [f"{top}/{bottom}" for top, bottom in ratios]
    per_variant = {name: figures(result) for name, result in variants.items()}
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for row in per_variant[names[0]]:
        cells = [per_variant[name].get(row) for name in names]
        for top, bottom in ratios:
            over, under = per_variant[top].get(row), per_variant[bottom].get(row)
            cells.append(f"{over / under:.2f}×" if over is not None and under else None)
        lines.append(f"| {row} | " + " | ".join("–" if c is None else str(c) for c in cells) + " |")
    m = report["machine"]
    lines.append("")
    settings = report["settings"]
    lines.append(
        f"{m['cpus']} cores, {m['memory_gb']} GB RAM; each load {settings['conversations']} conversations, "
        f"{settings['concurrency']} concurrent, at most {settings['max_seconds']:g} s; paced: "
        f"{settings['think_seconds']:g} s think time; git {report['git']}; {report['started_at']}."
    )
    return "\n".join(lines)


def update_readme(text: str) -> None:
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    readme = README.read_text()
    head, rest = readme.split(start, 1)
    README.write_text(f"{head}{start}\n{text}\n{end}{rest.split(end, 1)[1]}")


def write_json(report: dict, stamp: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def parse_env(pairs: list[str]) -> dict[str, str]:
    try:
        return dict(pair.split("=", 1) for pair in pairs)
    except ValueError:
        raise SystemExit("--env takes KEY=VALUE") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--max-seconds", type=float, default=180, help="limit of each load phase")
    parser.add_argument(
        "--think-seconds",
        type=float,
        default=3.0,
        help="pause of the paced load's citizens before each message (the first load has none)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment of our stack, e.g. SANIC_WORKERS=1 (stock always runs on Rasa's defaults)",
    )
    parser.add_argument(
        "--config", type=Path, help="bench a model trained from this config instead of models/lapor.tar.gz"
    )
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="SERVICE",
        help="run this service of our stack under cProfile (rasa, action-server, gateway, "
        "lapor-sandbox); slows it down, so not for headline figures",
    )
    parser.add_argument(
        "--without-baseline", action="store_true", help="only ours (no ratios): for quick experiments"
    )
    parser.add_argument(
        "--topology",
        action="store_true",
        help="our model through HAProxy with two of each tier against one of each (bot/local/topology.py)",
    )
    parser.add_argument("--update-readme", action="store_true", help="put the table into bench/README.md")
    args = parser.parse_args(argv)

    ours_model = trained_model(args.config.resolve(), "candidate") if args.config else MODEL
    ours_env = parse_env(args.env)
    if "rasa" in args.profile:
        ours_env.setdefault("SANIC_WORKERS", "1")  # cProfile sees only the process it started
    variants = [Variant("ours", ours_model, ours_env, args.profile)]
    if args.topology:
        if args.profile:
            raise SystemExit("--profile is for the local stack, not --topology")
        variants = [
            Variant(f"{n}-of-each", ours_model, ours_env, instances=i) for n, i in (("one", 1), ("two", 2))
        ]
    elif not args.without_baseline:
        # Stock Rasa as `rasa init` sets it up: its default config, its own code, its own settings.
        variants.append(Variant("stock", trained_model(STOCK_CONFIG, "stock"), stock_rasa=True))

    stamp = datetime.now().astimezone().strftime("%Y-%m-%dT%H-%M-%S")
    report = {
        "started_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_revision(),
        "settings": {
            "conversations": args.conversations,
            "concurrency": args.concurrency,
            "max_seconds": args.max_seconds,
            "think_seconds": args.think_seconds,
        },
    }
    # SIGTERM (a timeout, a CI cancel) stops the stacks like Ctrl-C does, instead of orphaning them.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    report["variants"] = {}
    try:
        for variant in variants:
            report["variants"][variant.name] = bench_variant(variant, WORK / stamp / variant.name, args)
            path = write_json(report, stamp)  # what is measured is kept, even if a later variant fails
    except StackError as exc:
        print(f"[bench] ERROR: {exc}", file=sys.stderr)
        return 1
    text = table(report)
    print(f"\n{text}\n\n[bench] results: {path.relative_to(ROOT)}")
    if args.update_readme:
        update_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
