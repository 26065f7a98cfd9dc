"""Submitting a confirmed report through the outbox, answering a repeated confirmation with the same
report, and telling the citizen when a kept one arrived."""

from __future__ import annotations

import asyncio
from datetime import datetime, time

import redis.asyncio as aioredis
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from redis import RedisError

from actions import clients
from actions.after_filing.told import end_of_news
from actions.message import from_notifier
from actions.report import texts
from actions.report.dates import JAKARTA, today
from actions.report.draft import pending_report
from actions.report.steps import DRAFT_SLOTS
from common import outbox
from common.outbox import DeliveredReport
from common.reports import ReportsStore
from lapor_client.errors import LaporError


def delivered_message(
    report: DeliveredReport, dispatcher: CollectingDispatcher, later: bool = False, again: bool = False
) -> None:
    check = f'/check_status{{"tracking_id": "{report.tracking_id}"}}'
    dispatcher.utter_message(
        text=texts.delivered(report.tracking_id, report.title, later, again),
        buttons=[{"title": texts.CHECK_STATUS, "payload": check}],
    )


async def daily_limit_reached(redis: aioredis.Redis, sender: str) -> bool:
    """True when the citizen already has REPORTS_PER_DAY reports today: filed since midnight (Jakarta)
    or confirmed and still waiting in the outbox."""
    limit = clients.settings().reports_per_day
    if limit <= 0:
        return False
    midnight = datetime.combine(today(), time(), JAKARTA).timestamp()
    filed = await ReportsStore(redis).count_filed_since(sender, midnight)
    return filed + len(await outbox.pending_for(redis, sender)) >= limit


async def _over_daily_limit(redis: aioredis.Redis, pending: outbox.PendingReport) -> bool:
    """The limit, for a draft not yet kept or filed (a repeated confirmation is answered, never refused)."""
    key = pending.idempotency_key
    if await outbox.is_pending(redis, key) or await outbox.sent_report(redis, key):
        return False
    return await daily_limit_reached(redis, pending.sender)


async def submit(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Sends the confirmed draft; the draft is cleared once the outbox (or LAPOR) has it."""
    reset = [SlotSet(slot, None) for slot in DRAFT_SLOTS]
    if tracker.get_slot("konfirmasi") is not True or not tracker.get_slot("idempotency_key"):
        return reset  # only a report the citizen confirmed is ever sent
    pending = pending_report(tracker)
    redis = clients.redis()
    try:
        if await _over_daily_limit(redis, pending):
            # The confirmed draft stays, with its key: "kirim" tomorrow sends it (ConfirmAgain).
            limit = clients.settings().reports_per_day
            dispatcher.utter_message(text=texts.DAILY_LIMIT_AT_SUBMISSION.format(limit=limit))
            return []
        already = await outbox.enqueue(redis, pending)  # durable before the first attempt
    except RedisError:
        # Nothing was written: the confirmed draft stays, and "kirim" again sends it (ConfirmAgain).
        dispatcher.utter_message(text=texts.NOT_SAVED)
        return []
    if already:
        delivered_message(already, dispatcher)
        return reset
    try:
        lapor = await clients.lapor()
        delivered = await asyncio.wait_for(
            outbox.deliver(lapor, redis, clients.media(), pending.idempotency_key),
            clients.settings().submit_wait_seconds,
        )
    except (asyncio.TimeoutError, RedisError):
        delivered = None
    except LaporError:
        dispatcher.utter_message(text=texts.REFUSED)
        return reset
    if delivered:
        delivered_message(delivered, dispatcher)
    else:  # kept in the outbox (or being sent by another worker): the number is announced when it goes
        await _number_later(redis, pending.idempotency_key, dispatcher, texts.KEPT)
    return reset


async def _number_later(redis: aioredis.Redis, key: str, dispatcher: CollectingDispatcher, told: str) -> None:
    """Tells the citizen the number comes later, once that promise is recorded; or the number itself,
    when the report was delivered meanwhile."""
    try:
        delivered = await outbox.promise_number(redis, key)
    except RedisError:
        delivered = None  # the outbox's retry still announces it
    if delivered:
        delivered_message(delivered, dispatcher, again=True)
    else:
        dispatcher.utter_message(text=told)


class SubmitReport(Action):
    def name(self) -> str:
        return "action_submit_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await submit(dispatcher, tracker)


class ConfirmAgain(Action):
    """A "kirim" (or "ya") with no form open. The confirmation may have been repeated because its answer
    was lost (a timeout, a crash): a confirmed draft still here is sent now, and a draft confirmed in the
    last hour is answered with its number or "sedang dikirim", never filed again."""

    def name(self) -> str:
        return "action_confirm_again"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("konfirmasi") is True and tracker.get_slot("idempotency_key"):
            return await submit(dispatcher, tracker)
        redis = clients.redis()
        try:
            key = await outbox.last_confirmed(redis, tracker.sender_id)
            sent = await outbox.sent_report(redis, key) if key else None
            kept = key is not None and sent is None and await outbox.is_pending(redis, key)
        except RedisError:
            sent, kept = None, False
        if sent:
            delivered_message(sent, dispatcher, again=True)
        elif kept:
            await _number_later(redis, key, dispatcher, texts.SENDING)
        else:
            dispatcher.utter_message(response="utter_help")
        return []


class ReportDelivered(Action):
    """Said when the notifier delivered a kept report (intent EXTERNAL_report_delivered)."""

    def name(self) -> str:
        return "action_report_delivered"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tracking_id = next(tracker.get_latest_entity_values("tracking_id"), None)
        mine = {r.tracking_id: r for r in await ReportsStore(clients.redis()).list_for(tracker.sender_id)}
        if not from_notifier(tracker) or tracking_id not in mine:
            return []  # only the notifier tells a citizen that their own kept report arrived
        title = mine[tracking_id].title
        delivered_message(DeliveredReport(tracker.sender_id, tracking_id, title), dispatcher, later=True)
        end_of_news(dispatcher, tracker, starts_form=False)
        return []
