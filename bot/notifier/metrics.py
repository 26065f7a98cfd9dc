"""The notifier's Prometheus metrics and its /health, /ready and /metrics server (NOTIFIER_PORT).

Counters move as things happen; the gauges (outbox depth and age, backlog, lag, dead letters) are read
from Redis after every round, so they show the whole deployment's state, whichever notifier answers.
docs/operations.md says which alerts to set on them.
"""

from __future__ import annotations

import time

import redis.asyncio as aioredis
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, generate_latest

from common import keys, outbox
from common.redis import answers

DELIVERIES = Counter("lapor_notifier_deliveries_total", "Notifications handled, by outcome", ["outcome"])
DEAD_LETTERS = Counter("lapor_notifier_dead_letters_total", "Notifications given up after all attempts")
LAPOR_ERRORS = Counter("lapor_api_errors_total", "LAPOR errors met by the notifier, by kind", ["kind"])
LOOP_FAILURES = Counter("lapor_notifier_round_failures_total", "Rounds cut short, by error kind", ["kind"])
OUTBOX_DEPTH = Gauge("lapor_outbox_depth", "Confirmed reports waiting for LAPOR")
OUTBOX_OLDEST = Gauge("lapor_outbox_oldest_age_seconds", "Age of the oldest report waiting for LAPOR")
OUTBOX_FAILED = Gauge("lapor_outbox_failed", "Reports LAPOR refused for good, waiting for an operator")
BACKLOG = Gauge("lapor_notifier_backlog_jobs", "Notifications not yet delivered (queued, retrying)")
LAG = Gauge("lapor_notifier_lag_seconds", "Age of the oldest notification not yet acknowledged")
DEAD = Gauge("lapor_notifier_dead_jobs", "Notifications given up, waiting for an operator")
LAST_ROUND = Gauge("lapor_notifier_last_round_timestamp_seconds", "When this notifier last finished a round")


async def observe(redis: aioredis.Redis) -> None:
    """Reads the gauges from Redis (after a round)."""
    kept = [outbox.PendingReport.from_json(raw) for raw in await redis.hvals(outbox.PENDING)]
    OUTBOX_DEPTH.set(len(kept))
    OUTBOX_OLDEST.set(max((time.time() - p.confirmed_at for p in kept), default=0))
    OUTBOX_FAILED.set(await redis.hlen(outbox.FAILED))
    BACKLOG.set(await redis.hlen(keys.NOTIFIER_JOBS))
    DEAD.set(await redis.hlen(keys.NOTIFIER_DEAD))
    oldest = await redis.xrange(keys.NOTIFIER_STREAM, count=1)
    oldest_ms = int(oldest[0][0].decode().split("-")[0]) if oldest else None
    LAG.set(max(0.0, time.time() - oldest_ms / 1000) if oldest_ms else 0)
    LAST_ROUND.set(time.time())


def health_app(redis: aioredis.Redis, poll_seconds: float) -> web.Application:
    """/health: the process answers. /ready: Redis answers and a round finished lately."""

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def ready(request: web.Request) -> web.Response:
        recent = time.time() - LAST_ROUND._value.get() < 3 * poll_seconds + 30
        redis_ok = await answers(redis)
        status = 200 if recent and redis_ok else 503
        return web.json_response({"redis": redis_ok, "rounds": recent}, status=status)

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    app.router.add_get("/metrics", metrics)
    return app
