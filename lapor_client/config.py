"""Settings of the LAPOR client, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class LaporSettings:
    base_url: str = "http://127.0.0.1:8090"
    # Kept out of repr() so that the settings can be logged safely.
    token: str = field(default="sandbox", repr=False)
    timeout: float = 10.0
    # Retries after the first attempt, for calls that are safe to repeat.
    max_retries: int = 3
    max_upload_bytes: int = 20 * 1024 * 1024
    # Exponential backoff with full jitter: a wait is uniform in [0, min(backoff_max, backoff_base * 2**n)].
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    # A 429 whose Retry-After asks for longer than this is raised at once instead of waited out.
    max_retry_after: float = 60.0

    @classmethod
    def from_env(cls) -> "LaporSettings":
        return cls(
            base_url=_env("LAPOR_BASE_URL", cls.base_url),
            token=_env("LAPOR_TOKEN", "sandbox"),
            timeout=float(_env("LAPOR_TIMEOUT", str(cls.timeout))),
            max_retries=int(_env("LAPOR_MAX_RETRIES", str(cls.max_retries))),
            max_upload_bytes=int(_env("LAPOR_MAX_UPLOAD_BYTES", str(cls.max_upload_bytes))),
            backoff_base=float(_env("LAPOR_BACKOFF_BASE", str(cls.backoff_base))),
            backoff_max=float(_env("LAPOR_BACKOFF_MAX", str(cls.backoff_max))),
            max_retry_after=float(_env("LAPOR_MAX_RETRY_AFTER", str(cls.max_retry_after))),
        )
