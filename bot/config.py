"""Settings of the gateway and its channels, read once from the environment.

Every value has an embedded default for the local stack, so `make run` needs no configuration;
a deployment overrides what it needs (see README.md, "Configuration").
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class GatewaySettings:
    host: str
    port: int
    rasa_url: str
    redis_url: str
    media_dir: Path
    # Text longer than this is answered with a friendly refusal instead of being relayed.
    max_text_chars: int
    rasa_timeout: float

    @classmethod
    def from_env(cls) -> "GatewaySettings":
        return cls(
            host=_env("GATEWAY_HOST", "127.0.0.1"),
            port=int(_env("GATEWAY_PORT", "8080")),
            rasa_url=_env("RASA_URL", f"http://127.0.0.1:{_env('RASA_PORT', '5005')}"),
            redis_url=_env("REDIS_URL", "redis://localhost:6379/0"),
            media_dir=Path(_env("MEDIA_DIR", "run/media")),
            max_text_chars=int(_env("MAX_TEXT_CHARS", "4000")),
            rasa_timeout=float(_env("RASA_TIMEOUT", "30")),
        )
