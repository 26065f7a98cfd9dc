"""The assistant's own activity, recorded for the monev dashboard (bot/dashboard) to count.

    from common import activity
    await activity.record(redis, "report_filed", tracking_id="1234567", channel="whatsapp",
                          classification="pengaduan", category_id="jalan", agency_id="pem-kota-bandung",
                          region_code="32.73", confidential=False, **activity.of(sender))

Key `app:activity` (owner: this module, written by every process that records; read by the dashboard):
a Redis stream, one entry per fact, fields `kind` plus the kind's fields as strings (None left out,
booleans as "1"/"0"). Lifetime: entries older than RETENTION_DAYS are trimmed at each write, so the
stream itself holds more than the 13 months of history the dashboard must be able to rebuild from.

Key `app:activity:active:<pseudonym>` (owner: this module; set by the gateway's turn script in
bot/gateway/conversations.py): a string that expires CONVERSATION_IDLE_SECONDS after a citizen's latest
message, so that the first message after a silence counts as a new conversation (`conversation_seen`).

No personal data: `conversation` is a pseudonym (common.identity.pseudonym), never a phone number or chat id,
and no message text except a rating's comment, which the citizen gives for the Pemda to read.
Recording is best effort: a Redis failure is logged and swallowed, it never breaks a conversation.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Optional, Union

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from common import keys
from common.identity import Sender, pseudonym

log = logging.getLogger(__name__)

STREAM = keys.ACTIVITY
RETENTION_DAYS = 400
CONVERSATION_IDLE_SECONDS = 30 * 60

# Each kind and the fields it may carry (besides `conversation`, `channel` and `at`, which any kind may).
KINDS: dict[str, tuple[str, ...]] = {
    "conversation_started": (),
    "filing_started": ("classification",),
    "step_asked": ("step",),
    "report_queued": ("outbox_key",),
    "report_filed": (
        "tracking_id",
        "classification",
        "category_id",
        "agency_id",
        "region_code",
        "confidential",
        "outbox_key",
    ),
    "clarification_asked": ("tracking_id", "event_id"),
    "clarification_answered": ("tracking_id", "event_id"),
    "report_rated": ("tracking_id", "score", "comment"),
    "notification_sent": ("tracking_id", "event_type"),
    "notification_failed": ("tracking_id", "event_type", "reason", "final"),
}
COMMON_FIELDS = ("conversation", "channel", "at")
FieldValue = Union[str, int, float, bool, datetime, None]


def of(sender: str) -> dict[str, Optional[str]]:
    """The `conversation` and `channel` fields of a fact about this citizen (`"<channel>:<user id>"`)."""
    try:
        channel: Optional[str] = Sender.parse(sender).channel
    except ValueError:  # a sender the gateway did not name (Rasa's own tools): counted without a channel
        channel = None
    return {"conversation": pseudonym(sender), "channel": channel}


def encode(kind: str, fields: dict[str, FieldValue]) -> dict[str, str]:
    """The stream entry of one fact; refuses kinds and fields nobody reads, so a typo fails in tests."""
    if kind not in KINDS:
        raise ValueError(f"unknown activity kind {kind!r}")
    unknown = set(fields) - set(KINDS[kind]) - set(COMMON_FIELDS)
    if unknown:
        raise ValueError(f"activity {kind} has no field(s) {sorted(unknown)}")
    entry = {"kind": kind}
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bool):
            entry[name] = "1" if value else "0"
        elif isinstance(value, datetime):
            entry[name] = f"{value.timestamp():.3f}"
        else:
            entry[name] = str(value)
    return entry


async def record(
    redis: aioredis.Redis, kind: str, *, at: Optional[datetime] = None, **fields: FieldValue
) -> None:
    """Appends one fact. `at` is when it happened if not now (an import of past activity)."""
    entry = encode(kind, {**fields, "at": at})
    oldest_ms = int((time.time() - RETENTION_DAYS * 86400) * 1000)
    for attempt in (1, 2):
        try:
            await redis.xadd(STREAM, entry, minid=oldest_ms, approximate=True)
            return
        except RedisConnectionError as exc:
            # A pooled connection the server closed while idle (its `timeout`) fails once; retry anew.
            if attempt == 2:
                log.warning("activity %s not recorded: %s", kind, type(exc).__name__)
        except RedisError as exc:
            log.warning("activity %s not recorded: %s", kind, type(exc).__name__)
            return


async def conversation_seen(redis: aioredis.Redis, before: Optional[bytes], conversation: str, channel: str):
    """Records `conversation_started` when the message came after a silence (no silence mark `before`)."""
    if before is None:
        await record(redis, "conversation_started", conversation=conversation, channel=channel)


def moment(entry_id: str, entry: dict[str, str]) -> float:
    """When the fact happened (epoch seconds): its `at`, else the time of the stream entry."""
    if "at" in entry:
        return float(entry["at"])
    return int(entry_id.split("-", 1)[0]) / 1000
