import asyncio

import pytest

from common.background import running


async def test_the_work_runs_during_the_block_and_is_cancelled_and_awaited_after_it():
    started, ended = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # never set: only the cancel ends it
        finally:
            ended.set()

    async with running(work()):
        await started.wait()
        assert not ended.is_set()
    assert ended.is_set()


async def test_the_work_ends_also_when_the_block_raises():
    ended = asyncio.Event()

    async def work() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            ended.set()

    with pytest.raises(RuntimeError):
        async with running(work()):
            await asyncio.sleep(0)  # the task starts
            raise RuntimeError("the block failed")
    assert ended.is_set()
