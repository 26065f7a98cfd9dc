"""Every Redis key the dashboard owns (prefix `app:dashboard:`), with its format and lifetime.

The projection (rebuilt by `python -m bot.dashboard backfill`; only the dashboard writes it):
- `app:dashboard:report:<tracking_id>` hash, kept while the report is in the projection (>= 13 months):
  `lapor` = JSON of the report as LAPOR's API shows it (bot.dashboard.projection.lapor_record),
  `assist` = JSON of what the assistant recorded about it (channel, region, confidentiality, rating).
- `app:dashboard:reports` sorted set: tracking_id -> filing time (epoch s); the projection's index.
- `app:dashboard:cursor` string: LAPOR events feed cursor of the dashboard (the notifier has its own).
- `app:dashboard:activity_cursor` string: id of the last `app:activity` entry counted.
- `app:dashboard:version` integer, incremented at every change, so a page knows its cached copy is stale.
- `app:dashboard:reference` hash: `agencies`, `categories` = JSON lists from LAPOR's API.
- `app:dashboard:funnel:<YYYY-MM-DD>:<channel>:<stage>` set of the conversation pseudonyms that reached
  a stage that day (conversation_started, filing_started, step:<slot>, confirmed, filed); kept 400 days.
- `app:dashboard:union:<random>` a period's union of funnel sets while it is counted; expires after 60 s.
- `app:dashboard:daily:<YYYY-MM-DD>` hash `<kind>|<channel>[|<reason>]` -> count; expires after 400 days.
- `app:dashboard:clarification:open` hash `<tracking_id>:<event_id>` -> epoch s the question reached the
  citizen; an entry leaves when it is answered.
- `app:dashboard:clarification:answer_seconds:<YYYY-MM-DD>` list of seconds to answer; expires after 400 days.
- `app:dashboard:outbox_since` hash outbox key -> epoch s it was queued; the entry leaves once it is filed.
- `app:dashboard:sync_lock` string with a 60 s expiry: one syncing dashboard process at a time.

Access (never touched by the backfill):
- `app:dashboard:user:<username>` hash `password_hash` (argon2), `role` (koordinator|penghubung),
  `agency_id`, `disabled` ("1"/"0"), `created_at`; kept until deleted by hand.
- `app:dashboard:user_sessions:<username>` set of session key hashes, so disabling ends every session.
- `app:dashboard:session:<sha256 of the cookie>` hash `username` (empty before login), `csrf`; expires
  SESSION_SECONDS after it was made.
- `app:dashboard:login_failures:<username>` integer; expires LOCKOUT_SECONDS after the first failure.
- `app:dashboard:audit` stream of report-detail views: `username`, `tracking_id` (who, which, when —
  never what was shown); trimmed to 400 days.
"""

from __future__ import annotations

from common import keys

PREFIX = keys.dashboard("")  # the dashboard's share of common/keys.py's map
HISTORY_DAYS = 400
HISTORY_SECONDS = HISTORY_DAYS * 86400

REPORTS = PREFIX + "reports"
CURSOR = PREFIX + "cursor"
ACTIVITY_CURSOR = PREFIX + "activity_cursor"
VERSION = PREFIX + "version"
REFERENCE = PREFIX + "reference"
CLARIFICATION_OPEN = PREFIX + "clarification:open"
OUTBOX_SINCE = PREFIX + "outbox_since"
SYNC_LOCK = PREFIX + "sync_lock"
AUDIT = PREFIX + "audit"


report = keys.one_per("dashboard:report")  # by tracking id


def funnel(day: str, channel: str, stage: str) -> str:
    return f"{PREFIX}funnel:{day}:{channel}:{stage}"


union = keys.one_per("dashboard:union")  # by a random token
daily = keys.one_per("dashboard:daily")  # by day
answer_seconds = keys.one_per("dashboard:clarification:answer_seconds")  # by day
user = keys.one_per("dashboard:user")  # by username
user_sessions = keys.one_per("dashboard:user_sessions")  # by username
session = keys.one_per("dashboard:session")  # by the cookie's hash
login_failures = keys.one_per("dashboard:login_failures")  # by username


# What a backfill clears: the projection, never the accounts, sessions or audit log.
PROJECTION_PATTERNS = (
    PREFIX + "report:*",
    PREFIX + "funnel:*",
    PREFIX + "daily:*",
    PREFIX + "clarification:*",
    REPORTS,
    CURSOR,
    ACTIVITY_CURSOR,
    REFERENCE,
    OUTBOX_SINCE,
)
