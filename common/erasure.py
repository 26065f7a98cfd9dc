"""Erasing what the assistant keeps about one citizen, at their request (UU PDP 27/2022, docs/operations.md
"Retention"). Reports already in LAPOR stay there: LAPOR is their controller, not this assistant.

The conversation itself is Rasa's: an action cannot delete it, since Rasa saves the whole tracker again
after the action. The tracker store drops everything before `action_delete_my_data` when it saves
(bot/rasa_server/stores.py). Keys: common/keys.py.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from common import keys, outbox
from common.identity import Sender
from common.media import MediaStore
from common.reports import ReportsStore

log = logging.getLogger(__name__)

# The gateway's rate limits (bot/gateway/conversations.py, bot/channels/console/inbound.py).
_RATE_LIMITS = ("messages", "console-uploads")


async def erase(redis: aioredis.Redis, media: MediaStore, sender: str) -> int:
    """Erases the citizen's indexes, subscriptions, open questions, pending reports and their files,
    news not yet delivered, offered buttons, rate counters and channel aliases. Returns how many unsent
    reports were dropped."""
    who = Sender.parse(sender)
    await ReportsStore(redis).forget(sender)
    dropped = await outbox.cancel_for(redis, media, sender)
    await _forget_undelivered_news(redis, sender)
    doomed = [
        keys.open_clarifications(sender),
        keys.offered_payloads(sender),
        keys.status_lookups(sender),
        *(keys.rate_limit(limit, subject) for limit in _RATE_LIMITS for subject in (sender, who.user_id)),
        *(
            keys.rate_limit_told(limit, subject)
            for limit in _RATE_LIMITS
            for subject in (sender, who.user_id)
        ),
    ]
    if who.channel == "console":
        for ref in await redis.hkeys(keys.console_uploads(who.user_id)):
            media.discard(ref.decode())  # files they sent but never filed
        doomed += [keys.console_inbox(who.user_id), keys.console_uploads(who.user_id)]
    if who.channel == "whatsapp":
        phone = await redis.get(keys.whatsapp_phone(who.user_id))
        doomed += [keys.whatsapp_phone(who.user_id), keys.whatsapp_window(who.user_id)]
        doomed += [
            keys.whatsapp_user_of_phone(p) for p in {who.user_id, *([phone.decode()] if phone else [])}
        ]
    await redis.delete(*doomed)
    await rewrite_append_only_file(redis)
    return dropped


async def _forget_undelivered_news(redis: aioredis.Redis, sender: str) -> None:
    """The notifier's jobs for the citizen (bot/notifier/queue.py), waiting or given up: each holds the
    news's text. A stream entry left without its job is acknowledged away by the notifier that reads it."""
    waiting = [job_id.decode() for job_id in await redis.lrange(keys.notifier_order(sender), 0, -1)]
    given_up = [
        job_id
        for job_id in await redis.hkeys(keys.NOTIFIER_DEAD)
        if keys.notifier_job_sender(job_id.decode()) == sender
    ]
    async with redis.pipeline(transaction=True) as pipe:
        if waiting:
            pipe.hdel(keys.NOTIFIER_JOBS, *waiting)
            pipe.zrem(keys.NOTIFIER_PENDING, *waiting)
        if given_up:
            pipe.hdel(keys.NOTIFIER_DEAD, *given_up)
        pipe.delete(keys.notifier_order(sender))
        await pipe.execute()


async def rewrite_append_only_file(redis: aioredis.Redis) -> None:
    """Rewrites Redis's AOF, so the erased values do not linger in its history of commands."""
    try:
        await redis.bgrewriteaof()
    except ResponseError as exc:  # one is running already; the next automatic rewrite clears it
        log.info("erasure: AOF rewrite not started (%s)", type(exc).__name__)
