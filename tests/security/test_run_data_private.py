"""Run data is its owner's only: Redis's AOF, the sandbox's reports, received media, logs and the secrets
of the local stack are never readable by other users of the machine."""

from __future__ import annotations

import stat

import pytest

pytestmark = pytest.mark.stack


def test_nothing_the_stack_writes_is_readable_by_others(stack):
    readable = []
    for path in [stack.run_dir, *stack.run_dir.rglob("*")]:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            readable.append(f"{path.relative_to(stack.run_dir)} {stat.filemode(mode)}")
    assert readable == []
    assert (stack.run_dir / "secrets.json").exists() and any((stack.run_dir / "redis").iterdir())
