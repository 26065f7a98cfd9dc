"""The one map of every Redis key the assistant writes: who owns it, its format, how long it lives.

Every module that touches Redis builds its keys here, so this file answers "what is stored, by whom,
for how long". The app's keys start with `app:`; Rasa's own tracker and lock keys start with `rasa:`
(dialogue/endpoints.yml), so the two never share a prefix.

Key (type) — owner: what it holds — lifetime:
- `rasa:tracker:<sender>` (JSON) — Rasa's tracker store: the conversation — 90 days idle (endpoints.yml)
- `rasa:lock:<sender>` — Rasa's lock store: one turn at a time — while a turn runs
- `app:gateway:seen:<channel>:<delivery id>` — gateway: a platform delivery already taken — 7 days
- `app:gateway:telegram:payload:<hash>` — gateway: a button payload too long for Telegram — 30 days
- `app:gateway:whatsapp:window:<user id>` (epoch) — gateway: WhatsApp's 24-hour window — until it closes
- `app:gateway:whatsapp:phone:<BSUID>` — gateway: the phone number a WhatsApp user (known by their
  business-scoped user id) last came with, an alias used where Meta refuses a BSUID — 90 days since seen
- `app:gateway:whatsapp:user:<phone number>` — gateway: the BSUID that phone number belongs to, so a delivery
  with the number only joins the same conversation — 90 days since seen
- `app:gateway:whatsapp:notice:<wamid>` (JSON) — notifier: a notification sent inside the window, with its
  templates, retried as the templates when Meta reports it failed (131047) — 3 days
- `app:gateway:whatsapp:failed` (hash error code → count) — gateway: WhatsApp's `failed` statuses and skipped
  stale deliveries ("stale"), for the operator — kept
- `app:gateway:offered:<sender>` (sorted set payload → epoch) — gateway, notifier: button payloads offered
  to a citizen, the only ones accepted back from them — 24 h
- `app:gateway:rate:<limit>:<subject>` (sorted set event → epoch) — gateway: a citizen's messages (or a
  console user's uploads) within a rate limit's window — one window
- `app:gateway:rate-told:<limit>:<subject>` — gateway: the citizen was told to slow down — one window
- `app:console:inbox:<user id>` (list of JSON) — notifier: news for a console user — 7 days
- `app:media:volume` — the first process to start: the id of the one shared media directory (MEDIA_DIR), also
  in its marker file, so a process on a directory of its own refuses to start (common/media.py) — kept
- `app:console:uploads:<user id>` (hash ref → JSON) — gateway: files a console user uploaded, the only
  ones that user may attach — 7 days
- `app:outbox:pending` (hash key → JSON) — action server, notifier: confirmed reports not yet in LAPOR —
  until LAPOR has them
- `app:outbox:failed` (hash key → JSON) — same: reports LAPOR refused for good — until an operator clears it
- `app:outbox:lock:<key>` — same: one sender at a time per report — 120 s
- `app:outbox:sent:<key>` (JSON) — same: the tracking number a draft's key got, so a repeated
  confirmation answers with it instead of filing again — 30 days
- `app:outbox:last:<sender>` — action server: the key of the citizen's last confirmed draft — 1 hour
- `app:outbox:promised:<key>` — action server: the citizen was told the number comes later, so whichever
  delivery of the report ends announces it — until delivered, at most 30 days
- `app:outbox:delivered` (stream) — outbox → notifier: reports that left the outbox after the citizen's
  turn, or whose number was promised, to be announced; written atomically with the removal — ~10,000 entries
- `app:reports:filed:<sender>` (sorted set) — action server: a citizen's reports by filing time —
  `RETENTION_DAYS` since last written
- `app:reports:meta:<tracking id>` (hash) — action server: title, classification, reporter —
  `RETENTION_DAYS` since last written
- `app:reports:followers:<tracking id>` (set) — action server: who hears of a report's changes —
  `RETENTION_DAYS` since last written
- `app:reports:following:<sender>` (set) — action server: what a citizen follows — `RETENTION_DAYS`
  since last written
- `app:status:lookups:<sender>` (integer) — action server: reports of other people a citizen looked up
  this hour (enumeration of tracking numbers) — 1 hour
- `app:clarifications:<sender>` (hash event id → JSON) — action server: agency questions awaiting an
  answer — until answered
- `app:answers:recent:<sender>` — action server: the report the citizen just answered an agency for, so a
  photo sent soon after is offered to that answer first — 30 minutes
- `app:reminders:answers` (sorted set JSON {sender, tracking_id, event_id} → epoch) — action server writes
  (an agency question the citizen put off with "nanti"), notifier removes each when due in the script that
  queues its reminder job (bot/notifier/queue.py), and reminds through the dialogue — until due
- `app:notifier:cursor` — notifier: position in LAPOR's events feed — kept
- `app:notifier:stream` (stream, consumer group `notifiers`) — notifier: delivery jobs in feed order,
  each read by one notifier; a dead one's unacknowledged jobs are claimed by another — until delivered
- `app:notifier:pending` (sorted set) — notifier: jobs waiting for a retry, by due time — until due
- `app:notifier:jobs` (hash job id → JSON) — notifier: delivery jobs, each id `<event id>:<sender>`
  (`notifier_job_id`) — until delivered
- `app:notifier:order:<sender>` (list) — notifier: a citizen's undelivered job ids in feed order, so
  several notifiers still tell one citizen in order — until each is delivered
- `app:notifier:dead` (hash job id → JSON) — notifier: jobs given up after all attempts — until an operator
  clears them
- `app:notifier:sent:<job id>` — notifier: a delivered job, so a re-read event is not sent again — 90 days
- `app:notifier:deadlines` (sorted set `<tracking id>:<status>:<event id>` → epoch) — notifier: stages of
  followed reports to look at the morning after their deadline (bot/notifier/deadlines.py) — until then
- `app:activity` (stream) — every process (common/activity.py): what the assistant did, for the dashboard's
  conversation funnel and delivery health — trimmed to 400 days
- `app:activity:active:<pseudonym>` — same: a conversation seen in the last 30 minutes — 30 minutes
- `app:dashboard:<name>` — the dashboard: its projection, accounts, sessions and audit log, each listed with
  its lifetime in bot/dashboard/keys.py — 400 days or as listed there
"""

from __future__ import annotations

from typing import Callable

APP = "app"
# Rasa's key_prefix (dialogue/endpoints.yml); Rasa appends "tracker:" or "lock:" itself.
RASA_PREFIX = "rasa"


def rasa_tracker(sender: str) -> str:
    """Rasa's own key for a conversation (its RedisTrackerStore builds it; written here to find it)."""
    return f"{RASA_PREFIX}:tracker:{sender}"


def one_per(prefix: str) -> Callable[[str], str]:
    """The builder of the keys `app:<prefix>:<id>`, one per id (the map above, or bot/dashboard/keys.py's for
    the dashboard's, says what the id is)."""

    def key(id_: str) -> str:
        return f"{APP}:{prefix}:{id_}"

    return key


def delivery_seen(channel: str, delivery_id: str) -> str:
    return f"{APP}:gateway:seen:{channel}:{delivery_id}"


telegram_payload = one_per("gateway:telegram:payload")  # by the payload's hash
whatsapp_window = one_per("gateway:whatsapp:window")  # by user id
whatsapp_phone = one_per("gateway:whatsapp:phone")  # by BSUID
whatsapp_user_of_phone = one_per("gateway:whatsapp:user")  # by phone number
whatsapp_notice = one_per("gateway:whatsapp:notice")  # by wamid
WHATSAPP_FAILED = f"{APP}:gateway:whatsapp:failed"
MEDIA_VOLUME = f"{APP}:media:volume"
offered_payloads = one_per("gateway:offered")  # by sender


def rate_limit(limit: str, subject: str) -> str:
    return f"{APP}:gateway:rate:{limit}:{subject}"


def rate_limit_told(limit: str, subject: str) -> str:
    return f"{APP}:gateway:rate-told:{limit}:{subject}"


console_inbox = one_per("console:inbox")  # by user id
console_uploads = one_per("console:uploads")  # by user id

OUTBOX_PENDING = f"{APP}:outbox:pending"
OUTBOX_FAILED = f"{APP}:outbox:failed"
outbox_lock = one_per("outbox:lock")  # by idempotency key
outbox_sent = one_per("outbox:sent")  # by idempotency key
outbox_last = one_per("outbox:last")  # by sender
outbox_promised = one_per("outbox:promised")  # by idempotency key
OUTBOX_DELIVERED = f"{APP}:outbox:delivered"

reports_filed = one_per("reports:filed")  # by sender
report_meta = one_per("reports:meta")  # by tracking id
report_followers = one_per("reports:followers")  # by tracking id
reports_following = one_per("reports:following")  # by sender
status_lookups = one_per("status:lookups")  # by sender
open_clarifications = one_per("clarifications")  # by sender
answered_recently = one_per("answers:recent")  # by sender
ANSWER_REMINDERS = f"{APP}:reminders:answers"

NOTIFIER_CURSOR = f"{APP}:notifier:cursor"
NOTIFIER_STREAM = f"{APP}:notifier:stream"
NOTIFIER_PENDING = f"{APP}:notifier:pending"
NOTIFIER_JOBS = f"{APP}:notifier:jobs"
NOTIFIER_DEAD = f"{APP}:notifier:dead"
NOTIFIER_DEADLINES = f"{APP}:notifier:deadlines"
notifier_order = one_per("notifier:order")  # by sender
notifier_sent = one_per("notifier:sent")  # by job id


def notifier_job_id(event_id: int | str, sender: str) -> str:
    """A delivery job's id: one LAPOR event for one follower (a field of NOTIFIER_JOBS and NOTIFIER_DEAD, an
    entry of `notifier_order`, the tail of `notifier_sent`)."""
    return f"{event_id}:{sender}"


def notifier_job_sender(job_id: str) -> str:
    """The follower a job's id names (an event id has no colon; a sender has one)."""
    return job_id.split(":", 1)[1]


ACTIVITY = f"{APP}:activity"
activity_active = one_per("activity:active")  # by pseudonym
dashboard = one_per("dashboard")  # the prefix of the dashboard's own keys (bot/dashboard/keys.py), by name
