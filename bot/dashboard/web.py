"""The dashboard's web app: server-rendered pages (Jinja2), CSV exports, logins, roles and the audit log.

Every page but the login needs a session of an enabled account; every POST needs the session's CSRF token;
a penghubung sees only the agency of the account. Pages send a strict Content-Security-Policy: no script
at all, styles and images only from the dashboard itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, AsyncIterator, Optional

import aiohttp_jinja2
import jinja2
import redis.asyncio as aioredis
from aiohttp import web
from lokal import partial_mask

from bot.dashboard import charts, figures
from bot.dashboard.accounts import SESSION_SECONDS, Accounts, Admin, AuditLog, Session, Sessions, csrf_matches
from bot.dashboard.config import DashboardSettings
from bot.dashboard.figures import Filters
from bot.dashboard.projection import Projection
from bot.dashboard.tables import HIDDEN, Table, build, may_read_text, region_name
from common import keys as common_keys
from common.workdays import WIB
from lapor_client import LaporClient
from lapor_client.errors import LaporError

HERE = Path(__file__).resolve().parent
COOKIE = "dashboard_session"
PUBLIC_PATHS = {"/masuk", "/health"}
MAX_PERIOD_DAYS = 400
DEFAULT_PERIOD_DAYS = 30
_REGION = re.compile(r"\d{2}(\.\d{2}){0,2}(\.\d{4})?")
# The assistant's record of who follows a report (owner: actions/reports_store.py), read to show the contact.

SETTINGS = web.AppKey("settings", DashboardSettings)
REDIS = web.AppKey("redis", aioredis.Redis)
LAPOR = web.AppKey("lapor", LaporClient)
PROJECTION = web.AppKey("projection", Projection)


def now() -> datetime:
    return datetime.now(WIB)


# ---- formatting for people (the CSV keeps the raw values) ----


def format_number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def format_pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def masked_contact(sender: str) -> str:
    """A follower's channel and a masked id: enough to recognise, never the whole phone number or chat id."""
    channel, _, user_id = sender.partition(":")
    if channel == "whatsapp":
        return "WhatsApp " + partial_mask("PHONE", user_id)
    label = figures.CHANNELS.get(channel, channel)
    return f"{label} ****{user_id[-4:]}" if len(user_id) > 4 else f"{label} ****"


# ---- sessions, roles and CSRF ----


def set_session_cookie(response: web.StreamResponse, request: web.Request, cookie: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=request.app[SETTINGS].cookie_secure,
        path="/",
    )


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    response.headers.update(
        {
            "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            "form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-store",
        }
    )
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def authentication(request: web.Request, handler: Any) -> web.StreamResponse:
    redis = request.app[REDIS]
    session = await Sessions(redis).get(request.cookies.get(COOKIE))
    admin = await Accounts(redis).get(session.username) if session and session.username else None
    request["session"], request["admin"] = session, admin
    if request.path in PUBLIC_PATHS or request.path.startswith("/static/"):
        return await handler(request)
    if admin is None:
        if request.path.startswith("/csv/"):
            raise web.HTTPUnauthorized(text="Silakan masuk terlebih dahulu.")
        raise web.HTTPSeeOther("/masuk")
    if request.method == "POST" and not csrf_matches(session, (await request.post()).get("csrf")):
        raise web.HTTPForbidden(text="Formulir kedaluwarsa. Muat ulang halaman.")
    return await handler(request)


def current_admin(request: web.Request) -> Admin:
    return request["admin"]


def require_koordinator(request: web.Request) -> Admin:
    admin = current_admin(request)
    if not admin.is_koordinator:
        raise web.HTTPForbidden(text="Halaman ini hanya untuk admin koordinator.")
    return admin


async def login_page(request: web.Request) -> web.StreamResponse:
    session: Optional[Session] = request["session"]
    if request["admin"] is not None:
        raise web.HTTPSeeOther("/")
    cookie = None
    if session is None:
        cookie, session = await Sessions(request.app[REDIS]).create()
    response = aiohttp_jinja2.render_template("login.html", request, {"csrf": session.csrf, "error": None})
    if cookie:
        set_session_cookie(response, request, cookie)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    session: Optional[Session] = request["session"]
    form = await request.post()
    if session is None or not csrf_matches(session, form.get("csrf")):
        raise web.HTTPForbidden(text="Formulir kedaluwarsa. Muat ulang halaman masuk.")
    username = str(form.get("username", "")).strip().lower()
    admin, locked = await Accounts(request.app[REDIS]).login(username, str(form.get("password", "")))
    if admin is None:
        error = (
            "Terlalu banyak percobaan gagal. Coba lagi dalam 15 menit."
            if locked
            else "Nama pengguna atau kata sandi salah."
        )
        return aiohttp_jinja2.render_template(
            "login.html", request, {"csrf": session.csrf, "error": error}, status=401
        )
    sessions = Sessions(request.app[REDIS])
    await sessions.end(session)  # a new session id at login: a planted cookie never becomes a logged-in one
    cookie, _ = await sessions.create(admin.username)
    response = web.HTTPSeeOther("/")
    set_session_cookie(response, request, cookie)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    await Sessions(request.app[REDIS]).end(request["session"])
    response = web.HTTPSeeOther("/masuk")
    response.del_cookie(COOKIE, path="/")
    raise response


# ---- filters ----


def _day(value: Optional[str], name: str) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} harus tanggal YYYY-MM-DD") from None


def parse_filters(request: web.Request, admin: Admin) -> Filters:
    query = request.query
    end = _day(query.get("sampai"), "sampai") or now().date()
    start = _day(query.get("dari"), "dari") or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end or (end - start).days >= MAX_PERIOD_DAYS:
        raise web.HTTPBadRequest(text=f"Periode harus 1–{MAX_PERIOD_DAYS} hari, dari sebelum sampai.")
    return _scoped(admin, Filters(start, end, **_choices(query)))


def _choices(query: Any) -> dict[str, Optional[str]]:
    agency = query.get("instansi") or None
    region = query.get("wilayah") or None
    channel = query.get("kanal") or None
    classification = query.get("klasifikasi") or None
    if region is not None and not _REGION.fullmatch(region):
        raise web.HTTPBadRequest(text="wilayah harus kode wilayah Kemendagri, mis. 32.73")
    if channel is not None and channel not in figures.CHANNELS:
        raise web.HTTPBadRequest(text="kanal tidak dikenal")
    if classification is not None and classification not in figures.CLASSIFICATIONS:
        raise web.HTTPBadRequest(text="klasifikasi tidak dikenal")
    if agency is not None and len(agency) > 64:
        raise web.HTTPBadRequest(text="instansi tidak dikenal")
    return {"agency_id": agency, "region_code": region, "channel": channel, "classification": classification}


def _scoped(admin: Admin, filters: Filters) -> Filters:
    """A penghubung's figures are always those of the account's agency; asking for another is refused."""
    if admin.is_koordinator:
        return filters
    if filters.agency_id not in (None, admin.agency_id):
        raise web.HTTPForbidden(text="Akun penghubung hanya dapat melihat instansinya sendiri.")
    return Filters(
        filters.start,
        filters.end,
        admin.agency_id,
        filters.region_code,
        filters.channel,
        filters.classification,
    )


def _month(value: Optional[str]) -> tuple[date, date]:
    today = now().date()
    try:
        first = date.fromisoformat(value + "-01") if value else today.replace(day=1)
    except ValueError:
        raise web.HTTPBadRequest(text="bulan harus YYYY-MM") from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


# ---- pages ----


async def _context(request: web.Request, filters: Filters, weekly: bool = False) -> dict[str, Any]:
    admin = current_admin(request)
    snapshot = await request.app[PROJECTION].snapshot()
    tables = await build(snapshot, filters, now(), admin, request.app[REDIS], weekly)
    regions = sorted({r.region_code for r in snapshot.reports if r.region_code})
    agencies = sorted({r.agency_id for r in snapshot.reports if r.agency_id}, key=snapshot.agency_name)
    return {
        "admin": admin,
        "csrf": request["session"].csrf,
        "filters": filters,
        "tables": tables,
        "weekly": weekly,
        "query": request.query_string,
        "snapshot": snapshot,
        "agency_options": [(a, snapshot.agency_name(a)) for a in agencies if admin.may_see_agency(a)],
        "region_options": [(code, region_name(code)) for code in regions],
        "channel_options": list(figures.CHANNELS.items()),
        "classification_options": list(figures.CLASSIFICATIONS.items()),
        "charts": _charts(tables, weekly),
        "floor": figures.COMPLETION_FLOOR_PCT,
    }


def _charts(tables: dict[str, Table], weekly: bool) -> dict[str, Any]:
    agency_rows = [row for row in tables["monev"].rows if row[0]]
    drawn = {
        "volume": charts.columns(
            [(r[0], r[1]) for r in tables["volume"].rows],
            title="Laporan per " + ("pekan" if weekly else "hari"),
        ),
        "completion": charts.bars(
            [(r[1], r[7]) for r in agency_rows if r[7] is not None],
            title="% selesai",
            unit=" %",
            scale_max=100,
            floor=figures.COMPLETION_FLOOR_PCT,
        ),
        "status": charts.bars([(r[0], r[1]) for r in tables["status"].rows], title="Alur status laporan"),
        "ratings": charts.bars(
            [(f"Nilai {r[0]}", r[1]) for r in tables["ratings"].rows[:5]], title="Penilaian"
        ),
    }
    for name in ("channel", "classification", "category", "agency", "region"):
        drawn[name] = charts.bars([(r[0], r[1]) for r in tables[name].rows[:12]], title=tables[name].title)
    if "funnel" in tables:
        drawn["funnel"] = charts.bars([(r[0], r[1]) for r in tables["funnel"].rows], title="Alur percakapan")
    return drawn


@aiohttp_jinja2.template("overview.html")
async def overview(request: web.Request) -> dict[str, Any]:
    filters = parse_filters(request, current_admin(request))
    return await _context(request, filters, weekly=request.query.get("per") == "pekan")


@aiohttp_jinja2.template("monthly.html")
async def monthly(request: web.Request) -> dict[str, Any]:
    admin = current_admin(request)
    start, end = _month(request.query.get("bulan"))
    filters = _scoped(admin, Filters(start, end, **_choices(request.query)))
    context = await _context(request, filters, weekly=True)
    context["month"] = start
    return context


async def export_csv(request: web.Request) -> web.Response:
    filters = parse_filters(request, current_admin(request))
    weekly = request.query.get("per") == "pekan"
    snapshot = await request.app[PROJECTION].snapshot()
    tables = await build(snapshot, filters, now(), current_admin(request), request.app[REDIS], weekly)
    table = tables.get(request.match_info["table"])
    if table is None:
        raise web.HTTPNotFound(text="Tabel tidak dikenal.")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows([[_csv_cell(v) for v in row] for row in table.rows])
    filename = f"{table.name}_{filters.start.isoformat()}_{filters.end.isoformat()}.csv"
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _csv_cell(value: Any) -> Any:
    """Raw values; text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@aiohttp_jinja2.template("report.html")
async def report_detail(request: web.Request) -> dict[str, Any]:
    admin = current_admin(request)
    tracking_id = request.match_info["tracking_id"]
    snapshot = await request.app[PROJECTION].snapshot()
    report = next((r for r in snapshot.reports if r.tracking_id == tracking_id), None)
    if report is None:
        raise web.HTTPNotFound(text="Laporan tidak ada di dasbor.")
    if not admin.may_see_agency(report.agency_id):
        raise web.HTTPForbidden(text="Laporan ini milik instansi lain.")
    await AuditLog(request.app[REDIS]).report_viewed(admin, tracking_id)
    readable = may_read_text(admin, report)
    try:
        events = (await request.app[LAPOR].get_report(tracking_id)).events
    except LaporError:
        events = None
    followers = await request.app[REDIS].smembers(common_keys.report_followers(tracking_id))
    return {
        "admin": admin,
        "csrf": request["session"].csrf,
        "report": report,
        "readable": readable,
        "hidden": HIDDEN,
        "events": events,
        "contacts": sorted(masked_contact(f.decode()) for f in followers),
        "agency": snapshot.agency_name(report.agency_id),
        "category": snapshot.category_name(report.category_id),
        "region": region_name(report.region_code),
        "overdue": figures.overdue(report, now()),
        "lapor_url": request.app[SETTINGS].lapor_status_url.format(tracking_id=tracking_id),
    }


@aiohttp_jinja2.template("audit.html")
async def audit(request: web.Request) -> dict[str, Any]:
    admin = require_koordinator(request)
    entries = await AuditLog(request.app[REDIS]).recent()
    return {
        "admin": admin,
        "csrf": request["session"].csrf,
        "entries": [(datetime.fromtimestamp(at, WIB), who, which) for at, who, which in entries],
    }


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


# ---- the app ----


@contextlib.asynccontextmanager
async def _syncing(projection: Projection, poll_seconds: float) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(projection.run(stop, poll_seconds))
    try:
        yield
    finally:
        stop.set()
        await task


def create_app(
    settings: DashboardSettings, redis: aioredis.Redis, lapor: LaporClient, *, sync: bool = True
) -> web.Application:
    """The app on the given Redis and LAPOR client (the caller owns both); with `sync` it keeps the projection
    current in the background while it serves."""
    app = web.Application(middlewares=[security_headers, authentication], client_max_size=64 * 1024)
    app[SETTINGS], app[REDIS], app[LAPOR] = settings, redis, lapor
    app[PROJECTION] = Projection(redis, lapor)
    environment = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True
    )
    environment.filters.update(num=format_number, pct=format_pct)
    if sync:

        async def background(app: web.Application) -> AsyncIterator[None]:
            async with _syncing(app[PROJECTION], settings.poll_seconds):
                yield

        app.cleanup_ctx.append(background)
    app.router.add_get("/masuk", login_page)
    app.router.add_post("/masuk", login)
    app.router.add_post("/keluar", logout)
    app.router.add_get("/", overview)
    app.router.add_get("/bulanan", monthly)
    app.router.add_get("/csv/{table}", export_csv)
    app.router.add_get("/laporan/{tracking_id}", report_detail)
    app.router.add_get("/audit", audit)
    app.router.add_get("/health", health)
    app.router.add_static("/static/", HERE / "static")
    return app
