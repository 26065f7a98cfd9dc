"""What bounds the resources one client can take from the gateway: connections, time to send a request,
JSON nesting, and messages or uploads per citizen.

aiohttp 3.9 times out neither a connection that never finishes its first request head nor a body that
trickles in, and has no connection limit, so slow clients (slowloris) could hold every file descriptor.
`ConnectionGuard` caps open connections and closes those whose first request head is not complete in
time (later heads are bounded by aiohttp's keep-alive timeout); `read_body_within` bounds the body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web

from common import keys

log = logging.getLogger(__name__)

MAX_JSON_DEPTH = 32  # the deepest body we take (a WhatsApp delivery) is 9 levels
_HEAD_END = b"\r\n\r\n"
_REFUSAL_LOG_EVERY_SECONDS = 60.0


class JSONTooDeep(ValueError):
    """A JSON body nested deeper than MAX_JSON_DEPTH."""


def load_json(body: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads` that refuses (ValueError) nesting deeper than `max_depth`, whatever the depth."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise JSONTooDeep("JSON nested too deep") from None
    containers = [(data, 1)] if isinstance(data, (dict, list)) else []
    while containers:
        value, depth = containers.pop()
        if depth > max_depth:
            raise JSONTooDeep("JSON nested too deep")
        children = value.values() if isinstance(value, dict) else value
        containers.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return data


def read_body_within(seconds: float) -> Callable[..., Awaitable[web.StreamResponse]]:
    """A middleware that reads every request body (up to the app's client_max_size) within `seconds`;
    handlers then find it read. Multipart uploads are streamed by their handler, under its own deadline."""

    @web.middleware
    async def middleware(request: web.Request, handler: Callable[..., Awaitable[web.StreamResponse]]):
        # The raw header, not `request.content_type`, whose parsing costs more than the rest of a turn's
        # bookkeeping.
        if request.can_read_body and not request.headers.get("Content-Type", "").startswith("multipart/"):
            try:
                await asyncio.wait_for(request.read(), seconds)
            except asyncio.TimeoutError:
                request.protocol.force_close()  # no lingering for the rest of a trickling body
                raise web.HTTPRequestTimeout() from None
        return await handler(request)

    return middleware


# The sliding window as a Lua function, for any script that counts an event among its work (the gateway's
# turn, `RateLimit.allow`), so that counting takes no round trip of its own. A refused event is never
# added, so it needs no refund. 1: allowed, 0: refused.
WINDOW_LUA = """
local function count_in_window(key, now, period, limit, event)
    if limit <= 0 then
        return 1
    end
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
    if redis.call('ZCARD', key) >= limit then
        return 0
    end
    redis.call('ZADD', key, now, event)
    redis.call('EXPIRE', key, period)
    return 1
end
"""
_ALLOW = (
    WINDOW_LUA
    + """
return count_in_window(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
"""
)


@dataclass(frozen=True)
class Counted:
    """One event to count in a subject's window: `count_in_window(key, *args)` in a script."""

    key: str
    now: float
    period: int
    limit: int
    event: str  # the event's own id in the window

    @property
    def args(self) -> tuple[float, int, int, str]:
        """`count_in_window`'s arguments after the key."""
        return self.now, self.period, self.limit, self.event


class RateLimit:
    """At most `limit` events per `period_seconds` per subject, over a sliding window kept in Redis (so
    every gateway process shares it). Refused events are not counted. A limit of 0 allows everything."""

    def __init__(self, redis: aioredis.Redis, name: str, limit: int, period_seconds: int) -> None:
        self._redis = redis
        self._name = name
        self._limit = limit
        self._period = period_seconds

    def event(self, subject: str) -> Counted:
        """A new event of the subject's, for a script to count. One counted that turns out not to be one
        (a redelivery) is `refund`ed."""
        now, key = time.time(), keys.rate_limit(self._name, subject)
        return Counted(key, now, self._period, self._limit, f"{now}:{uuid.uuid4().hex[:8]}")

    async def refund(self, counted: Counted) -> None:
        await self._redis.zrem(counted.key, counted.event)

    async def allow(self, subject: str) -> bool:
        """Counts the event and says whether it is within the limit."""
        if self._limit <= 0:
            return True
        counted = self.event(subject)
        return await self._redis.eval(_ALLOW, 1, counted.key, *counted.args) == 1

    async def first_refusal(self, subject: str) -> bool:
        """True once per period for a subject over the limit: whom to tell, without answering a flood
        message by message."""
        return bool(
            await self._redis.set(keys.rate_limit_told(self._name, subject), "1", nx=True, ex=self._period)
        )


class ConnectionGuard:
    """Wraps aiohttp's protocol factory (`runner.server`): at most `max_connections` open at once (more
    are closed on arrival), and a connection must send its first request head within `head_timeout`."""

    def __init__(self, factory: Callable[[], asyncio.Protocol], max_connections: int, head_timeout: float):
        self._factory = factory
        self.max_connections = max_connections
        self.head_timeout = head_timeout
        self.open = 0
        self._refused = 0
        self._refusal_logged_at = 0.0

    def protocol(self) -> asyncio.Protocol:
        return _GuardedProtocol(self._factory(), self)

    def admit(self) -> bool:
        if self.open >= self.max_connections:
            self._refused += 1
            now = time.monotonic()
            if now - self._refusal_logged_at > _REFUSAL_LOG_EVERY_SECONDS:  # one line, not one per attempt
                log.warning("connection limit (%d) reached; %d refused", self.max_connections, self._refused)
                self._refusal_logged_at, self._refused = now, 0
            return False
        self.open += 1
        return True


class _GuardedProtocol(asyncio.Protocol):
    """aiohttp's request handler behind the guard's checks; everything else is passed through."""

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._admitted = False
        self._timer: asyncio.TimerHandle | None = None
        self._head_tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._guard.admit():
            transport.abort()
            return
        self._admitted = True
        self._timer = asyncio.get_running_loop().call_later(self._guard.head_timeout, transport.abort)
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._timer is not None:
            seen = self._head_tail + data
            if _HEAD_END in seen:
                self._timer.cancel()
                self._timer = None
            self._head_tail = seen[-(len(_HEAD_END) - 1) :]
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._admitted else None

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._admitted:
            return
        self._guard.open -= 1
        if self._timer is not None:
            self._timer.cancel()
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()
