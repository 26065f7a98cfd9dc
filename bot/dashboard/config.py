"""The dashboard's settings, read once from the environment (docs/dashboard.md lists them)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


@dataclass(frozen=True)
class DashboardSettings:
    host: str = "127.0.0.1"
    port: int = 8070
    redis_url: str = "redis://localhost:6379/0"
    poll_seconds: float = 30.0
    # Off only for plain-HTTP use on loopback (tests, a first look); behind HTTPS keep it on.
    cookie_secure: bool = True
    lapor_status_url: str = "https://www.lapor.go.id/laporan/detil/{tracking_id}"

    @classmethod
    def from_env(cls) -> "DashboardSettings":
        return cls(
            host=_env("DASHBOARD_HOST", cls.host),
            port=int(_env("DASHBOARD_PORT", str(cls.port))),
            redis_url=_env("REDIS_URL", cls.redis_url),
            poll_seconds=float(_env("DASHBOARD_POLL_SECONDS", str(cls.poll_seconds))),
            cookie_secure=_env("DASHBOARD_COOKIE_SECURE", "1") not in ("0", "false", "no"),
            lapor_status_url=_env("DASHBOARD_LAPOR_STATUS_URL", cls.lapor_status_url),
        )
