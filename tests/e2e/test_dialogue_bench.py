"""The dialogue benchmark keeps working: its citizens cover the styles and topics it promises, and a
smoke run of a few citizens against the real stack files their reports with sane counts."""

from __future__ import annotations

import json

import pytest

from bench import dialogue
from bench.dialogue import STYLES, TOPICS, personas, run_dialogues, write_results


def test_every_topic_is_told_in_every_style_by_at_least_60_citizens():
    everyone = personas()
    assert len(everyone) >= 60
    assert {(p.topic.key, p.style.key) for p in everyone} == {(t.key, s.key) for t in TOPICS for s in STYLES}
    # The first few already mix styles: a smoke run sees more than one.
    assert len({p.style.key for p in personas(6)}) == 6


def test_a_title_is_good_only_when_it_says_what_without_a_greeting():
    topic = TOPICS[0]
    assert dialogue.good_title("Jalan berlubang di Jl. Ahmad Yani", topic)
    assert not dialogue.good_title("Selamat siang pak, jalan rusak", topic)
    assert not dialogue.good_title("Ini bot atau orang?", topic)
    assert not dialogue.good_title("Jalan " + "x" * 70, topic)


@pytest.mark.stack
async def test_a_smoke_run_files_every_citizen_with_sane_counts(stack, tmp_path, monkeypatch):
    summary = await run_dialogues(
        stack.gateway_url, stack.sandbox_url, citizens=4, concurrency=2, token=stack.secrets.console_token
    )
    assert summary["citizens"] == 4
    assert summary["filed"] == 4, summary["not_filed"]
    assert summary["drafts_lost"] == 0
    # Each report takes a few messages after the first, never more than the benchmark allows.
    assert 2 <= summary["messages_per_filed_report"] <= dialogue.MAX_MESSAGES
    assert 0 <= summary["misunderstood_share"] < 0.5
    assert all(0 <= share <= 1 for share in summary["fields_right"].values())
    assert summary["fields_right"]["region"] == 1.0
    monkeypatch.setattr(dialogue, "RESULTS", tmp_path)
    path = write_results(summary, "smoke")
    assert json.loads(path.read_text())["filed"] == 4 and path.name == "dialogue-smoke.json"
