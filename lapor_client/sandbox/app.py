"""The sandbox's HTTP server: the contract's /api/v1 calls, the admin's /sandbox calls and the OpenAPI
document."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import filetype
import yaml
from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from lapor_client.models import ATTACHMENT_TYPES
from lapor_client.sandbox import validation
from lapor_client.sandbox.faults import Faults, Handler
from lapor_client.sandbox.store import Store, now
from lapor_client.sandbox.validation import ApiError

log = logging.getLogger(__name__)

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
MAX_JSON_BYTES = 1024 * 1024
EVENTS_LIMIT_MAX = 500
_CURSOR = re.compile(r"ev(\d{1,12})")


@dataclass(frozen=True)
class SandboxConfig:
    data_dir: Path = Path("run/sandbox")
    token: str = "sandbox"
    max_upload_bytes: int = 20 * 1024 * 1024
    slow_delay: float = 5.0
    auto_advance: Optional[float] = (
        None  # seconds between lifecycle steps; None: only the admin moves reports
    )


CONFIG = web.AppKey("config", SandboxConfig)
STORE = web.AppKey("store", Store)
FAULTS = web.AppKey("faults", Faults)
OPENAPI = web.AppKey("openapi", str)

_HTTP_ERRORS = {
    400: ("bad_request", "permintaan tidak dapat dibaca"),
    404: ("not_found", "alamat tidak ditemukan"),
    405: ("method_not_allowed", "metode tidak diizinkan untuk alamat ini"),
    413: ("payload_too_large", "badan permintaan terlalu besar"),
}


@web.middleware
async def error_bodies(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure answers the contract's error body; never a traceback."""
    try:
        return await handler(request)
    except ApiError as error:
        response = error.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        code, message = _HTTP_ERRORS.get(exc.status, (f"http_{exc.status}", exc.reason))
        response = ApiError(exc.status, code, message, headers=headers).response()
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        response = ApiError(500, "internal_error", "kesalahan internal sandbox").response()
    if request.body_exists and not request.content.is_eof():
        response.force_close()  # the body was not read: do not keep a connection whose stream is mid-body
    return response


@web.middleware
async def bearer_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), request.app[CONFIG].token.encode()
        ):
            raise ApiError(
                401,
                "unauthorized",
                "token tidak ada atau tidak sah",
                headers={"WWW-Authenticate": 'Bearer realm="lapor"'},
            )
    return await handler(request)


async def read_json(request: web.Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.read())
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "badan permintaan bukan JSON yang sah") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "badan permintaan harus berupa objek JSON")
    return data


def idempotency_key(request: web.Request) -> Optional[str]:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 255:
        raise validation.invalid("Idempotency-Key", "Idempotency-Key harus 1..255 karakter")
    return key


def encode_cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"ev{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: Optional[str]) -> int:
    """The event_id a cursor stands after; no cursor (or an empty one) is the start of the feed."""
    if not cursor:
        return 0
    try:
        match = _CURSOR.fullmatch(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        match = None
    if match is None:
        raise validation.invalid("after", "after bukan cursor yang sah")
    return int(match.group(1))


# ---- the contract's calls ----


async def categories(request: web.Request) -> web.Response:
    return web.json_response(list(request.app[STORE].categories.values()))


async def agencies(request: web.Request) -> web.Response:
    region = request.query.get("region_code")
    if region is not None:
        region = validation.region_code(region, "region_code")
    return web.json_response(request.app[STORE].agencies_for(region))


async def upload_attachment(request: web.Request) -> web.Response:
    """Streams the multipart `file` to disk, refusing it past the size limit or when its content is not
    allowed."""
    store = request.app[STORE]
    if request.content_type != "multipart/form-data":
        raise ApiError(
            400, "invalid_body", "kirim berkas sebagai multipart/form-data dengan bagian `file`", "file"
        )
    staged = store.files_dir / f"upload-{os.urandom(8).hex()}.part"
    try:
        try:
            filename, size, sha256, head = await _receive_file(request, staged)
        except (ValueError, AssertionError, HttpProcessingError):
            raise ApiError(400, "invalid_body", "multipart/form-data tidak dapat dibaca", "file") from None
        kind = filetype.guess(head) if head else None
        if kind is None or kind.mime not in ATTACHMENT_TYPES:
            raise validation.invalid(
                "file", "jenis berkas tidak didukung (hanya foto, video, audio, PDF, dokumen Office)"
            )
        meta = {"filename": filename, "content_type": kind.mime, "size": size, "sha256": sha256}
        answer = store.add_attachment(staged, meta, idempotency_key(request))
    finally:
        staged.unlink(missing_ok=True)
    return web.json_response(answer, status=201)


async def _receive_file(request: web.Request, staged: Path) -> tuple[str, int, str, bytes]:
    """Writes the `file` part to `staged`: its filename, size, sha256 and first bytes (to tell its type)."""
    limit = request.app[CONFIG].max_upload_bytes
    reader = await request.multipart()
    part = await reader.next()
    while part is not None and not (isinstance(part, BodyPartReader) and part.name == "file"):
        part = await reader.next()
    if part is None:
        raise validation.invalid("file", "bagian `file` wajib ada")
    digest, size, head = hashlib.sha256(), 0, b""
    with staged.open("wb") as out:
        while chunk := await part.read_chunk(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "payload_too_large", f"berkas melebihi batas {limit} byte", "file")
            digest.update(chunk)
            out.write(chunk)
            head += chunk[: max(0, 8192 - len(head))]
    return Path(part.filename or "").name[:255] or "lampiran", size, digest.hexdigest(), head


async def create_report(request: web.Request) -> web.Response:
    fields = validation.new_report(await read_json(request), today=now().date())
    answer = request.app[STORE].create_report(fields, idempotency_key(request))
    return web.json_response(answer, status=201)


async def get_report(request: web.Request) -> web.Response:
    return web.json_response(request.app[STORE].report_view(request.match_info["tracking_id"]))


async def events(request: web.Request) -> web.Response:
    try:
        limit = int(request.query.get("limit", "100"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= EVENTS_LIMIT_MAX:
        raise validation.invalid("limit", f"limit harus bilangan bulat 1..{EVENTS_LIMIT_MAX}")
    after = decode_cursor(request.query.get("after"))
    page = request.app[STORE].events_after(after, limit)
    return web.json_response(
        {"events": page, "next_cursor": encode_cursor(page[-1]["event_id"] if page else after)}
    )


async def post_reply(request: web.Request) -> web.Response:
    store, tracking_id = request.app[STORE], request.match_info["tracking_id"]
    store.require(tracking_id)
    fields = validation.reply(await read_json(request))
    return web.json_response(store.add_reply(tracking_id, fields, idempotency_key(request)), status=201)


async def rate(request: web.Request) -> web.Response:
    store, tracking_id = request.app[STORE], request.match_info["tracking_id"]
    store.require(tracking_id)
    fields = validation.rating(await read_json(request))
    return web.json_response(store.rate(tracking_id, fields), status=201)


# ---- the admin's and the agency's calls (no token, never faulted) ----


async def admin_transition(request: web.Request) -> web.Response:
    store, tracking_id = request.app[STORE], request.match_info["tracking_id"]
    store.require(tracking_id)
    fields = validation.transition(await read_json(request))
    return web.json_response(store.transition(tracking_id, **fields))


async def admin_clarification(request: web.Request) -> web.Response:
    store, tracking_id = request.app[STORE], request.match_info["tracking_id"]
    store.require(tracking_id)
    body = await read_json(request)
    answer = store.clarification(tracking_id, validation.message(body), validation.moment(body))
    return web.json_response(answer)


async def admin_follow_up(request: web.Request) -> web.Response:
    store, tracking_id = request.app[STORE], request.match_info["tracking_id"]
    store.require(tracking_id)
    body = await read_json(request)
    return web.json_response(store.follow_up(tracking_id, validation.message(body), validation.moment(body)))


async def admin_backdate(request: web.Request) -> web.Response:
    store, tracking_id = request.app[STORE], request.match_info["tracking_id"]
    store.require(tracking_id)
    at = validation.moment(await read_json(request), required=True)
    return web.json_response(store.backdate(tracking_id, at))


async def admin_report(request: web.Request) -> web.Response:
    """The whole stored report (reporter, location, attachments, privacy, rating), as an admin sees it."""
    return web.json_response(request.app[STORE].require(request.match_info["tracking_id"]))


async def admin_replies(request: web.Request) -> web.Response:
    return web.json_response(request.app[STORE].replies(request.match_info["tracking_id"]))


async def get_faults(request: web.Request) -> web.Response:
    return web.json_response(request.app[FAULTS].state())


async def set_faults(request: web.Request) -> web.Response:
    return web.json_response(request.app[FAULTS].configure(await read_json(request)))


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def openapi_yaml(request: web.Request) -> web.Response:
    return web.Response(text=request.app[OPENAPI], content_type="application/yaml")


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(yaml.safe_load(request.app[OPENAPI]))


async def _auto_advance(app: web.Application):
    """With --auto-advance, moves every open report one lifecycle step per period, so a demo gets
    notifications."""
    period = app[CONFIG].auto_advance

    async def loop() -> None:
        while True:
            await asyncio.sleep(period)
            moved = app[STORE].advance_all()
            if moved:
                log.info("auto-advance moved %d report(s)", moved)

    task = asyncio.create_task(loop()) if period else None
    yield
    if task:
        task.cancel()


def create_app(config: SandboxConfig) -> web.Application:
    faults = Faults(slow_delay=config.slow_delay)
    app = web.Application(
        middlewares=[error_bodies, faults.middleware, bearer_token], client_max_size=MAX_JSON_BYTES
    )
    app[CONFIG] = config
    app[STORE] = Store(config.data_dir)
    app[FAULTS] = faults
    app[OPENAPI] = OPENAPI_PATH.read_text(encoding="utf-8")
    app.cleanup_ctx.append(_auto_advance)
    app.router.add_get("/api/v1/categories", categories)
    app.router.add_get("/api/v1/agencies", agencies)
    app.router.add_post("/api/v1/attachments", upload_attachment)
    app.router.add_post("/api/v1/reports", create_report)
    app.router.add_get("/api/v1/reports/{tracking_id}", get_report)
    app.router.add_get("/api/v1/events", events)
    app.router.add_post("/api/v1/reports/{tracking_id}/replies", post_reply)
    app.router.add_post("/api/v1/reports/{tracking_id}/rating", rate)
    app.router.add_get("/sandbox/reports/{tracking_id}", admin_report)
    app.router.add_post("/sandbox/reports/{tracking_id}/transition", admin_transition)
    app.router.add_post("/sandbox/reports/{tracking_id}/clarification", admin_clarification)
    app.router.add_post("/sandbox/reports/{tracking_id}/follow_up", admin_follow_up)
    app.router.add_post("/sandbox/reports/{tracking_id}/backdate", admin_backdate)
    app.router.add_get("/sandbox/reports/{tracking_id}/replies", admin_replies)
    app.router.add_get("/sandbox/faults", get_faults)
    app.router.add_post("/sandbox/faults", set_faults)
    app.router.add_get("/health", health)
    app.router.add_get("/openapi.yaml", openapi_yaml)
    app.router.add_get("/openapi.json", openapi_json)
    return app
