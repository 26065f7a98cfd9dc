"""The durable outbox of confirmed reports: nothing the citizen confirmed is lost or filed twice.

A confirmed report is written to Redis with its idempotency key *before* the first attempt. It
leaves the outbox only when LAPOR has answered with a tracking number (then it is registered in
ReportsStore) or refused it for good (then it is parked under `failed` for an operator). While
LAPOR is down or slow it stays, and `retry_pending` (called by the notifier) sends it again with the
same idempotency key, so LAPOR returns the same report however often it is sent.

Keys: common/keys.py (`OUTBOX_*`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Optional

import redis.asyncio as aioredis

from common import keys
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


async def enqueue(redis: aioredis.Redis, pending: PendingReport) -> None:
    """Keeps the confirmed report; a second call with the same key changes nothing."""
    await redis.hsetnx(PENDING, pending.idempotency_key, pending.to_json())


async def deliver(
    lapor: LaporClient, redis: aioredis.Redis, media: MediaStore, key: str
) -> Optional[DeliveredReport]:
    """Sends one kept report. Returns None when it stays kept (LAPOR unreachable, or another worker
    is sending it); raises LaporError when LAPOR refused it for good (it is then parked as failed)."""
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
        # Registered before it leaves the outbox: a crash in between repeats an idempotent step.
        await ReportsStore(redis).add_filed(
            pending.sender, created.tracking_id, pending.title, pending.report["classification"]
        )
        await redis.hdel(PENDING, key)
        return DeliveredReport(pending.sender, created.tracking_id, pending.title)
    finally:
        # Release only our own lock (it may have expired and been taken by another worker).
        if await redis.get(keys.outbox_lock(key)) == token.encode():
            await redis.delete(keys.outbox_lock(key))


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
            store.mark_submitted(ref)  # the gateway's cleanup must not remove it now
        except (AttachmentRejected, FileNotFoundError, ValueError) as exc:
            # A file LAPOR will never take (or that is gone) must not hold the report back.
            log.warning(
                "outbox: attachment skipped for report %s: %s", pending.idempotency_key, type(exc).__name__
            )
            pending.uploaded[ref] = None
        await redis.hset(PENDING, pending.idempotency_key, pending.to_json())


async def retry_pending(
    lapor: LaporClient, redis: aioredis.Redis, media: MediaStore
) -> list[DeliveredReport]:
    """Sends every kept report once more (same idempotency key); returns those that reached LAPOR."""
    delivered = []
    for key in await redis.hkeys(PENDING):
        try:
            result = await deliver(lapor, redis, media, key.decode())
        except LaporError:
            continue  # parked as failed by deliver()
        if result is not None:
            delivered.append(result)
    return delivered
