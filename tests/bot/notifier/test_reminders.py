"""Reminders of agency questions the citizen put off ("nanti"): each due one becomes one delivery job,
even when a notifier is killed between taking the reminders and queueing their jobs."""

from __future__ import annotations

import asyncio
import json
import signal
import time

import aiohttp

from bot.notifier.service import DialogueTrigger, Notifier
from bot.rasa_client import RasaClient
from common import keys
from common.inbox import ConsoleInbox
from common.redis import async_client
from tests.support.notifier import MEDIA, console_only, notifier_env, start_notifier

CITIZENS = [f"console:tunda{n}" for n in range(3)]


def reminder(sender: str, n: int) -> str:
    return json.dumps(
        {"sender": sender, "tracking_id": f"19000{n}", "event_id": str(700 + n)}, sort_keys=True
    )


async def put_off_questions(redis) -> None:
    """One question put off by each citizen, all due long ago."""
    await redis.zadd(keys.ANSWER_REMINDERS, {reminder(s, n): 1.0 for n, s in enumerate(CITIZENS)})


async def test_due_reminders_are_queued_once_and_leave_the_set(lapor, redis_async, fake_rasa):
    await put_off_questions(redis_async)
    async with aiohttp.ClientSession() as http:
        trigger = DialogueTrigger(RasaClient(fake_rasa[0], http))
        first, second = (
            Notifier(lapor, redis_async, trigger, console_only(redis_async), MEDIA) for _ in "ab"
        )
        assert await first.remind_due_once() == 3
        assert await redis_async.zcard(keys.ANSWER_REMINDERS) == 0
        # Another notifier that read the same reminders before they left queues nothing again.
        await put_off_questions(redis_async)
        assert await second.remind_due_once() == 0
        assert await first.deliver_due_once() == 3
    reminded = sorted(sender for sender, body in fake_rasa[1] if body["name"] == "EXTERNAL_answer_reminder")
    assert reminded == CITIZENS


async def first_write_to_reminders(redis_url: str, started: asyncio.Event) -> None:
    """Returns as soon as Redis executed a command that writes the reminders' set (its reads go on)."""
    watcher = async_client(redis_url)
    try:
        async with watcher.monitor() as monitor:
            started.set()
            while True:
                command = (await monitor.next_command())["command"]
                if keys.ANSWER_REMINDERS in command and not command.upper().startswith("ZRANGEBYSCORE"):
                    return
    finally:
        await watcher.close()


async def test_a_notifier_killed_right_after_taking_the_reminders_loses_none(
    lapor, redis_async, redis_url, fake_rasa, sandbox, at_feed_end
):
    """Writes stop the moment the notifier first writes the reminders' set; it is killed there and a
    new one started: every citizen is reminded, once."""
    await put_off_questions(redis_async)
    env = notifier_env(redis_url, fake_rasa[0], sandbox)
    started = asyncio.Event()
    watching = asyncio.create_task(first_write_to_reminders(redis_url, started))
    await started.wait()
    process = start_notifier(env)
    try:
        await asyncio.wait_for(watching, timeout=90)
        await redis_async.execute_command("CLIENT", "PAUSE", 20_000, "WRITE")
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 20)
        await redis_async.execute_command("CLIENT", "UNPAUSE")
        process = start_notifier(env)
        inbox, told = ConsoleInbox(redis_async), {sender: [] for sender in CITIZENS}
        deadline = time.monotonic() + 90
        while not all(told.values()) and time.monotonic() < deadline:
            for sender in CITIZENS:
                told[sender] += [m["text"] for m in await inbox.take(sender.split(":")[1])]
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything repeated would arrive now
        for sender in CITIZENS:
            told[sender] += [m["text"] for m in await inbox.take(sender.split(":")[1])]
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 20)
    assert all(len(texts) == 1 and "EXTERNAL_answer_reminder" in texts[0] for texts in told.values()), told
    assert await redis_async.zcard(keys.ANSWER_REMINDERS) == 0
