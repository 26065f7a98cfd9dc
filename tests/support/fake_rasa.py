"""A stand-in for Rasa's HTTP server on loopback: its REST channel answers each message by a script, its
`trigger_intent` says one line per event, and every body it receives is kept for the test to read."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiohttp import web

from tests.support import serving

SLOW = "lambat"  # a message Rasa takes its time over, to test ordering


def echo(body: dict) -> list[dict]:
    return [{"text": f"echo {body['message']}", "buttons": [{"title": "Ya", "payload": "/affirm"}]}]


def line_per_event(sender: str, body: dict) -> list[dict]:
    entities = body["entities"]
    return [{"text": f"{body['name']} #{entities['tracking_id']} {entities['lapor_status']}"}]


@dataclass
class FakeRasa:
    url: str = ""
    received: list[dict] = field(default_factory=list)  # REST channel bodies
    triggered: list[tuple[str, dict]] = field(default_factory=list)  # (conversation id, trigger body)


@contextlib.asynccontextmanager
async def fake_rasa(
    answer: Callable[[dict], list[dict]] = echo, say: Callable[[str, dict], list[dict]] = line_per_event
) -> AsyncIterator[FakeRasa]:
    """`answer` answers a chat message; `say` what the dialogue says about an event (by default a line)."""
    fake = FakeRasa()

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        fake.received.append(body)
        await asyncio.sleep(0.3 if body["message"] == SLOW else 0.01)
        return web.json_response([{"recipient_id": body["sender"], **m} for m in answer(body)])

    async def trigger(request: web.Request) -> web.Response:
        body = await request.json()
        sender = request.match_info["conversation_id"]
        fake.triggered.append((sender, body))
        messages = [{"recipient_id": sender, **m} for m in say(sender, body)]
        return web.json_response({"tracker": {}, "messages": messages})

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_post("/conversations/{conversation_id}/trigger_intent", trigger)
    async with serving(app) as url:
        fake.url = url
        yield fake
