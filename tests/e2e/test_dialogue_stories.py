"""Rasa's story tests (dialogue/tests/), run against the stack's action server and LAPOR sandbox, with
the model loaded as the stack's Rasa loads it (bot/rasa_server/patches.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.stack
def test_story_tests_pass(stack, tmp_path):
    out = tmp_path / "results"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.rasa_server",
            "test",
            "core",
            "--model",
            str(stack.model),
            "--stories",
            "dialogue/tests",
            "--endpoints",
            "dialogue/endpoints.yml",
            "--out",
            str(out),
            "--fail-on-prediction-errors",
            "--no-plot",
            "--quiet",
        ],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.stdout[-4000:] + result.stderr[-4000:]
    assert result.returncode == 0, details
    stories = sum(path.read_text().count("- story:") for path in (ROOT / "dialogue" / "tests").glob("*.yml"))
    accuracy = json.loads((out / "story_report.json").read_text())["conversation_accuracy"]
    assert accuracy["total"] == stories and accuracy["correct"] == stories, accuracy
