"""Fault switches of the sandbox, applied to /api calls only (admin calls are never faulted).

Modes: `none`; `down` (503 to everything); `slow` (answers after `delay` seconds); `flaky` (every
other call fails, in turn: the connection is cut after the call was applied, 502 before it, 503
before it); `ratelimit` (429 with `Retry-After`). `times` switches the fault off after that many calls.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web

from lapor_client.sandbox import validation
from lapor_client.sandbox.validation import ApiError

MODES = ("none", "down", "slow", "flaky", "ratelimit")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Faults:
    def __init__(self, slow_delay: float = 5.0) -> None:
        self._default_delay = slow_delay
        self.configure({"mode": "none"})

    def configure(self, data: dict[str, Any]) -> dict[str, Any]:
        """Switches the mode from a `/sandbox/faults` body; answers the new state."""
        mode = validation.choice(data, "mode", MODES, required=True)
        delay = validation.number(data, "delay", 0, 120)
        self.mode: str = mode
        self.delay = self._default_delay if delay is None else delay
        retry_after = validation.integer(data, "retry_after", 0, 3600)
        self.retry_after = 1 if retry_after is None else retry_after
        self.remaining: Optional[int] = validation.integer(data, "times", 1, 1_000_000)
        self._calls = 0
        return self.state()

    def state(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "delay": self.delay,
            "retry_after": self.retry_after,
            "times": self.remaining,
        }

    def _take(self) -> str:
        """The mode that applies to this call, counting down `times`."""
        mode = self.mode
        if mode != "none" and self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.mode, self.remaining = "none", None
        return mode

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/api/"):
            return await handler(request)
        mode = self._take()
        if mode == "down":
            raise ApiError(503, "unavailable", "LAPOR sedang tidak dapat dihubungi (gangguan simulasi)")
        if mode == "ratelimit":
            raise ApiError(
                429,
                "rate_limited",
                "terlalu banyak permintaan, coba lagi nanti",
                headers={"Retry-After": str(self.retry_after)},
            )
        if mode == "slow":
            await asyncio.sleep(self.delay)
        if mode == "flaky":
            return await self._flaky(request, handler)
        return await handler(request)

    async def _flaky(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self._calls += 1
        if self._calls % 2 == 0:
            return await handler(request)
        failure = (self._calls // 2) % 3
        if failure == 1:
            raise ApiError(502, "bad_gateway", "gateway LAPOR gagal (gangguan simulasi)")
        if failure == 2:
            raise ApiError(503, "unavailable", "LAPOR sedang sibuk (gangguan simulasi)")
        await handler(request)  # applied, but the answer never arrives
        assert request.transport is not None
        request.transport.abort()
        raise asyncio.CancelledError
