"""News about several reports at once, to a WhatsApp citizen outside the 24-hour window: every report is
named in its own template (at most a burst's three), through the fake Graph API."""

from __future__ import annotations

import json
import time

import aiohttp

from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.outbound import ServiceWindow, Template, WhatsAppOutbound, headlines
from bot.notifier.burst import MAX_MESSAGES, compose
from common import keys
from common.messages import BotMessage as Reply
from tests.support.gateway import whatsapp_settings

WA_ID = "6281200000009"


def news(tracking_id: str, status: str = "diverifikasi") -> list[Reply]:
    return [Reply(text=f"✅ Laporan #{tracking_id} sudah {status}.")]


def template_parameters(sent: list[dict]) -> list[tuple[str, str]]:
    return [
        tuple(p["text"] for p in m["template"]["components"][0]["parameters"])
        for m in sent
        if m["type"] == "template"
    ]


async def notified(fake_graph, redis_async, messages: list[Reply], tracking_id: str, window_open: bool):
    async with aiohttp.ClientSession() as http:
        window = ServiceWindow(redis_async)
        if window_open:
            await window.opened(WA_ID, time.time())
        outbound = WhatsAppOutbound(
            GraphClient(http, whatsapp_settings(fake_graph)), window, "status_laporan"
        )
        await outbound.notify(WA_ID, messages, tracking_id)
    return fake_graph.to(WA_ID)


async def test_outside_the_window_each_report_of_a_burst_gets_its_own_template(fake_graph, redis_async):
    burst = compose([news("1916449"), news("2034511", "diteruskan ke Dinas PU")])
    sent = await notified(fake_graph, redis_async, burst, "1916449", window_open=False)
    assert template_parameters(sent) == [
        ("1916449", "✅ Laporan #1916449 sudah diverifikasi."),
        ("2034511", "✅ Laporan #2034511 sudah diteruskan ke Dinas PU."),
    ]


async def test_more_reports_than_a_burst_allows_are_named_together_in_the_last_template(
    fake_graph, redis_async
):
    numbers = ["1916449", "2034511", "1954211", "1873320"]
    sent = await notified(fake_graph, redis_async, compose([news(n) for n in numbers]), numbers[0], False)
    parameters = template_parameters(sent)
    assert len(sent) == len(parameters) == MAX_MESSAGES
    assert [number for number, _ in parameters] == ["1916449", "2034511", "1954211, 1873320"]
    assert parameters[-1][1] == "Ada kabar baru untuk 2 laporan Anda."


async def test_inside_the_window_the_burst_goes_as_it_is(fake_graph, redis_async):
    burst = compose([news("1916449"), news("2034511")])
    sent = await notified(fake_graph, redis_async, burst, "1916449", window_open=True)
    assert [m["type"] for m in sent] == ["text"]


async def test_a_notice_stored_before_the_upgrade_is_still_resent(fake_graph, redis_async):
    old_template = Template("status_laporan", parameters=("1916449", "Laporan Anda diverifikasi.")).message()
    await redis_async.set(
        keys.whatsapp_notice("wamid.old"), json.dumps({"user_id": WA_ID, "template": old_template})
    )
    async with aiohttp.ClientSession() as http:
        outbound = WhatsAppOutbound(
            GraphClient(http, whatsapp_settings(fake_graph)), ServiceWindow(redis_async), "status_laporan"
        )
        assert await outbound.resend_as_template("wamid.old")
    assert template_parameters(fake_graph.to(WA_ID)) == [("1916449", "Laporan Anda diverifikasi.")]


def test_an_agency_s_quoted_words_name_no_report():
    quoted = Reply(
        text='💬 Tindak lanjut dari Dinas PU untuk laporan #1916449:\n"Lihat juga laporan #2034511"'
    )
    assert list(headlines("1916449", [quoted])) == ["1916449"]
