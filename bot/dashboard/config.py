"""The dashboard's settings, read once from the environment (docs/dashboard.md lists them)."""

from __future__ import annotations

from dataclasses import dataclass

from common.settings import env, env_float, env_int, redis_url


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
            host=env("DASHBOARD_HOST", cls.host),
            port=env_int("DASHBOARD_PORT", cls.port),
            redis_url=redis_url(),
            poll_seconds=env_float("DASHBOARD_POLL_SECONDS", cls.poll_seconds),
            cookie_secure=env("DASHBOARD_COOKIE_SECURE", "1") not in ("0", "false", "no"),
            lapor_status_url=env("DASHBOARD_LAPOR_STATUS_URL", cls.lapor_status_url),
        )
