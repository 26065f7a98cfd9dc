"""The gateway's /ready and /metrics: readiness for the load balancer, turns and latency by channel.

Wired in app.py by `health.install(app, REDIS, HTTP, SETTINGS)`. /health (alive) stays in app.py.
A turn is one request to a channel's endpoint (console message, Telegram or WhatsApp webhook); its
channel is the first part of the path.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from common.redis import answers

TURNS = Counter(
    "lapor_gateway_turns_total", "Requests on a channel's endpoints, by outcome", ["channel", "outcome"]
)
TURN_SECONDS = Histogram(
    "lapor_gateway_turn_seconds",
    "Time to answer a channel's request (a whole turn for the console)",
    ["channel"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 30),
)
CHANNELS = {"console", "telegram", "whatsapp"}


def install(
    app: web.Application, redis_key: web.AppKey, http_key: web.AppKey, settings_key: web.AppKey
) -> None:
    @web.middleware
    async def measure(request: web.Request, handler) -> web.StreamResponse:
        channel = request.path.strip("/").split("/")[0]
        if channel not in CHANNELS or request.method != "POST":
            return await handler(request)
        started = time.monotonic()
        outcome = "error"
        try:
            response = await handler(request)
            outcome = "ok" if response.status < 400 else f"http_{response.status}"
            return response
        finally:
            TURNS.labels(channel=channel, outcome=outcome).inc()
            TURN_SECONDS.labels(channel=channel).observe(time.monotonic() - started)

    async def ready(request: web.Request) -> web.Response:
        """Ready when Redis and Rasa answer: the load balancer sends no citizen to a gateway that
        would only say "asisten sedang mengalami gangguan"."""
        redis_ok = await answers(request.app[redis_key])
        try:
            url = request.app[settings_key].rasa_url
            async with request.app[http_key].get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                rasa_ok = resp.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            rasa_ok = False
        status = 200 if redis_ok and rasa_ok else 503
        return web.json_response({"redis": redis_ok, "rasa": rasa_ok}, status=status)

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.middlewares.append(measure)
    app.router.add_get("/ready", ready)
    app.router.add_get("/metrics", metrics)
