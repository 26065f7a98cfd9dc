"""The monev figures computed again, apart from bot.dashboard, from what the sandbox stores.

Each report is read from `GET /sandbox/reports/{id}` (agency, channel, region, privacy, status, rating) and
its
timeline from `GET /api/v1/reports/{id}`; working days come straight from lokal. The definitions are those
of docs/dashboard.md, written out again here on purpose.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import lokal

WIB = timezone(timedelta(hours=7))


def working_days(start: datetime, end: datetime) -> int:
    first, last = start.astimezone(WIB).date() + timedelta(days=1), end.astimezone(WIB).date()
    return lokal.count_working_days(first, last) if first <= last else 0


@dataclass
class Truth:
    tracking_id: str
    status: str
    agency_id: Optional[str]
    channel: Optional[str]
    region_code: Optional[str]
    classification: str
    confidential: bool
    title: str
    created: datetime
    verified: Optional[datetime]
    forwarded: Optional[datetime]
    answered: Optional[datetime]
    completed: Optional[datetime]
    score: Optional[int]


def truth(stored: dict[str, Any], public: dict[str, Any]) -> Truth:
    events = sorted(public["events"], key=lambda e: e["event_id"])
    at = {e["event_id"]: datetime.fromisoformat(e["at"]) for e in events}
    verified = next((at[e["event_id"]] for e in events if e["status"] == "verified"), None)
    forwarding = [e for e in events if e["status"] == "forwarded" and e["type"] == "status_changed"]
    forwarded = at[forwarding[-1]["event_id"]] if forwarding else None
    answered = None
    if forwarding:
        answered = next(
            (
                at[e["event_id"]]
                for e in events
                if e["event_id"] > forwarding[-1]["event_id"] and e["status"] in ("followed_up", "completed")
            ),
            None,
        )
    completed = next(
        (at[e["event_id"]] for e in events if e["type"] == "closed" and e["status"] == "completed"), None
    )
    return Truth(
        tracking_id=stored["tracking_id"],
        status=stored["status"],
        agency_id=stored["agency_id"],
        channel=(stored.get("reporter") or {}).get("channel"),
        region_code=(stored.get("location") or {}).get("region_code"),
        classification=stored["classification"],
        confidential=stored["confidential"],
        title=stored["title"],
        created=datetime.fromisoformat(stored["created_at"]),
        verified=verified,
        forwarded=forwarded,
        answered=answered,
        completed=completed,
        score=(stored.get("rating") or {}).get("score"),
    )


def pct(part: int, whole: int) -> Optional[float]:
    return round(100 * part / whole, 1) if whole else None


def median(values: list[int]) -> Optional[float]:
    return round(float(statistics.median(values)), 1) if values else None


def agency_figures(reports: list[Truth], now: datetime) -> dict[str, Any]:
    received = [r for r in reports if r.forwarded and r.status != "archived"]
    answered = [r for r in received if r.answered]
    completed = [r for r in received if r.status == "completed"]
    verify_verdicts = [working_days(r.created, r.verified) <= 3 for r in reports if r.verified] + [
        False for r in reports if r.status == "submitted" and working_days(r.created, now) > 3
    ]
    answer_verdicts = [working_days(r.forwarded, r.answered) <= 5 for r in received if r.answered] + [
        False for r in received if not r.answered and working_days(r.forwarded, now) > 5
    ]
    return {
        "reports": len(reports),
        "received": len(received),
        "followed_up": len(answered),
        "followed_up_pct": pct(len(answered), len(received)),
        "completed": len(completed),
        "completed_pct": pct(len(completed), len(received)),
        "below_floor": pct(len(completed), len(received)) is not None
        and pct(len(completed), len(received)) < 50,
        "verified_on_time": sum(verify_verdicts),
        "verified_judged": len(verify_verdicts),
        "verified_on_time_pct": pct(sum(verify_verdicts), len(verify_verdicts)),
        "followed_up_on_time": sum(answer_verdicts),
        "followed_up_judged": len(answer_verdicts),
        "followed_up_on_time_pct": pct(sum(answer_verdicts), len(answer_verdicts)),
        "median_verify": median([working_days(r.created, r.verified) for r in reports if r.verified]),
        "median_follow_up": median([working_days(r.forwarded, r.answered) for r in answered]),
        "median_complete": median([working_days(r.created, r.completed) for r in completed]),
        "overdue": len(overdue(reports, now)),
    }


def overdue(reports: list[Truth], now: datetime) -> dict[str, tuple[str, int]]:
    """tracking_id -> (stage, working days past the deadline)."""
    late = {}
    for r in reports:
        if r.status in ("submitted", "verified") and working_days(r.created, now) > 3:
            late[r.tracking_id] = ("verifikasi", working_days(r.created, now) - 3)
        elif r.status == "forwarded" and working_days(r.forwarded, now) > 5:
            late[r.tracking_id] = ("tindak lanjut", working_days(r.forwarded, now) - 5)
    return late


def by_agency(reports: list[Truth], now: datetime) -> dict[str, dict[str, Any]]:
    agencies = sorted({r.agency_id for r in reports})
    return {a: agency_figures([r for r in reports if r.agency_id == a], now) for a in agencies}
