"""`SandboxAdmin`: the sandbox's admin calls (playing LAPOR's admin and the agency), for tests and the CLI."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Optional
from urllib.parse import quote

import aiohttp

from lapor_client.errors import LaporUnavailable, error_from_response


class SandboxAdmin:
    """The sandbox's admin calls. Uses the given aiohttp session, or owns one (then close it, or use `async
    with`)."""

    def __init__(
        self, base_url: str, session: Optional[aiohttp.ClientSession] = None, *, timeout: float = 10.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._own_session = session is None
        self._session = session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    async def close(self) -> None:
        if self._own_session:
            await self._session.close()

    async def __aenter__(self) -> "SandboxAdmin":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    # `at` (optional, not before the report's last change, not in the future) replays a past lifecycle.

    async def transition(
        self,
        tracking_id: str,
        status: str,
        message: Optional[str] = None,
        agency_id: Optional[str] = None,
        at: Optional[datetime] = None,
    ) -> dict[str, Any]:
        """Moves the report to `status`; answers the report as GET /api/v1/reports/{id} does."""
        return await self._call(
            "POST",
            _report_path(tracking_id, "transition"),
            {"status": status, "message": message, "agency_id": agency_id, **_at(at)},
        )

    async def clarification(
        self, tracking_id: str, message: str, at: Optional[datetime] = None
    ) -> dict[str, Any]:
        return await self._agency_says(tracking_id, "clarification", message, at)

    async def follow_up(
        self, tracking_id: str, message: str, at: Optional[datetime] = None
    ) -> dict[str, Any]:
        return await self._agency_says(tracking_id, "follow_up", message, at)

    async def backdate(self, tracking_id: str, at: datetime) -> dict[str, Any]:
        """Moves a just-filed report's filing time back to `at`."""
        return await self._call("POST", _report_path(tracking_id, "backdate"), _at(at))

    async def report(self, tracking_id: str) -> dict[str, Any]:
        """The whole stored report, including what the public view leaves out (reporter, privacy, rating)."""
        return await self._call("GET", _report_path(tracking_id))

    async def replies(self, tracking_id: str) -> list[dict[str, Any]]:
        return await self._call("GET", _report_path(tracking_id, "replies"))

    async def set_fault(
        self,
        mode: str,
        *,
        delay: Optional[float] = None,
        retry_after: Optional[int] = None,
        times: Optional[int] = None,
    ) -> dict[str, Any]:
        """Switches a fault on the /api calls: none, down, slow (`delay` s), flaky, ratelimit (`retry_after`
        s).

        `times` switches it off again after that many /api calls.
        """
        body = {"mode": mode, "delay": delay, "retry_after": retry_after, "times": times}
        return await self._call("POST", "/sandbox/faults", {k: v for k, v in body.items() if v is not None})

    async def _agency_says(
        self, tracking_id: str, kind: str, message: str, at: Optional[datetime]
    ) -> dict[str, Any]:
        """The agency's message on the report: a clarification request or a follow-up."""
        return await self._call("POST", _report_path(tracking_id, kind), {"message": message, **_at(at)})

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        what = f"{method} {path}"
        try:
            async with self._session.request(method, self.base_url + path, json=body) as response:
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
                if response.status >= 400:
                    raise error_from_response(response.status, answer, what=what)
                return answer
        except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
            raise LaporUnavailable(f"{what}: {type(exc).__name__} {exc}".rstrip()) from exc


def _at(at: Optional[datetime]) -> dict[str, str]:
    return {"at": at.isoformat()} if at is not None else {}


def _report_path(tracking_id: str, action: str = "") -> str:
    """The admin path of one report, or of an action on it."""
    return f"/sandbox/reports/{quote(tracking_id, safe='')}" + (f"/{action}" if action else "")
