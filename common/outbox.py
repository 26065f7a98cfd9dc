"""The durable outbox of confirmed reports: nothing the citizen confirmed is lost or filed twice.

A confirmed report is written to Redis with its idempotency key *before* the first attempt. It
leaves the outbox only when LAPOR has answered with a tracking number (then it is registered in
ReportsStore) or refused it for good (then it is parked under `failed` for an operator). While
LAPOR is down or slow it stays, and `retry_pending` (called by the notifier) sends it again with the
same idempotency key, so LAPOR returns the same report however often it is sent.

The key is the draft's own, fixed when the draft starts (actions/report/steps.fresh_draft), never in the
confirming turn: whatever repeats a confirmation (a resend after a lost answer, a platform's redelivery,
a second gateway, a crash of any process) carries the same key. Once LAPOR gave the key a number it is
kept under `sent`, and a repeated confirmation is answered with that number instead of being filed.

Keys: common/keys.py (`OUTBOX_*`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Optional

import redis.asyncio as aioredis

from common import activity, keys
from common.media import MediaStore
from common.reports import ReportsStore
from lapor_client import LaporClient
from lapor_client.errors import (
    AttachmentRejected,
    LaporError,
    LaporRateLimited,
    LaporUnauthorized,
    LaporUnavailable,
)
from lapor_client.models import Location, NewReport, Reporter

log = logging.getLogger(__name__)

PENDING = keys.OUTBOX_PENDING
FAILED = keys.OUTBOX_FAILED
# Longer than one delivery can take with the client's retries, so two workers never overlap.
LOCK_SECONDS = 120
# Errors after which trying again later may succeed.
TRANSIENT = (LaporUnavailable, LaporRateLimited, LaporUnauthorized, asyncio.TimeoutError)


@dataclass
class PendingReport:
    idempotency_key: str
    sender: str
    report: dict[str, Any]  # NewReport.to_dict() without attachment ids
    attachments: list[dict[str, Any]] = field(default_factory=list)  # the gateway's media metadata
    uploaded: dict[str, Optional[str]] = field(default_factory=dict)  # ref → attachment id (None: skipped)
    attempts: int = 0
    confirmed_at: float = field(default_factory=time.time)  # for the outbox's age (metrics)

    @property
    def title(self) -> str:
        return self.report["title"]

    def new_report(self) -> NewReport:
        data = dict(self.report)
        location, reporter = data.pop("location", None), data.pop("reporter", None)
        data.pop("attachment_ids", None)
        return NewReport(
            **{**data, "incident_date": date.fromisoformat(data["incident_date"])},
            location=Location(**location) if location else None,
            reporter=Reporter(**reporter) if reporter else None,
            attachment_ids=tuple(i for i in self.uploaded.values() if i),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "PendingReport":
        return cls(**json.loads(raw))


@dataclass(frozen=True)
class DeliveredReport:
    sender: str
    tracking_id: str
    title: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "DeliveredReport":
        return cls(**json.loads(raw))


SENT_SECONDS = 30 * 24 * 3600  # longer than any citizen waits before confirming the same draft again
LAST_SECONDS = 3600
DELIVERED_STREAM_MAX = 10_000

# Atomic, so a confirmation racing the notifier's delivery of the same key never puts it back.
_ENQUEUE = """
local sent = redis.call('GET', KEYS[1])
if sent then return sent end
local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[3])
return added
"""


async def enqueue(redis: aioredis.Redis, pending: PendingReport) -> Optional[DeliveredReport]:
    """Keeps the confirmed report; a second call with the same key changes nothing. Returns the report
    LAPOR has already given a number for this key (a repeated confirmation), else None."""
    answer = await redis.eval(
        _ENQUEUE,
        3,
        keys.outbox_sent(pending.idempotency_key),
        PENDING,
        keys.outbox_last(pending.sender),
        pending.idempotency_key,
        pending.to_json(),
        LAST_SECONDS,
    )
    if isinstance(answer, (bytes, str)):
        return DeliveredReport.from_json(answer)
    if answer == 1:  # newly kept: a repeated confirmation is not counted again
        await activity.record(
            redis, "report_queued", outbox_key=pending.idempotency_key, **activity.of(pending.sender)
        )
    return None


# The end of a delivery, atomic: the number kept, the report out of the outbox and, when the citizen was
# promised the number (or this is a retry after their turn), the announcement queued, so that a promise
# made just before is kept and one made just after finds the number (`promise_number`).
_DELIVERED = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[3])
if ARGV[4] == '1' or redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'report', ARGV[1])
end
redis.call('DEL', KEYS[3])
"""


async def promise_number(redis: aioredis.Redis, key: str) -> Optional[DeliveredReport]:
    """Records that the citizen is told "the number comes later" for this key, so that whichever delivery
    ends it announces the number; returns the report when it was delivered already (tell it now)."""
    await redis.set(keys.outbox_promised(key), "1", ex=SENT_SECONDS)
    return await sent_report(redis, key)


async def sent_report(redis: aioredis.Redis, key: str) -> Optional[DeliveredReport]:
    raw = await redis.get(keys.outbox_sent(key))
    return DeliveredReport.from_json(raw) if raw else None


async def is_pending(redis: aioredis.Redis, key: str) -> bool:
    return bool(await redis.hexists(PENDING, key))


async def last_confirmed(redis: aioredis.Redis, sender: str) -> Optional[str]:
    """The key of the sender's draft confirmed within the last hour, if any."""
    raw = await redis.get(keys.outbox_last(sender))
    return raw.decode() if raw else None


async def pending_for(redis: aioredis.Redis, sender: str) -> list[PendingReport]:
    """The sender's reports still waiting for LAPOR (few at any time: a scan is enough)."""
    kept = [PendingReport.from_json(raw) for raw in await redis.hvals(PENDING)]
    return [p for p in kept if p.sender == sender]


async def cancel_for(redis: aioredis.Redis, media: MediaStore, sender: str) -> int:
    """Drops the sender's reports not yet in LAPOR, pending or refused, and deletes their files (the
    citizen asked for their data to be erased). A report being sent at this moment holds its lock and
    is left to finish. Returns how many were dropped."""
    dropped = 0
    for bucket in (PENDING, FAILED):
        for raw in await redis.hvals(bucket):
            kept = PendingReport.from_json(raw)
            if kept.sender != sender:
                continue
            lock = keys.outbox_lock(kept.idempotency_key)
            if not await redis.set(lock, "erasing", nx=True, ex=LOCK_SECONDS):
                continue  # on its way to LAPOR now
            try:
                await redis.hdel(bucket, kept.idempotency_key)
                for item in kept.attachments:
                    media.discard(item["ref"])
                dropped += 1
            finally:
                await redis.delete(lock)
    await redis.delete(keys.outbox_last(sender))
    return dropped


async def deliver(
    lapor: LaporClient, redis: aioredis.Redis, media: MediaStore, key: str, announce: bool = False
) -> Optional[DeliveredReport]:
    """Sends one kept report. Returns None when it stays kept (LAPOR unreachable, or another worker
    is sending it); raises LaporError when LAPOR refused it for good (it is then parked as failed).
    With `announce` (a retry after the citizen's turn), or when the citizen was promised the number, the
    delivery is also written to the stream the notifier announces from, atomically with its removal."""
    token = uuid.uuid4().hex
    if not await redis.set(keys.outbox_lock(key), token, nx=True, ex=LOCK_SECONDS):
        return None
    try:
        raw = await redis.hget(PENDING, key)
        if raw is None:
            return None  # delivered meanwhile by another worker
        pending = PendingReport.from_json(raw)
        pending.attempts += 1
        try:
            await _upload_attachments(lapor, redis, media, pending)
            created = await lapor.create_report(pending.new_report(), pending.idempotency_key)
        except TRANSIENT as exc:
            log.info("outbox: report %s kept for a retry (%s)", key, type(exc).__name__)
            await redis.hset(PENDING, key, pending.to_json())
            return None
        except LaporError as exc:
            log.warning("outbox: LAPOR refused report %s: %s", key, exc.code)
            async with redis.pipeline(transaction=True) as pipe:
                pipe.hset(FAILED, key, pending.to_json())
                pipe.hdel(PENDING, key)
                await pipe.execute()
            raise
        delivered = DeliveredReport(pending.sender, created.tracking_id, pending.title)
        # Registered before it leaves the outbox: a crash in between repeats an idempotent step.
        await ReportsStore(redis).add_filed(
            pending.sender, created.tracking_id, pending.title, pending.report["classification"]
        )
        await _record_filed(redis, pending, created.tracking_id)
        await redis.eval(
            _DELIVERED,
            4,
            keys.outbox_sent(key),
            PENDING,
            keys.outbox_promised(key),
            keys.OUTBOX_DELIVERED,
            delivered.to_json(),
            SENT_SECONDS,
            key,
            int(announce),
            DELIVERED_STREAM_MAX,
        )
        return delivered
    finally:
        # Release only our own lock (it may have expired and been taken by another worker).
        if await redis.get(keys.outbox_lock(key)) == token.encode():
            await redis.delete(keys.outbox_lock(key))


async def _record_filed(redis: aioredis.Redis, pending: PendingReport, tracking_id: str) -> None:
    report = pending.report
    await activity.record(
        redis,
        "report_filed",
        tracking_id=tracking_id,
        classification=report["classification"],
        category_id=report.get("category_id"),
        agency_id=report.get("agency_id"),
        region_code=(report.get("location") or {}).get("region_code"),
        confidential=bool(report.get("confidential")),
        outbox_key=pending.idempotency_key,
        **activity.of(pending.sender),
    )


async def _upload_attachments(
    lapor: LaporClient, redis: aioredis.Redis, store: MediaStore, pending: PendingReport
) -> None:
    """Uploads each file once; ids are saved as they come, so a retry does not upload them again."""
    for item in pending.attachments:
        ref = item["ref"]
        if ref in pending.uploaded:
            continue
        try:
            attachment = await lapor.upload_attachment(
                store.path_for(ref), item.get("filename"), idempotency_key=f"{pending.idempotency_key}:{ref}"
            )
            pending.uploaded[ref] = attachment.attachment_id
            # Kept until the media cleanup (MEDIA_RETENTION_HOURS after it last arrived): files are named by
            # their content, so the same photo (a forwarded one) may belong to other citizens' reports too.
        except (AttachmentRejected, FileNotFoundError, ValueError) as exc:
            # A file LAPOR will never take (or that is gone) must not hold the report back.
            log.warning(
                "outbox: attachment skipped for report %s: %s", pending.idempotency_key, type(exc).__name__
            )
            pending.uploaded[ref] = None
        await redis.hset(PENDING, pending.idempotency_key, pending.to_json())


async def retry_pending(lapor: LaporClient, redis: aioredis.Redis, media: MediaStore) -> int:
    """Sends every kept report once more (same idempotency key); returns how many reached LAPOR. Each
    one is announced through `OUTBOX_DELIVERED`."""
    delivered = 0
    for key in await redis.hkeys(PENDING):
        try:
            delivered += await deliver(lapor, redis, media, key.decode(), announce=True) is not None
        except LaporError:
            continue  # parked as failed by deliver()
    return delivered
