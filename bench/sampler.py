"""Resource use of the stack's services: peak RSS sampled in a thread, CPU seconds on demand.

A service is its process and everything it forked (Sanic workers, TensorFlow helpers), so each
figure is the sum over the process tree. One sample reads the process table once (children are
found through it), so sampling costs a few milliseconds of the machine it measures.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable

import psutil

# (service name, pid) of every service started so far; read on every sample, so services that
# start after the sampler are picked up.
Pids = Callable[[], list[tuple[str, int]]]


def process_table() -> dict[int, dict]:
    return {p.pid: p.info for p in psutil.process_iter(["ppid", "memory_info", "cpu_times"])}


def tree_totals(root: int, table: dict[int, dict]) -> tuple[int, float]:
    """RSS bytes and CPU seconds (user + system) of `root` and all its descendants."""
    children = defaultdict(list)
    for pid, info in table.items():
        children[info["ppid"]].append(pid)
    rss, cpu, todo = 0, 0.0, [root]
    while todo:
        pid = todo.pop()
        info = table.get(pid)
        if info is None:
            continue
        if info["memory_info"] is not None:  # None: gone or not ours to read
            rss += info["memory_info"].rss
            cpu += info["cpu_times"].user + info["cpu_times"].system
        todo += children[pid]
    return rss, cpu


class ResourceSampler:
    """Samples every `interval` seconds until stopped; use as a context manager."""

    def __init__(self, pids: Pids, interval: float = 0.5) -> None:
        self._pids = pids
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="resource-sampler", daemon=True)
        self.peak_rss: dict[str, int] = {}

    def __enter__(self) -> "ResourceSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stopped.wait(self._interval):
                return

    def sample(self) -> None:
        table = process_table()
        for name, pid in self._pids():
            rss, _ = tree_totals(pid, table)
            self.peak_rss[name] = max(self.peak_rss.get(name, 0), rss)

    def peak_rss_mb(self) -> dict[str, float]:
        return {name: round(rss / 2**20, 1) for name, rss in self.peak_rss.items()}

    def cpu_seconds(self) -> dict[str, float]:
        table = process_table()
        return {name: tree_totals(pid, table)[1] for name, pid in self._pids()}
