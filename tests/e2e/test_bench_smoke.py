"""The benchmark keeps working: its maths and reports, the simulated citizen against a scripted
gateway, and a smoke run of a few conversations against the real stack. No timing assertions."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest
from aiohttp import web

from bench import run as bench_run
from bench.loadgen import GOALS, LoadStats, percentile, run_load
from bench.sampler import ResourceSampler
from tests.support import free_port


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 0) == 1 and percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summary_of_an_empty_run_has_no_latency():
    summary = LoadStats().summary()
    assert summary["turns"] == 0 and summary["turns_per_s"] == 0.0 and summary["latency_ms"] == {}


def test_sampler_sees_memory_and_cpu_of_a_process_tree():
    child = subprocess.Popen([sys.executable, "-c", "import time; x = bytearray(30 * 2**20); time.sleep(30)"])
    try:
        time.sleep(1.0)
        with ResourceSampler(lambda: [("me", os.getpid())], interval=0.05) as sampler:
            time.sleep(0.2)
        assert sampler.peak_rss_mb()["me"] > 30  # this process and the child's 30 MB
        assert sampler.cpu_seconds()["me"] > 0
    finally:
        child.kill()
        child.wait()


def test_table_gives_ratios_ours_over_stock():
    def variant(turns_per_s: float) -> dict:
        return {
            "load": {
                "turns_per_s": turns_per_s,
                "latency_ms": {"p50": 10.0, "p95": 20.0, "p99": 30.0},
                "conversations": {"completed": 4, "failed": 0, "unfinished": 0},
            },
            "paced": {
                "latency_ms": {"p50": 5.0, "p95": 8.0, "p99": 9.0},
                "conversations": {"completed": 4, "failed": 0, "unfinished": 0},
            },
            "idle": {"latency_ms": {"p50": 5.0}},
            "cold_start_s": 10.0,
            "peak_rss_mb": {"rasa": 800.0},
            "cpu_ms_per_turn": {"rasa": 12.0},
        }

    report = {
        "variants": {"ours": variant(30.0), "stock": variant(10.0)},
        "machine": {"cpus": 2, "memory_gb": 8.0},
        "settings": {"conversations": 4, "concurrency": 2, "max_seconds": 60, "think_seconds": 3.0},
        "git": "abc",
        "started_at": "now",
    }
    text = bench_run.table(report)
    assert "| turns per second (no think time) | 30.0 | 10.0 | 3.00× |" in text
    assert "| failed conversations (both loads) | 0 | 0 | – |" in text
    assert "2 cores, 8.0 GB RAM" in text


def test_results_are_written_as_json(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_run, "RESULTS", tmp_path)
    path = bench_run.write_json({"variants": {}}, "2025-01-01T00-00-00")
    assert path.read_text().startswith("{") and not list(tmp_path.glob("*.tmp"))


# -- the simulated citizen against a scripted gateway --------------------------------------------
SCRIPT = [  # what the scripted assistant says after each of the citizen's messages, in order
    {
        "text": "Halo! Ada yang bisa saya bantu?",
        "buttons": [{"title": "Buat pengaduan", "payload": "/file_complaint"}],
    },
    {"text": "Ceritakan apa yang terjadi: masalahnya apa dan siapa yang terdampak."},
    {
        "text": 'Usulan judul: "Jalan berlubang"\nPakai judul ini, atau ketik judul lain.',
        "buttons": [{"title": "Pakai judul ini", "payload": "/affirm"}],
    },
    {
        "text": "Kapan kejadiannya? Misalnya: kemarin.",
        "buttons": [{"title": "Hari ini", "payload": "hari ini"}, {"title": "Kemarin", "payload": "kemarin"}],
    },
    {
        "text": "Di mana lokasinya? Bagikan lokasi, atau ketik alamat.",
        "buttons": [{"title": "Lewati", "payload": "lewati"}],
    },
    {
        "text": "Ada foto, video, atau dokumen sebagai bukti?",
        "buttons": [{"title": "Lewati", "payload": "lewati"}],
    },
    {
        "text": "Sudah 1 bukti. Kirim lagi, atau pilih Selesai.",
        "buttons": [{"title": "Selesai", "payload": "selesai"}],
    },
    {
        "text": "Menurut saya, laporan ini masuk kategori: Jalan Rusak. Setuju?",
        "buttons": [
            {"title": "Setuju", "payload": "/affirm"},
            {"title": "Pilih kategori lain", "payload": "kategori lain"},
        ],
    },
    {
        "text": "Menurut saya, yang berwenang adalah: Dinas PUPR. Setuju?",
        "buttons": [
            {"title": "Setuju", "payload": "/affirm"},
            {"title": "Pilih instansi lain", "payload": "instansi lain"},
        ],
    },
    {
        "text": "Pilih kerahasiaan laporan: Rahasia (disarankan) atau Anonim.",
        "buttons": [{"title": "Rahasia", "payload": "rahasia"}, {"title": "Anonim", "payload": "anonim"}],
    },
    {
        "text": "Judul: Jalan berlubang\nLokasi: Jakarta\nBukti: 1 foto\n\nKirim laporan ini?",
        "buttons": [{"title": "Kirim", "payload": "/affirm"}, {"title": "Batal", "payload": "/cancel"}],
    },
    {"text": "✅ Laporan Anda terkirim!\nNomor pelacakan: #1234567\nSimpan nomor ini."},
    {"text": "📄 Laporan #1234567: Jalan berlubang\nStatus: Belum terverifikasi"},
    {"text": "Sama-sama! 🙏"},
]


def scripted_gateway(
    received: list[dict], uploads: bool = True, script: list[dict] = SCRIPT
) -> web.Application:
    turns: dict[str, int] = {}

    async def message(request: web.Request) -> web.Response:
        body = await request.json()
        received.append(body)
        n = turns[body["user_id"]] = turns.get(body["user_id"], -1) + 1
        return web.json_response({"messages": [script[min(n, len(script) - 1)]]})

    async def media(request: web.Request) -> web.Response:
        field = await (await request.multipart()).next()
        data = await field.read()
        return web.json_response(
            {
                "attachment": {
                    "ref": "x.jpg",
                    "filename": field.filename,
                    "content_type": "image/jpeg",
                    "size": len(data),
                    "sha256": "x",
                }
            }
        )

    app = web.Application()
    app.router.add_post("/console/messages", message)
    if uploads:
        app.router.add_post("/console/media", media)
    return app


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def test_citizens_walk_the_whole_conversation():
    received: list[dict] = []
    runner, url = await serve(scripted_gateway(received))
    try:
        stats = await run_load(url, conversations=3, concurrency=2, max_seconds=30)
    finally:
        await runner.cleanup()
    summary = stats.summary()
    assert summary["conversations"] == {"completed": 3, "failed": 0, "unfinished": 0}, summary[
        "error_examples"
    ]
    assert summary["turns"] == 3 * len(SCRIPT) and summary["photos"] == {"sent": 3}
    by_step = summary["latency_ms_by_step"]
    assert {"greet", "file", "body", "date", "location", "evidence", "confirm", "status", "thanks"} <= set(
        by_step
    )
    assert (
        sum(step["turns"] for step in by_step.values()) == summary["turns"] and by_step["greet"]["turns"] == 3
    )
    texts = [m["text"] for m in received]
    assert "cek status 1234567" in texts and "kemarin" in texts and "selesai" in texts and "rahasia" in texts
    # Shared as the console chat shares them: a pin, and the ref of a file uploaded first.
    assert {"lat": -6.2, "lon": 106.8} in [m.get("location") for m in received]
    assert "x.jpg" in [m.get("attachment") for m in received]


async def test_citizens_take_their_time_when_paced():
    received: list[dict] = []
    runner, url = await serve(scripted_gateway(received))
    try:
        started = asyncio.get_running_loop().time()
        stats = await run_load(url, conversations=1, concurrency=1, max_seconds=30, think_seconds=0.02)
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        await runner.cleanup()
    assert stats.completed == 1 and elapsed >= len(SCRIPT) * 0.01  # at least half the think time each


async def test_without_an_upload_endpoint_the_photo_is_skipped():
    runner, url = await serve(scripted_gateway([], uploads=False))
    try:
        stats = await run_load(url, conversations=1, concurrency=1, max_seconds=30)
    finally:
        await runner.cleanup()
    assert stats.photos == {"skipped": 1}


async def test_an_unexpected_reply_is_an_error_not_a_hang():
    runner, url = await serve(
        scripted_gateway([], script=[{"text": "Halo!"}, {"text": "Maaf, saya bingung."}])
    )
    try:
        stats = await run_load(url, conversations=2, concurrency=2, max_seconds=30)
    finally:
        await runner.cleanup()
    assert stats.failed == 2 and stats.errors == {"unexpected reply": 2}
    assert "bingung" in stats.error_examples["unexpected reply"]


async def test_a_question_asked_again_and_again_is_an_error():
    script = SCRIPT[:3] + [SCRIPT[3]] * 10  # the date is never taken
    runner, url = await serve(scripted_gateway([], script=script))
    try:
        stats = await run_load(url, conversations=1, concurrency=1, max_seconds=30)
    finally:
        await runner.cleanup()
    assert stats.errors == {"stuck in file at date": 1}


async def test_the_time_limit_cuts_running_conversations():
    async def slow(request: web.Request) -> web.Response:
        await request.read()
        await asyncio.sleep(5)
        return web.json_response({"messages": [{"text": "Halo!"}]})

    app = web.Application()
    app.router.add_post("/console/messages", slow)
    runner, url = await serve(app)
    try:
        stats = await run_load(url, conversations=10, concurrency=2, max_seconds=0.5)
    finally:
        await runner.cleanup()
    assert stats.unfinished == 2 and stats.completed == 0 and stats.duration_s < 5


async def test_traffic_stays_on_loopback():
    with pytest.raises(ValueError):
        await run_load("http://example.org", conversations=1, concurrency=1, max_seconds=1)


# -- the real stack ------------------------------------------------------------------------------
@pytest.mark.stack
async def test_smoke_run_against_the_stack(stack):
    stats = await run_load(
        stack.gateway_url,
        conversations=3,
        concurrency=3,
        max_seconds=300,
        console_token=stack.secrets.console_token,
    )
    summary = stats.summary()
    assert summary["conversations"]["completed"] == 3, summary["error_examples"]
    assert summary["turns"] >= 3 * len(GOALS) and set(summary["latency_ms"]) == {"p50", "p95", "p99", "max"}
