"""The async client of the LAPOR API: one aiohttp session per application lifetime.

Every call has a timeout. Calls that are safe to repeat (reads, and writes that carry an
Idempotency-Key) are retried on timeouts, connection errors, 5xx and 429, with exponential backoff and
full jitter, or after the server's Retry-After. Other writes are tried once.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import random
import time
from pathlib import Path
from typing import Any, AsyncIterator, Callable, ContextManager, Iterable, Optional
from urllib.parse import quote

import aiohttp
import filetype

from lapor_client.config import LaporSettings
from lapor_client.errors import (
    AttachmentRejected,
    LaporError,
    LaporRateLimited,
    LaporUnavailable,
    error_from_response,
    redact,
)
from lapor_client.models import (
    ATTACHMENT_TYPES,
    Agency,
    Attachment,
    Category,
    CreatedReport,
    Event,
    EventsPage,
    NewReport,
    Report,
)
from lapor_client.plain_text import file_name, plain

log = logging.getLogger(__name__)


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class LaporClient:
    """Use as `async with LaporClient(settings) as lapor:`, or call `start()` and `close()` yourself."""

    def __init__(self, settings: Optional[LaporSettings] = None) -> None:
        self.settings = settings or LaporSettings.from_env()
        self._session: Optional[aiohttp.ClientSession] = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.settings.timeout),
                headers={"Authorization": f"Bearer {self.settings.token}", "Accept": "application/json"},
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> "LaporClient":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    # ---- the calls of the contract ----

    async def categories(self) -> list[Category]:
        return [Category.from_dict(c) for c in await self._call("GET", "/api/v1/categories")]

    async def agencies(self, region_code: Optional[str] = None) -> list[Agency]:
        params = {"region_code": region_code} if region_code is not None else None
        return [Agency.from_dict(a) for a in await self._call("GET", "/api/v1/agencies", params=params)]

    async def upload_attachment(
        self, path: Path, filename: Optional[str] = None, *, idempotency_key: Optional[str] = None
    ) -> Attachment:
        """Streams one file as multipart `file`, after checking its type by content and its size."""
        path = Path(path)
        size = path.stat().st_size
        if size > self.settings.max_upload_bytes:
            raise AttachmentRejected(
                f"file of {size} bytes exceeds {self.settings.max_upload_bytes}", reason="size"
            )
        kind = filetype.guess(str(path))
        if kind is None or kind.mime not in ATTACHMENT_TYPES:
            raise AttachmentRejected(
                f"file type {kind.mime if kind else 'unknown'} is not accepted", reason="type"
            )

        @contextlib.contextmanager
        def form():
            with path.open("rb") as file:
                data = aiohttp.FormData()
                data.add_field(
                    "file", file, filename=file_name(filename or path.name), content_type=kind.mime
                )
                yield data

        # Big files may take longer than one call's timeout to send: bound connecting and each read instead.
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=self.settings.timeout, sock_read=self.settings.timeout
        )
        # A server may refuse an upload before it has all been sent; aiohttp 3.9 would then put the
        # connection back in the pool with the rest of the body unsent, so an upload's connection is never
        # reused.
        answer = await self._call(
            "POST",
            "/api/v1/attachments",
            form=form,
            idempotency_key=idempotency_key,
            timeout=timeout,
            headers={"Connection": "close"},
        )
        return Attachment.from_dict(answer)

    async def create_report(self, report: NewReport, idempotency_key: str) -> CreatedReport:
        answer = await self._call(
            "POST", "/api/v1/reports", json=report.to_dict(), idempotency_key=idempotency_key
        )
        return CreatedReport.from_dict(answer)

    async def get_report(self, tracking_id: str) -> Report:
        return Report.from_dict(await self._call("GET", f"/api/v1/reports/{quote(tracking_id, safe='')}"))

    async def events_page(self, after: Optional[str] = None, limit: int = 100) -> EventsPage:
        params: dict[str, Any] = {"limit": limit}
        if after is not None:
            params["after"] = after
        return EventsPage.from_dict(await self._call("GET", "/api/v1/events", params=params))

    async def iter_events(
        self, after: Optional[str] = None, limit: int = 100
    ) -> AsyncIterator[tuple[Event, str]]:
        """Every event after the cursor, each with a cursor that is safe to store once it is handled.

        That cursor resumes right after the event at the end of a page and at the page's start within
        it, so resuming may repeat a few events already seen: deduplicate on `event_id`.
        """
        cursor = after
        while True:
            page = await self.events_page(cursor, limit)
            if not page.events:
                return
            for event in page.events[:-1]:
                yield event, cursor if cursor is not None else ""
            yield page.events[-1], page.next_cursor
            cursor = page.next_cursor

    async def post_reply(
        self,
        tracking_id: str,
        message: str,
        *,
        attachment_ids: Iterable[str] = (),
        in_reply_to: Optional[int] = None,
        idempotency_key: str,
    ) -> str:
        body = {"message": plain(message), "attachment_ids": list(attachment_ids), "in_reply_to": in_reply_to}
        answer = await self._call(
            "POST",
            f"/api/v1/reports/{quote(tracking_id, safe='')}/replies",
            json=body,
            idempotency_key=idempotency_key,
        )
        return answer["reply_id"]

    async def rate(self, tracking_id: str, score: int, comment: Optional[str] = None) -> None:
        await self._call(
            "POST",
            f"/api/v1/reports/{quote(tracking_id, safe='')}/rating",
            json={"score": score, "comment": plain(comment) or None},
        )

    # ---- transport ----

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Optional[dict[str, Any]] = None,
        form: Optional[Callable[[], ContextManager[aiohttp.FormData]]] = None,
        idempotency_key: Optional[str] = None,
        timeout: Optional[aiohttp.ClientTimeout] = None,
        headers: Optional[dict[str, str]] = None,
    ) -> Any:
        if self._session is None:
            raise RuntimeError(
                "LaporClient is not started: use `async with LaporClient(...)` or `await start()`"
            )
        what = f"{method} {path}"
        repeatable = method == "GET" or idempotency_key is not None
        retries = self.settings.max_retries if repeatable else 0
        headers = {**(headers or {}), **({"Idempotency-Key": idempotency_key} if idempotency_key else {})}
        attempt = 0
        while True:
            try:
                with form() if form else contextlib.nullcontext() as data:
                    async with self._session.request(
                        method,
                        self.settings.base_url.rstrip("/") + path,
                        json=json,
                        params=params,
                        data=data,
                        headers=headers,
                        **({"timeout": timeout} if timeout else {}),
                    ) as response:
                        answer = await self._json(response)
                        log.debug("%s -> %d (attempt %d)", what, response.status, attempt + 1)
                        if response.status < 400:
                            return answer
                        error = error_from_response(
                            response.status,
                            answer,
                            what=what,
                            retry_after=parse_retry_after(response.headers.get("Retry-After")),
                            secret=self.settings.token,
                        )
            except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
                error = LaporUnavailable(
                    redact(f"{what}: {type(exc).__name__} {exc}".rstrip(), self.settings.token)
                )
                error.__cause__ = exc
            delay = self._retry_delay(error, attempt) if attempt < retries else None
            if delay is None:
                raise error
            attempt += 1
            log.warning(
                "%s failed (%s), retry %d of %d in %.2f s",
                what,
                error.code or type(error.__cause__).__name__,
                attempt,
                retries,
                delay,
            )
            await asyncio.sleep(delay)

    async def _json(self, response: aiohttp.ClientResponse) -> Any:
        """The answer's JSON; None for an empty body."""
        try:
            return await response.json(content_type=None)
        except ValueError:
            if response.status < 400:
                raise LaporError(
                    f"{response.method} {response.url.path}: answer is not JSON", status=response.status
                )
            return None  # e.g. an HTML error page of a proxy: mapped by its status alone

    def _retry_delay(self, error: LaporError, attempt: int) -> Optional[float]:
        """Seconds to wait before trying again, or None when the error is not worth another try."""
        if isinstance(error, LaporRateLimited) and error.retry_after is not None:
            return error.retry_after if error.retry_after <= self.settings.max_retry_after else None
        if isinstance(error, (LaporUnavailable, LaporRateLimited)):
            return random.uniform(0, min(self.settings.backoff_max, self.settings.backoff_base * 2**attempt))
        return None
