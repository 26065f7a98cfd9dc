"""The monev figures of a set of reports: pure functions of the projection's records, "today" and the filters.

Definitions (docs/dashboard.md repeats them for the admins):
- a report is *received* by an agency once forwarded to it (didisposisikan), unless archived since;
- *followed up* (ditindaklanjuti): received and answered by the agency since its last forwarding (a follow-up,
  or completion straight away); *completed* (selesai): received and completed. Monev floor: 50 % completed;
- *verified within 3 working days*: verified at most 3 working days after filing; a report still unverified
  more than 3 working days after filing counts as late; archived-before-verification ones do not count;
- *followed up within 5 working days*: the same, from the last forwarding to the agency's answer;
- *overdue*: unverified or not forwarded more than 3 working days after filing, or forwarded and unanswered
  more than 5 working days after the forwarding; the working days past that are shown;
- medians in working days (common.workdays): filing → verification, forwarding → follow-up,
  filing → completion.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Optional

from common.workdays import WIB, local_day, working_days_between

VERIFY_WORKING_DAYS = 3
FOLLOW_UP_WORKING_DAYS = 5
COMPLETION_FLOOR_PCT = 50.0
CLASSIFICATIONS = {
    "pengaduan": "Pengaduan",
    "aspirasi": "Aspirasi",
    "permintaan_informasi": "Permintaan informasi",
}
CHANNELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "Konsol", "-": "(tidak diketahui)"}
STATUSES = {
    "submitted": "Belum terverifikasi",
    "verified": "Terverifikasi",
    "forwarded": "Didisposisikan",
    "followed_up": "Ditindaklanjuti",
    "completed": "Selesai",
    "archived": "Diarsipkan",
}


def _moment(value: Optional[float]) -> Optional[datetime]:
    return datetime.fromtimestamp(value, WIB) if value is not None else None


@dataclass(frozen=True)
class Report:
    tracking_id: str
    status: str
    classification: str
    title: str
    category_id: Optional[str]
    agency_id: Optional[str]
    created_at: datetime
    verified_at: Optional[datetime] = None
    forwarded_at: Optional[datetime] = None
    followed_up_at: Optional[datetime] = None
    completed_at: Optional[datetime] = None
    archived_at: Optional[datetime] = None
    clarifications: int = 0
    channel: str = "-"
    region_code: Optional[str] = None
    confidential: bool = False
    rating_score: Optional[int] = None
    rating_comment: Optional[str] = None
    rated_at: Optional[datetime] = None

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> "Report":
        """From the projection's hash fields `lapor`, `assist` and `rating` (bot.dashboard.keys)."""
        lapor, assist, rating = stored["lapor"], stored.get("assist") or {}, stored.get("rating") or {}
        return cls(
            tracking_id=lapor["tracking_id"],
            status=lapor["status"],
            classification=lapor["classification"],
            title=lapor["title"],
            category_id=lapor["category_id"],
            agency_id=lapor["agency_id"],
            created_at=_moment(lapor["created_at"]),
            verified_at=_moment(lapor["verified_at"]),
            forwarded_at=_moment(lapor["forwarded_at"]),
            followed_up_at=_moment(lapor["followed_up_at"]),
            completed_at=_moment(lapor["completed_at"]),
            archived_at=_moment(lapor["archived_at"]),
            clarifications=lapor["clarifications"],
            channel=assist.get("channel") or "-",
            region_code=assist.get("region_code"),
            confidential=bool(assist.get("confidential")),
            rating_score=rating.get("score"),
            rating_comment=rating.get("comment"),
            rated_at=_moment(rating.get("at")),
        )

    @property
    def received(self) -> bool:
        return self.forwarded_at is not None and self.status != "archived"

    @property
    def followed_up(self) -> bool:
        return self.received and self.followed_up_at is not None

    @property
    def completed(self) -> bool:
        return self.received and self.status == "completed"


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive; reports are selected by the day they were filed (Asia/Jakarta)
    agency_id: Optional[str] = None
    region_code: Optional[str] = None
    channel: Optional[str] = None
    classification: Optional[str] = None

    def admits(self, report: Report) -> bool:
        return (
            self.start <= local_day(report.created_at) <= self.end
            and (self.agency_id is None or report.agency_id == self.agency_id)
            and (
                self.region_code is None  # a region holds its sub-regions: 32.73 holds 32.73.01
                or ((report.region_code or "") + ".").startswith(self.region_code + ".")
            )
            and (self.channel is None or report.channel == self.channel)
            and (self.classification is None or report.classification == self.classification)
        )


def select(reports: Iterable[Report], filters: Filters) -> list[Report]:
    return [r for r in reports if filters.admits(r)]


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def pct(self) -> Optional[float]:
        return round(100 * self.part / self.whole, 1) if self.whole else None


def verified_on_time(report: Report, now: datetime) -> Optional[bool]:
    """Whether verification took at most 3 working days; None while it is not due yet or does not apply."""
    if report.verified_at is not None:
        return working_days_between(report.created_at, report.verified_at) <= VERIFY_WORKING_DAYS
    if report.status == "submitted" and working_days_between(report.created_at, now) > VERIFY_WORKING_DAYS:
        return False
    return None


def followed_up_on_time(report: Report, now: datetime) -> Optional[bool]:
    if report.forwarded_at is None or report.status == "archived":
        return None
    if report.followed_up_at is not None:
        return working_days_between(report.forwarded_at, report.followed_up_at) <= FOLLOW_UP_WORKING_DAYS
    if working_days_between(report.forwarded_at, now) > FOLLOW_UP_WORKING_DAYS:
        return False
    return None


def _on_time_share(
    reports: list[Report], judge: Callable[[Report, datetime], Optional[bool]], now: datetime
) -> Share:
    verdicts = [v for v in (judge(r, now) for r in reports) if v is not None]
    return Share(sum(verdicts), len(verdicts))


def _median(values: list[int]) -> Optional[float]:
    return round(float(statistics.median(values)), 1) if values else None


@dataclass(frozen=True)
class Overdue:
    report: Report
    stage: str  # "verifikasi" or "tindak lanjut"
    working_days_past_due: int


def overdue(report: Report, now: datetime) -> Optional[Overdue]:
    if report.status in ("submitted", "verified"):
        late = working_days_between(report.created_at, now) - VERIFY_WORKING_DAYS
        return Overdue(report, "verifikasi", late) if late > 0 else None
    if report.status == "forwarded":
        late = working_days_between(report.forwarded_at, now) - FOLLOW_UP_WORKING_DAYS
        return Overdue(report, "tindak lanjut", late) if late > 0 else None
    return None


def overdue_list(reports: list[Report], now: datetime) -> list[Overdue]:
    found = [o for o in (overdue(r, now) for r in reports) if o is not None]
    return sorted(found, key=lambda o: (-o.working_days_past_due, o.report.tracking_id))


@dataclass(frozen=True)
class AgencyFigures:
    agency_id: Optional[str]
    reports: int
    received: int
    followed_up: Share
    completed: Share
    verified_on_time: Share
    followed_up_on_time: Share
    median_verify: Optional[float]
    median_follow_up: Optional[float]
    median_complete: Optional[float]
    overdue: int

    @property
    def below_floor(self) -> bool:
        return self.completed.pct is not None and self.completed.pct < COMPLETION_FLOOR_PCT


def agency_figures(agency_id: Optional[str], reports: list[Report], now: datetime) -> AgencyFigures:
    received = [r for r in reports if r.received]
    return AgencyFigures(
        agency_id=agency_id,
        reports=len(reports),
        received=len(received),
        followed_up=Share(sum(r.followed_up for r in received), len(received)),
        completed=Share(sum(r.completed for r in received), len(received)),
        verified_on_time=_on_time_share(reports, verified_on_time, now),
        followed_up_on_time=_on_time_share(reports, followed_up_on_time, now),
        median_verify=_median(
            [working_days_between(r.created_at, r.verified_at) for r in reports if r.verified_at]
        ),
        median_follow_up=_median(
            [working_days_between(r.forwarded_at, r.followed_up_at) for r in received if r.followed_up_at]
        ),
        median_complete=_median(
            [working_days_between(r.created_at, r.completed_at) for r in received if r.completed_at]
        ),
        overdue=sum(overdue(r, now) is not None for r in reports),
    )


def by_agency(reports: list[Report], now: datetime) -> list[AgencyFigures]:
    """One row per agency, ranked as the monev ranks: by share completed, then by share followed up."""
    groups: dict[Optional[str], list[Report]] = {}
    for report in reports:
        groups.setdefault(report.agency_id, []).append(report)
    rows = [agency_figures(agency_id, group, now) for agency_id, group in groups.items()]
    return sorted(
        rows, key=lambda a: (-(a.completed.pct or -1), -(a.followed_up.pct or -1), a.agency_id or "")
    )


def volume(reports: list[Report], filters: Filters, weekly: bool) -> list[tuple[date, int]]:
    """Reports filed per day (or per week, by its Monday) over the whole period, zeros included."""

    def bucket(day: date) -> date:
        return day - timedelta(days=day.weekday()) if weekly else day

    counts = Counter(bucket(local_day(r.created_at)) for r in reports)
    step = timedelta(days=7 if weekly else 1)
    day, rows = bucket(filters.start), []
    while day <= filters.end:
        rows.append((day, counts.get(day, 0)))
        day += step
    return rows


def breakdown(
    reports: list[Report], dimension: Callable[[Report], Optional[str]]
) -> list[tuple[Optional[str], int]]:
    return sorted(Counter(dimension(r) for r in reports).items(), key=lambda kv: (-kv[1], kv[0] or ""))


def status_funnel(reports: list[Report]) -> list[tuple[str, int]]:
    """How many reports reached each step of the lifecycle."""
    return [
        ("Diajukan", len(reports)),
        ("Diverifikasi", sum(r.verified_at is not None for r in reports)),
        ("Didisposisikan", sum(r.forwarded_at is not None for r in reports)),
        ("Ditindaklanjuti", sum(r.followed_up_at is not None for r in reports)),
        ("Selesai", sum(r.status == "completed" for r in reports)),
        ("Diarsipkan", sum(r.status == "archived" for r in reports)),
    ]


@dataclass(frozen=True)
class Ratings:
    count: int
    average: Optional[float]
    distribution: list[tuple[int, int]]
    recent: list[Report] = field(default_factory=list)


def ratings(reports: list[Report], recent: int = 10) -> Ratings:
    rated = [r for r in reports if r.rating_score is not None]
    scores = Counter(r.rating_score for r in rated)
    commented = sorted(
        (r for r in rated if r.rating_comment), key=lambda r: r.rated_at or r.created_at, reverse=True
    )
    return Ratings(
        count=len(rated),
        average=round(statistics.mean(r.rating_score for r in rated), 2) if rated else None,
        distribution=[(score, scores.get(score, 0)) for score in range(1, 6)],
        recent=commented[:recent],
    )
