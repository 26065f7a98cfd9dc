"""Admin accounts, logins with lockout, server-side sessions with a CSRF token, and the audit log.

Passwords are hashed with argon2id (argon2-cffi's defaults). Roles: `koordinator` sees the whole Pemda;
`penghubung` sees one agency. Keys and lifetimes: bot.dashboard.keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Optional

import redis.asyncio as aioredis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.dashboard import keys

ROLES = ("koordinator", "penghubung")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD_LENGTH = 10
SESSION_SECONDS = 8 * 3600
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60

_hasher = PasswordHasher()
# Checked when the name is unknown, so that a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A refused account change; the message is for the operator's terminal."""


@dataclass(frozen=True)
class Admin:
    username: str
    role: str
    agency_id: Optional[str]

    @property
    def is_koordinator(self) -> bool:
        return self.role == "koordinator"

    def may_see_agency(self, agency_id: Optional[str]) -> bool:
        return self.is_koordinator or agency_id == self.agency_id


def _text(value: bytes | str | None) -> Optional[str]:
    return value.decode() if isinstance(value, bytes) else value


class Accounts:
    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def add(self, username: str, password: str, role: str, agency_id: Optional[str] = None) -> Admin:
        if not USERNAME.fullmatch(username):
            raise AccountError("nama pengguna: 2–40 huruf kecil, angka, titik, garis bawah atau tanda hubung")
        if role not in ROLES:
            raise AccountError(f"peran harus salah satu dari {', '.join(ROLES)}")
        if (role == "penghubung") != bool(agency_id):
            raise AccountError("penghubung wajib punya --agency; koordinator tidak")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"kata sandi minimal {MIN_PASSWORD_LENGTH} karakter")
        created = await self._redis.hsetnx(keys.user(username), "password_hash", _hasher.hash(password))
        if not created:
            raise AccountError(f"akun {username} sudah ada")
        await self._redis.hset(
            keys.user(username),
            mapping={
                "role": role,
                "agency_id": agency_id or "",
                "disabled": "0",
                "created_at": str(int(time.time())),
            },
        )
        return Admin(username, role, agency_id)

    async def set_disabled(self, username: str, disabled: bool) -> None:
        """Disabling also ends every session of the account at once."""
        if not await self._redis.exists(keys.user(username)):
            raise AccountError(f"akun {username} tidak ada")
        await self._redis.hset(keys.user(username), "disabled", "1" if disabled else "0")
        if disabled:
            sessions = await self._redis.smembers(keys.user_sessions(username))
            async with self._redis.pipeline(transaction=True) as pipe:
                for key_hash in sessions:
                    pipe.delete(keys.session(_text(key_hash)))
                pipe.delete(keys.user_sessions(username))
                await pipe.execute()

    async def list(self) -> list[tuple[Admin, bool]]:
        found = []
        async for key in self._redis.scan_iter(match=keys.user("*")):
            username = _text(key)[len(keys.user("")) :]
            admin = await self.get(username, include_disabled=True)
            if admin:
                found.append((admin, await self._redis.hget(key, "disabled") == b"1"))
        return sorted(found, key=lambda pair: pair[0].username)

    async def get(self, username: str, *, include_disabled: bool = False) -> Optional[Admin]:
        stored = await self._redis.hgetall(keys.user(username))
        if not stored or (stored.get(b"disabled") == b"1" and not include_disabled):
            return None
        return Admin(username, _text(stored[b"role"]), _text(stored.get(b"agency_id")) or None)

    async def login(self, username: str, password: str) -> tuple[Optional[Admin], bool]:
        """The admin when name and password match and the name is not locked out; and whether it is locked.

        Failures are counted per name (known or not, so a lockout tells nothing about which names exist).
        """
        failures_key = keys.login_failures(username[:64])
        if int(await self._redis.get(failures_key) or 0) >= MAX_FAILURES:
            return None, True
        stored = await self._redis.hgetall(keys.user(username)) if USERNAME.fullmatch(username) else {}
        try:
            _hasher.verify(_text(stored.get(b"password_hash")) or _DUMMY_HASH, password)
            matched = bool(stored) and stored.get(b"disabled") != b"1"
        except (VerificationError, InvalidHashError):
            matched = False
        if not matched:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(failures_key)
                pipe.expire(failures_key, LOCKOUT_SECONDS, nx=True)
                failures, _ = await pipe.execute()
            return None, failures >= MAX_FAILURES
        await self._redis.delete(failures_key)
        if _hasher.check_needs_rehash(_text(stored[b"password_hash"])):
            await self._redis.hset(keys.user(username), "password_hash", _hasher.hash(password))
        return await self.get(username), False


@dataclass(frozen=True)
class Session:
    key_hash: str
    csrf: str
    username: Optional[str]


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


class Sessions:
    """The cookie holds a random token; Redis keeps only its hash, the user name and the CSRF token."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def create(self, username: Optional[str] = None) -> tuple[str, Session]:
        cookie = secrets.token_urlsafe(32)
        session = Session(_hash(cookie), secrets.token_urlsafe(32), username)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                keys.session(session.key_hash), mapping={"csrf": session.csrf, "username": username or ""}
            )
            pipe.expire(keys.session(session.key_hash), SESSION_SECONDS)
            if username:
                pipe.sadd(keys.user_sessions(username), session.key_hash)
                pipe.expire(keys.user_sessions(username), SESSION_SECONDS)
            await pipe.execute()
        return cookie, session

    async def get(self, cookie: Optional[str]) -> Optional[Session]:
        if not cookie or len(cookie) > 128:
            return None
        key_hash = _hash(cookie)
        stored = await self._redis.hgetall(keys.session(key_hash))
        if not stored:
            return None
        return Session(key_hash, _text(stored[b"csrf"]), _text(stored.get(b"username")) or None)

    async def end(self, session: Session) -> None:
        await self._redis.delete(keys.session(session.key_hash))
        if session.username:
            await self._redis.srem(keys.user_sessions(session.username), session.key_hash)


def csrf_matches(session: Session, token: Optional[str]) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf.encode(), token.encode())


class AuditLog:
    """Who looked at which report's details, and when; never what was shown."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def report_viewed(self, admin: Admin, tracking_id: str) -> None:
        oldest_ms = int((time.time() - keys.HISTORY_SECONDS) * 1000)
        await self._redis.xadd(
            keys.AUDIT,
            {"username": admin.username, "tracking_id": tracking_id},
            minid=oldest_ms,
            approximate=True,
        )

    async def recent(self, count: int = 200) -> list[tuple[float, str, str]]:
        entries = await self._redis.xrevrange(keys.AUDIT, count=count)
        return [
            (int(_text(entry_id).split("-")[0]) / 1000, _text(e[b"username"]), _text(e[b"tracking_id"]))
            for entry_id, e in entries
        ]
