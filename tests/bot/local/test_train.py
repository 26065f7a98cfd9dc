"""The training script's command line: asking it for help, or a wrong option, trains nothing."""

from __future__ import annotations

import subprocess

import pytest

from bot.local import train


@pytest.mark.parametrize("argv, code", [(["--help"], 0), (["--out", "elsewhere"], 2)])
def test_help_and_unknown_options_stop_before_training(monkeypatch, argv, code):
    trained = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: trained.append(args))
    with pytest.raises(SystemExit) as stopped:
        train.main(argv)
    assert stopped.value.code == code and trained == []
