"""Accounts against a real Redis: hashing, lockout, disabling, sessions, the CLI, and the activity API."""

from __future__ import annotations

from datetime import datetime

import pytest
import redis.asyncio as aioredis

from bot.dashboard import keys
from bot.dashboard.accounts import MAX_FAILURES, AccountError, Accounts, AuditLog, Sessions, csrf_matches
from bot.local.stack import free_port
from common import activity
from tests.support.dashboard import dashboard_cli

PASSWORD = "kata-sandi-panjang"


async def test_password_is_stored_hashed_and_checked(redis_async):
    accounts = Accounts(redis_async)
    await accounts.add("kominfo", PASSWORD, "koordinator")
    stored = await redis_async.hget(keys.user("kominfo"), "password_hash")
    assert stored.startswith(b"$argon2id$") and PASSWORD.encode() not in stored
    admin, locked = await accounts.login("kominfo", PASSWORD)
    assert admin.is_koordinator and not locked
    assert (await accounts.login("kominfo", PASSWORD + "x")) == (None, False)


async def test_account_rules(redis_async):
    accounts = Accounts(redis_async)
    with pytest.raises(AccountError):
        await accounts.add("pupr", PASSWORD, "penghubung")  # a penghubung needs its agency
    with pytest.raises(AccountError):
        await accounts.add("kominfo", "pendek", "koordinator")
    with pytest.raises(AccountError):
        await accounts.add("Bad Name!", PASSWORD, "koordinator")
    await accounts.add("pupr", PASSWORD, "penghubung", "dpupr-kota-bandung")
    with pytest.raises(AccountError):
        await accounts.add("pupr", PASSWORD, "koordinator")
    pupr = await accounts.get("pupr")
    assert pupr.may_see_agency("dpupr-kota-bandung") and not pupr.may_see_agency("dinsos-kota-bandung")


async def test_lockout_after_repeated_failures_even_with_the_right_password(redis_async):
    accounts = Accounts(redis_async)
    await accounts.add("kominfo", PASSWORD, "koordinator")
    for attempt in range(MAX_FAILURES):
        admin, locked = await accounts.login("kominfo", "salah")
        assert admin is None and locked == (attempt == MAX_FAILURES - 1)
    assert await accounts.login("kominfo", PASSWORD) == (None, True)
    assert 0 < await redis_async.ttl(keys.login_failures("kominfo")) <= 15 * 60
    # Unknown names lock out alike, so a lockout tells nothing about which names exist.
    for _ in range(MAX_FAILURES):
        await accounts.login("tidakada", "salah")
    assert await accounts.login("tidakada", "salah") == (None, True)


async def test_disabling_ends_every_session(redis_async):
    accounts, sessions = Accounts(redis_async), Sessions(redis_async)
    await accounts.add("kominfo", PASSWORD, "koordinator")
    cookie, session = await sessions.create("kominfo")
    assert (await sessions.get(cookie)).username == "kominfo"
    assert (
        csrf_matches(session, session.csrf)
        and not csrf_matches(session, "x")
        and not csrf_matches(session, None)
    )
    assert await redis_async.exists(keys.session(session.key_hash)) and cookie not in str(
        await redis_async.keys(keys.session("*"))
    )  # only the cookie's hash is kept
    await accounts.set_disabled("kominfo", True)
    assert await sessions.get(cookie) is None
    assert await accounts.login("kominfo", PASSWORD) == (None, False)
    await accounts.set_disabled("kominfo", False)
    assert (await accounts.login("kominfo", PASSWORD))[0] is not None


async def test_cli_creates_lists_and_disables_accounts(redis_sync, redis_url):
    added = dashboard_cli(
        redis_url,
        "users",
        "add",
        "pupr",
        "--role",
        "penghubung",
        "--agency",
        "dpupr-kota-bandung",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0 and PASSWORD not in added.stdout + added.stderr
    assert dashboard_cli(redis_url, "users", "disable", "pupr").returncode == 0
    listed = dashboard_cli(redis_url, "users", "list").stdout
    assert listed.split() == ["pupr", "penghubung", "dpupr-kota-bandung", "nonaktif"]
    refused = dashboard_cli(
        redis_url, "users", "add", "kominfo", "--role", "koordinator", "--password-stdin", stdin="pendek\n"
    )
    assert refused.returncode != 0 and "minimal" in refused.stderr


async def test_audit_log_keeps_who_which_and_when(redis_async):
    admin = await Accounts(redis_async).add("kominfo", PASSWORD, "koordinator")
    await AuditLog(redis_async).report_viewed(admin, "1234567")
    [(at, who, which)] = await AuditLog(redis_async).recent()
    assert (who, which) == ("kominfo", "1234567") and abs(at - datetime.now().timestamp()) < 60


async def test_activity_refuses_unknown_kinds_and_fields_and_never_raises_on_redis_failure():
    with pytest.raises(ValueError):
        activity.encode("report_flied", {})
    with pytest.raises(ValueError):
        activity.encode("report_filed", {"phone": "0812"})
    assert activity.encode("report_filed", {"confidential": True, "agency_id": None, "tracking_id": 7}) == {
        "kind": "report_filed",
        "confidential": "1",
        "tracking_id": "7",
    }
    unreachable = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    await activity.record(unreachable, "conversation_started", channel="telegram", conversation="u_x")
    await unreachable.close()
