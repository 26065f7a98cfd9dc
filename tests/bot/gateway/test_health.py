"""The gateway's /ready and /metrics (bot/gateway/health.py) with a real Redis and a stand-in Rasa."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.gateway import health
from bot.gateway.app import HTTP, REDIS, SETTINGS
from bot.gateway.settings import GatewaySettings
from common.redis import async_client
from tests.support import free_port, serving


def gateway(redis, http, rasa_url: str) -> web.Application:
    app = web.Application()
    app[REDIS], app[HTTP], app[SETTINGS] = redis, http, GatewaySettings(rasa_url=rasa_url)
    app.router.add_post("/console/messages", lambda request: web.json_response({"messages": []}))
    health.install(app, REDIS, HTTP, SETTINGS)
    return app


async def test_ready_only_when_rasa_and_redis_answer_and_turns_are_counted_by_channel(redis_url):
    rasa = web.Application()
    rasa.router.add_get("/", lambda request: web.Response(text="Hello from Rasa"))
    redis = async_client(redis_url)
    async with aiohttp.ClientSession() as http, serving(rasa) as rasa_url:
        async with serving(gateway(redis, http, f"http://127.0.0.1:{free_port()}")) as url:
            async with http.get(f"{url}/ready") as resp:
                assert resp.status == 503 and (await resp.json())["rasa"] is False
        async with serving(gateway(redis, http, rasa_url)) as url:
            async with http.get(f"{url}/ready") as resp:
                assert resp.status == 200
            await http.post(f"{url}/console/messages", json={})
            async with http.get(f"{url}/metrics") as resp:
                exposed = await resp.text()
    await redis.close()
    assert 'lapor_gateway_turns_total{channel="console",outcome="ok"}' in exposed
    assert 'lapor_gateway_turn_seconds_count{channel="console"}' in exposed
