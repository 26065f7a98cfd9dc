"""A seeded monev scenario: reports over 10 agencies and two months, moved through the lifecycle with delays.

`plan()` decides, from a fixed seed, each report's channel, region, agency, privacy and the moments of its
steps (in working hours, some agencies slower than others, some steps still to come); `play()` carries the
plan out against the real sandbox over HTTP — the assistant's side through LaporClient and
common.activity, the LAPOR admin's and the agency's side through the sandbox's admin calls with `at`.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

import lokal
import redis.asyncio as aioredis

from common import activity
from lapor_client import LaporClient, SandboxAdmin
from lapor_client.models import Location, NewReport, Reporter

WIB = timezone(timedelta(hours=7), "WIB")  # kept apart from bot.dashboard: the scenario does not lean on it

AGENCIES = [  # (id, how likely the agency answers, how likely it completes once it answered)
    ("dpupr-kota-bandung", 0.97, 0.9),
    ("dinkes-kota-bandung", 0.95, 0.85),
    ("disdik-kota-bandung", 0.9, 0.8),
    ("disdukcapil-kota-bandung", 0.98, 0.95),
    ("dinsos-kota-bandung", 0.8, 0.6),
    ("dlh-kota-bandung", 0.85, 0.7),
    ("satpol-pp-kota-bandung", 0.6, 0.4),
    ("pem-kota-bandung", 0.9, 0.75),
    ("pem-kabupaten-bandung", 0.7, 0.5),
    ("dpupr-kabupaten-bandung", 0.5, 0.3),
]
REGIONS = ["32.73.01", "32.73.02", "32.73.03", "32.73.05", "32.73.30", "32.04.05", "32.04.06"]
CATEGORIES = [
    "jalan-rusak",
    "drainase-banjir",
    "sampah",
    "puskesmas-rumah-sakit",
    "ppdb",
    "ktp-el",
    "pkh",
    "parkir-liar",
    "pedagang-kaki-lima",
    None,
]
CHANNELS = [("whatsapp", 0.6), ("telegram", 0.35), ("console", 0.05)]
CLASSIFICATIONS = [("pengaduan", 0.75), ("aspirasi", 0.15), ("permintaan_informasi", 0.1)]


@dataclass
class Step:
    kind: str  # verified | forwarded | clarification | follow_up | completed | archived
    at: datetime


@dataclass
class Planned:
    number: int
    classification: str
    channel: str
    region_code: str
    agency_id: str
    category_id: Optional[str]
    confidential: bool
    created_at: datetime
    steps: list[Step] = field(default_factory=list)
    rating: Optional[tuple[int, Optional[str]]] = None
    tracking_id: Optional[str] = None


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _is_working_day(day: date) -> bool:
    try:
        return lokal.is_working_day(day)
    except ValueError:
        return day.weekday() < 5


def _after_working_days(moment: datetime, days: int, rng: random.Random) -> datetime:
    """A moment in office hours `days` working days after `moment`'s day (the same day for 0, later in it)."""
    day = moment.date()
    for _ in range(days):
        day += timedelta(days=1)
        while not _is_working_day(day):
            day += timedelta(days=1)
    earliest = moment + timedelta(minutes=5) if day == moment.date() else datetime.combine(day, time(8), WIB)
    latest = datetime.combine(day, time(16, 30), WIB)
    if earliest >= latest:
        return earliest
    return earliest + timedelta(seconds=rng.randrange(int((latest - earliest).total_seconds())))


def plan(count: int, start: date, end: date, now: datetime, seed: int = 17) -> list[Planned]:
    rng = random.Random(seed)
    work_days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    planned = []
    for number in range(count):
        day = rng.choice(work_days)
        created = datetime.combine(day, time(rng.randrange(6, 22), rng.randrange(60)), WIB)
        agency_id, answers, completes = AGENCIES[number % len(AGENCIES)]
        report = Planned(
            number,
            _pick(rng, CLASSIFICATIONS),
            _pick(rng, CHANNELS),
            rng.choice(REGIONS),
            agency_id,
            rng.choice(CATEGORIES),
            rng.random() < 0.15,
            created,
        )
        steps, moment = [], created
        if rng.random() < 0.03:
            steps.append(Step("archived", _after_working_days(moment, rng.randrange(0, 3), rng)))
        elif rng.random() < 0.96:
            moment = _after_working_days(moment, rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 6]), rng)
            steps.append(Step("verified", moment))
            moment = _after_working_days(moment, rng.choice([0, 0, 1]), rng)
            steps.append(Step("forwarded", moment))
            if rng.random() < 0.2:
                moment = _after_working_days(moment, rng.randrange(0, 3), rng)
                steps.append(Step("clarification", moment))
            if rng.random() < answers:
                moment = _after_working_days(moment, rng.choice([1, 2, 3, 4, 5, 5, 6, 8]), rng)
                steps.append(Step("follow_up", moment))
                if rng.random() < completes:
                    moment = _after_working_days(moment, rng.choice([1, 3, 5, 10]), rng)
                    steps.append(Step("completed", moment))
                    if rng.random() < 0.4:
                        report.rating = (
                            rng.choice([2, 3, 4, 4, 5, 5]),
                            rng.choice(
                                [
                                    None,
                                    "Terima kasih, cepat ditangani.",
                                    "Lumayan.",
                                    "=Perlu lebih cepat lagi",
                                ]
                            ),
                        )
        report.steps = [s for s in steps if s.at <= now]  # what lies in the future has not happened yet
        if report.rating and (not report.steps or report.steps[-1].kind != "completed"):
            report.rating = None
        planned.append(report)
    return planned


async def _play_one(report: Planned, lapor: LaporClient, admin: SandboxAdmin, redis: aioredis.Redis) -> None:
    created = await lapor.create_report(
        NewReport(
            classification=report.classification,
            title=f"Laporan uji {report.number}",
            body=f"Isi laporan uji nomor {report.number}.",
            incident_date=report.created_at.date(),
            location=Location(address="Jl. Uji", region_code=report.region_code),
            category_id=report.category_id,
            agency_id=report.agency_id,
            confidential=report.confidential,
            reporter=Reporter(
                name="Warga Uji",
                phone="081234567890",
                channel=report.channel,
                channel_user_id=f"62812000{report.number:05d}",
            ),
        ),
        idempotency_key=str(uuid.uuid4()),
    )
    tracking_id = report.tracking_id = created.tracking_id
    await admin.backdate(tracking_id, report.created_at)
    for step in report.steps:
        if step.kind == "clarification":
            await admin.clarification(tracking_id, "Mohon kirim foto lokasi.", at=step.at)
        elif step.kind == "follow_up":
            await admin.follow_up(tracking_id, "Petugas sudah ke lokasi.", at=step.at)
        else:
            await admin.transition(
                tracking_id,
                step.kind,
                agency_id=report.agency_id if step.kind == "forwarded" else None,
                at=step.at,
            )
    if report.rating:
        await lapor.rate(tracking_id, *report.rating)
    await record_activity(redis, report, tracking_id, f"u_scenario{report.number}")


async def record_activity(
    redis: aioredis.Redis, report: Planned, tracking_id: str, conversation: str
) -> None:
    """What the assistant records of a planned report once LAPOR has it: its filing, and its rating."""
    await activity.record(
        redis,
        "report_filed",
        tracking_id=tracking_id,
        channel=report.channel,
        classification=report.classification,
        category_id=report.category_id,
        agency_id=report.agency_id,
        region_code=report.region_code,
        confidential=report.confidential,
        conversation=conversation,
        at=report.created_at,
    )
    if report.rating:
        await activity.record(
            redis,
            "report_rated",
            tracking_id=tracking_id,
            score=report.rating[0],
            comment=report.rating[1],
            channel=report.channel,
            at=report.steps[-1].at,
        )


async def play(
    planned: list[Planned], lapor: LaporClient, admin: SandboxAdmin, redis: aioredis.Redis, parallel: int = 6
) -> None:
    queue = list(planned)

    async def worker() -> None:
        while queue:
            await _play_one(queue.pop(), lapor, admin, redis)

    recorded_before = await redis.xlen(activity.STREAM)
    await asyncio.gather(*(worker() for _ in range(parallel)))
    # record() is best effort (it swallows Redis errors): a seeded scenario must have lost nothing.
    expected = len(planned) + sum(1 for report in planned if report.rating)
    assert await redis.xlen(activity.STREAM) - recorded_before == expected


async def record_conversations(
    redis: aioredis.Redis, planned: list[Planned], abandoned: int
) -> dict[str, int]:
    """The assistant's side of the funnel: every planned report's conversation ran to the end, `abandoned`
    more stopped part way (one at each step in turn); returns how many distinct conversations reached each
    stage."""
    steps = ["isi", "judul", "tanggal_kejadian", "lokasi"]
    reached = {"conversation_started": 0, "filing_started": 0, **{f"step:{s}": 0 for s in steps}, "filed": 0}
    for report in planned:
        await _conversation(redis, f"u_scenario{report.number}", report.channel, report.created_at, steps)
        for stage in ("conversation_started", "filing_started", *(f"step:{s}" for s in steps)):
            reached[stage] += 1
        reached["filed"] += 1
    for n in range(abandoned):
        at = planned[n % len(planned)].created_at
        asked = steps[: n % (len(steps) + 1)]
        await _conversation(redis, f"u_gaveup{n}", "telegram", at, asked)
        reached["conversation_started"] += 1
        reached["filing_started"] += 1
        for step in asked:
            reached[f"step:{step}"] += 1
    return reached


async def _conversation(
    redis: aioredis.Redis, who: str, channel: str, at: datetime, steps: list[str]
) -> None:
    await activity.record(redis, "conversation_started", conversation=who, channel=channel, at=at)
    await activity.record(redis, "filing_started", conversation=who, channel=channel, at=at)
    for step in steps:
        await activity.record(redis, "step_asked", step=step, conversation=who, channel=channel, at=at)
