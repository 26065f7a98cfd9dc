"""Rasa's Redis tracker and lock stores configured from one `REDIS_URL` (dialogue/endpoints.yml).

Rasa's own Redis stores take host, port, db and password as separate settings, so a deployment that
sets only REDIS_URL (with a password, a database number or `rediss://`) would need to repeat it in
pieces. These take the URL itself, and their connections check their health and reconnect, so a Redis
restart costs a retry instead of failing turns on stale pooled connections.

The tracker store also carries out a citizen's erasure request (common/erasure.py): Rasa saves the whole
tracker after every turn, so only here can the conversation before `action_delete_my_data` be dropped.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from common.redis import sync_client

ERASURE_ACTION = "action_delete_my_data"


class UrlRedisTrackerStore(RedisTrackerStore):
    def __init__(self, domain: Any, host: str, **kwargs: Any) -> None:
        super().__init__(domain, **kwargs)  # its own client is replaced below, never connected
        self.red = sync_client(host, decode_responses=True)

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        erased = _after_erasure(tracker, self.domain)
        if erased is not None:
            # Not merged with the stored tracker (Rasa's save does): the stored one is what goes.
            self.red.delete(self.key_prefix + tracker.sender_id)
            tracker = erased
        await super().save(tracker, timeout)


def _after_erasure(tracker: DialogueStateTracker, domain: Any) -> Optional[DialogueStateTracker]:
    """The conversation from the citizen's erasure on, or None when they asked for none."""
    events = list(tracker.events)
    erasures = [
        i for i, e in enumerate(events) if isinstance(e, ActionExecuted) and e.action_name == ERASURE_ACTION
    ]
    if not erasures:
        return None
    return DialogueStateTracker.from_events(tracker.sender_id, events[erasures[-1] + 1 :], domain.slots)


class UrlRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(key_prefix=endpoint_config.kwargs.get("key_prefix"))
        self.red = sync_client(endpoint_config.url, socket_timeout=10)
