"""Rasa's Redis tracker and lock stores configured from one `REDIS_URL` (dialogue/endpoints.yml).

Rasa's own Redis stores take host, port, db and password as separate settings, so a deployment that
sets only REDIS_URL (with a password, a database number or `rediss://`) would need to repeat it in
pieces. These take the URL itself, and their connections check their health and reconnect, so a Redis
restart costs a retry instead of failing turns on stale pooled connections.
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.utils.endpoints import EndpointConfig

from common.redis import sync_client


class UrlRedisTrackerStore(RedisTrackerStore):
    def __init__(self, domain: Any, host: str, **kwargs: Any) -> None:
        super().__init__(domain, **kwargs)  # its own client is replaced below, never connected
        self.red = sync_client(host, decode_responses=True)


class UrlRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(key_prefix=endpoint_config.kwargs.get("key_prefix"))
        self.red = sync_client(endpoint_config.url, socket_timeout=10)
