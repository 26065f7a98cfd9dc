"""The seeded scenario through the real dashboard process: figures on the page and in the CSVs equal an
independent computation from the sandbox's stored reports; roles and sessions hold over HTTP."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from typing import Optional

import aiohttp
import pytest
import redis.asyncio as aioredis

from common import keys as common_keys
from tests.support.dashboard import PASSWORD, PERIOD_QUERY, REPORTS, in_period, independent

MONEV_FIELDS = {  # CSV column -> the independent computation's name
    "Laporan": "reports",
    "Diterima": "received",
    "Ditindaklanjuti": "followed_up",
    "% ditindaklanjuti": "followed_up_pct",
    "Selesai": "completed",
    "% selesai": "completed_pct",
    "Verifikasi ≤ 3 HK": "verified_on_time",
    "Verifikasi dinilai": "verified_judged",
    "% verifikasi ≤ 3 HK": "verified_on_time_pct",
    "Tindak lanjut ≤ 5 HK": "followed_up_on_time",
    "Tindak lanjut dinilai": "followed_up_judged",
    "% tindak lanjut ≤ 5 HK": "followed_up_on_time_pct",
    "Median HK verifikasi": "median_verify",
    "Median HK tindak lanjut": "median_follow_up",
    "Median HK selesai": "median_complete",
    "Terlambat": "overdue",
}


async def logged_in(url: str, username: str) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get(f"{url}/masuk") as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
    async with http.post(
        f"{url}/masuk", data={"csrf": csrf, "username": username, "password": PASSWORD}, allow_redirects=False
    ) as answer:
        assert answer.status == 303, await answer.text()
    return http


async def csv_rows(
    http: aiohttp.ClientSession, url: str, table: str, query: str = PERIOD_QUERY
) -> list[dict]:
    async with http.get(f"{url}/csv/{table}?{query}") as answer:
        assert answer.status == 200
        assert answer.content_type == "text/csv"
        return list(csv.DictReader(io.StringIO((await answer.read()).decode("utf-8-sig"))))


def number(cell: str) -> Optional[float]:
    return float(cell) if cell not in ("", None) else None


@pytest.fixture
async def koordinator(dashboard):
    http = await logged_in(dashboard.url, "kominfo")
    yield http
    await http.close()


async def test_the_scenario_is_big_enough(seeded):
    assert len(seeded.truths) == REPORTS >= 300
    assert len({t.agency_id for t in seeded.truths}) == 10
    assert {t.created.month for t in seeded.truths} == {10, 11}
    assert {t.status for t in seeded.truths} >= {
        "submitted",
        "forwarded",
        "followed_up",
        "completed",
        "archived",
    }


async def test_monev_csv_equals_the_independent_computation(dashboard, seeded, koordinator):
    expected = independent.by_agency(in_period(seeded.truths), seeded.now)
    rows = {row["ID instansi"]: row for row in await csv_rows(koordinator, dashboard.url, "monev")}
    total = rows.pop("")
    assert set(rows) == set(expected)
    for agency_id, figures in expected.items():
        for column, name in MONEV_FIELDS.items():
            assert number(rows[agency_id][column]) == figures[name], (agency_id, column)
        assert rows[agency_id]["Di bawah batas 50 %"] == ("ya" if figures["below_floor"] else "tidak")
    whole = independent.agency_figures(in_period(seeded.truths), seeded.now)
    assert {column: number(total[column]) for column in MONEV_FIELDS} == {
        column: whole[name] for column, name in MONEV_FIELDS.items()
    }
    assert any(f["below_floor"] for f in expected.values()) and not all(
        f["below_floor"] for f in expected.values()
    )


async def test_overdue_csv_equals_the_independent_list(dashboard, seeded, koordinator):
    expected = independent.overdue(in_period(seeded.truths), seeded.now)
    rows = await csv_rows(koordinator, dashboard.url, "overdue")
    assert expected, "the scenario must leave some reports overdue"
    assert {r["Nomor laporan"]: (r["Tahap"], int(r["Hari kerja lewat batas"])) for r in rows} == expected
    days = [int(r["Hari kerja lewat batas"]) for r in rows]
    assert days == sorted(days, reverse=True)


async def test_filters_narrow_every_figure(dashboard, seeded, koordinator):
    chosen = [
        t for t in in_period(seeded.truths) if t.channel == "whatsapp" and t.classification == "pengaduan"
    ]
    query = PERIOD_QUERY + "&kanal=whatsapp&klasifikasi=pengaduan"
    total = (await csv_rows(koordinator, dashboard.url, "monev", query))[-1]
    assert int(total["Laporan"]) == len(chosen) < REPORTS
    assert number(total["% selesai"]) == independent.agency_figures(chosen, seeded.now)["completed_pct"]
    region = [t for t in in_period(seeded.truths) if (t.region_code or "").startswith("32.04.")]
    total = (await csv_rows(koordinator, dashboard.url, "monev", PERIOD_QUERY + "&wilayah=32.04"))[-1]
    assert int(total["Laporan"]) == len(region) > 0
    november = [t for t in seeded.truths if t.created.astimezone(independent.WIB).month == 11]
    volume = await csv_rows(koordinator, dashboard.url, "volume", "dari=2026-11-01&sampai=2026-11-30")
    assert len(volume) == 30 and sum(int(r["Laporan"]) for r in volume) == len(november)


async def test_ratings_and_funnel(dashboard, seeded, koordinator):
    scores = [t.score for t in in_period(seeded.truths) if t.score]
    rows = await csv_rows(koordinator, dashboard.url, "ratings")
    assert [int(r["Jumlah"]) for r in rows[:5]] == [scores.count(s) for s in range(1, 6)]
    assert number(rows[5]["Jumlah"]) == round(sum(scores) / len(scores), 2)
    comments = await csv_rows(koordinator, dashboard.url, "comments")
    assert comments and all(
        not c["Komentar"].startswith("=") for c in comments
    )  # no formula reaches a spreadsheet
    funnel = {r["Tahap"]: int(r["Percakapan"]) for r in await csv_rows(koordinator, dashboard.url, "funnel")}
    assert funnel["Percakapan dimulai"] == seeded.funnel["conversation_started"]
    assert funnel["Langkah: Judul"] == seeded.funnel["step:judul"]
    assert funnel["Terkirim ke LAPOR!"] == seeded.funnel["filed"] == REPORTS
    assert funnel["Percakapan dimulai"] > funnel["Langkah: Lokasi"] > 0


class _Cells(HTMLParser):
    """The cells of one table of the page, by its data-table name."""

    def __init__(self, table: str) -> None:
        super().__init__()
        self.table, self.inside, self.rows, self.cell = table, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.inside = attrs.get("data-table") == self.table
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page_table(html: str, table: str) -> list[list[str]]:
    parser = _Cells(table)
    parser.feed(html)
    return [row for row in parser.rows if row]


async def test_page_shows_the_csv_figures(dashboard, seeded, koordinator):
    async with koordinator.get(f"{dashboard.url}/?{PERIOD_QUERY}") as answer:
        html = await answer.text()
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
    expected = independent.by_agency(in_period(seeded.truths), seeded.now)
    for row in page_table(html, "monev")[:-1]:
        figures = expected[row[0]]
        shown = row[7].replace(" %", "").replace(",", ".")
        assert (float(shown) if shown != "–" else None) == figures["completed_pct"]
        assert int(row[2]) == figures["reports"]
    overdue = page_table(html, "overdue")
    assert len(overdue) == len(independent.overdue(in_period(seeded.truths), seeded.now))


async def test_penghubung_sees_only_its_agency(dashboard, seeded):
    http = await logged_in(dashboard.url, "pupr")
    try:
        rows = await csv_rows(http, dashboard.url, "monev")
        assert {r["ID instansi"] for r in rows} == {"dpupr-kota-bandung", ""}
        async with http.get(
            f"{dashboard.url}/csv/monev?{PERIOD_QUERY}&instansi=dinsos-kota-bandung"
        ) as answer:
            assert answer.status == 403
        other = next(t for t in seeded.truths if t.agency_id != "dpupr-kota-bandung")
        async with http.get(f"{dashboard.url}/laporan/{other.tracking_id}") as answer:
            assert answer.status == 403
        async with http.get(f"{dashboard.url}/audit") as answer:
            assert answer.status == 403
        async with http.get(f"{dashboard.url}/csv/funnel?{PERIOD_QUERY}") as answer:
            assert answer.status == 404  # the Pemda-wide conversation figures are not a penghubung's
        own_secret = next(t for t in seeded.truths if t.agency_id == "dpupr-kota-bandung" and t.confidential)
        async with http.get(f"{dashboard.url}/laporan/{own_secret.tracking_id}") as answer:
            assert own_secret.title in await answer.text()
    finally:
        await http.close()


async def test_confidential_text_hidden_from_the_koordinator_and_views_audited(
    dashboard, seeded, koordinator
):
    secret = next(t for t in seeded.truths if t.confidential)
    phone = "6281234509876"
    client = aioredis.from_url(seeded.redis_url)  # the assistant's follower record of the report
    await client.sadd(common_keys.report_followers(secret.tracking_id), f"whatsapp:{phone}")
    await client.close()
    async with koordinator.get(f"{dashboard.url}/laporan/{secret.tracking_id}") as answer:
        html = await answer.text()
    assert answer.status == 200
    assert secret.title not in html and "(rahasia)" in html
    assert phone not in html and "WhatsApp 0812****9876" in html
    async with koordinator.get(f"{dashboard.url}/audit") as answer:
        audit = await answer.text()
    assert f"<td>kominfo</td><td>{secret.tracking_id}</td>" in audit
    overdue = await csv_rows(koordinator, dashboard.url, "overdue")
    hidden = {t.tracking_id for t in seeded.truths if t.confidential}
    assert all(r["Judul"] == "(rahasia)" for r in overdue if r["Nomor laporan"] in hidden)


async def test_unauthenticated_requests_are_refused(dashboard):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{dashboard.url}/?{PERIOD_QUERY}", allow_redirects=False) as answer:
            assert answer.status == 303 and answer.headers["Location"] == "/masuk"
        async with http.get(f"{dashboard.url}/csv/monev?{PERIOD_QUERY}") as answer:
            assert answer.status == 401
        async with http.get(f"{dashboard.url}/laporan/1234567", allow_redirects=False) as answer:
            assert answer.status == 303


async def test_logout_needs_the_csrf_token_and_ends_the_session(dashboard, koordinator):
    async with koordinator.post(f"{dashboard.url}/keluar", data={"csrf": "forged"}) as answer:
        assert answer.status == 403
    async with koordinator.get(f"{dashboard.url}/", allow_redirects=False) as answer:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await answer.text()).group(1)
    async with koordinator.post(
        f"{dashboard.url}/keluar", data={"csrf": csrf}, allow_redirects=False
    ) as answer:
        assert answer.status == 303
    async with koordinator.get(f"{dashboard.url}/csv/monev") as answer:
        assert answer.status == 401


async def test_projection_holds_every_report_as_the_sandbox_stores_it(dashboard, seeded):
    client = aioredis.from_url(seeded.redis_url)
    try:
        stored = {}
        for truth in seeded.truths:
            fields = await client.hgetall(f"app:dashboard:report:{truth.tracking_id}")
            stored[truth.tracking_id] = {k.decode(): json.loads(v) for k, v in fields.items()}
    finally:
        await client.close()
    differences = [
        (
            t.tracking_id,
            s.get("assist"),
            (t.channel, t.region_code, t.confidential),
            s.get("lapor", {}).get("status"),
            t.status,
        )
        for t, s in ((t, stored[t.tracking_id]) for t in seeded.truths)
        if (s.get("assist") or {}).get("channel") != t.channel
        or s["assist"].get("region_code") != t.region_code
        or s["assist"].get("confidential") != t.confidential
        or s.get("lapor", {}).get("status") != t.status
    ]
    assert differences == []
