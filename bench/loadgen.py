"""Simulated citizens: whole LAPOR! conversations through the gateway's console channel.

Each citizen greets, files a pengaduan with a location pin and a photo, asks for the status of the
tracking number it was given, and says thanks. It answers every prompt of the assistant the way a
citizen would: it recognises the prompt (`PROMPTS`), clicks an offered button where there is one and
types where the step wants words. A reply it does not recognise ends the conversation with an
error instead of a hang. `run_load` runs N conversations, C at a time, for at most T seconds, and
times every turn.

    python -m bench.loadgen --gateway http://127.0.0.1:8080 --conversations 20 --concurrency 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from urllib.parse import urlparse

import aiohttp

PHOTO = Path(__file__).with_name("photo.jpg")
TURN_TIMEOUT = aiohttp.ClientTimeout(total=60)
MAX_TURNS_PER_GOAL = 15
MAX_SAME_PROMPT = 3  # the same question again and again: the assistant did not take the answer
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LOCATION = {"lat": -6.2, "lon": 106.8}


# -- what a citizen can answer -------------------------------------------------------------------
@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Click:
    """The first offered button whose payload or title matches; `otherwise` typed when none does."""

    button: str
    otherwise: str


@dataclass(frozen=True)
class PinLocation:
    pass


@dataclass(frozen=True)
class SendPhoto:
    """Uploads the photo and shares it; `otherwise` is typed when the gateway takes no uploads."""

    otherwise: str


Answer = Say | Click | PinLocation | SendPhoto

# How a citizen recognises the assistant's prompt (dialogue/domain.yml, actions/report/questions.py), and
# answers
# it. A prompt is the text of the assistant's last message plus its button payloads; the first row
# whose pattern is found wins, so the summary (which repeats every field) comes first.
PROMPTS: list[tuple[str, str, Answer]] = [
    ("confirm", r"kirim laporan ini", Click(r"/affirm", "kirim")),
    ("evidence done", r"sudah \d+ bukti", Click(r"selesai", "selesai")),
    ("privacy", r"kerahasiaan", Click(r"rahasia", "rahasia")),
    ("title", r"judul", Click(r"/affirm", "Jalan berlubang di depan rumah")),
    ("category", r"kategori", Click(r"/affirm|infrastruktur", "jalan rusak")),
    ("agency", r"instansi|berwenang", Click(r"/affirm|pekerjaan umum", "serahkan ke admin")),
    ("evidence", r"foto|bukti", SendPhoto(otherwise="lewati")),
    ("location", r"lokasi|di ?mana", PinLocation()),
    ("date", r"kapan", Click(r"kemarin", "kemarin")),
    (
        "body",
        r"ceritakan",
        Say("jalan di depan rumah saya berlubang besar sudah 3 bulan, motor sering jatuh"),
    ),
]


@dataclass(frozen=True)
class Goal:
    """One thing the citizen came for: an opening message, then prompts answered until a reply
    matches the regex `reached`. Both may use what earlier goals captured (named groups), e.g.
    $tracking_id."""

    name: str
    opening: str
    reached: str


GOALS = [
    Goal("greet", "halo", r"halo|hai|selamat"),
    Goal("file", "saya mau lapor jalan rusak", r"nomor pelacakan: #?(?P<tracking_id>\d+)"),
    Goal("status", "cek status $tracking_id", r"#$tracking_id\b.*\nstatus:"),
    Goal("thanks", "makasih", r"sama-sama"),
]


class ConversationError(Exception):
    """The conversation cannot go on; `reason` is a short label to count, `detail` an example."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def prompt_of(messages: list[dict]) -> str:
    last = messages[-1]
    payloads = " ".join(b.get("payload", "") for b in last.get("buttons") or ())
    return f"{last.get('text') or ''} {payloads}".lower()


def recognise(messages: list[dict]) -> tuple[str, Answer]:
    prompt = prompt_of(messages)
    for step, pattern, answer in PROMPTS:
        if re.search(pattern, prompt):
            return step, answer
    raise ConversationError("unexpected reply", prompt[:160])


def choose(click: Click, messages: list[dict]) -> str:
    for button in messages[-1].get("buttons") or ():
        if re.search(click.button, f"{button.get('payload', '')} {button.get('title', '')}", re.I):
            return button["payload"]
    return click.otherwise


# -- measurements --------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadStats:
    # Each answered turn's time, by what the citizen was doing: a goal's opening or the prompt it answered.
    step_seconds: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    completed: int = 0
    failed: int = 0
    unfinished: int = 0  # cut by the time limit
    errors: Counter = field(default_factory=Counter)
    error_examples: dict[str, str] = field(default_factory=dict)
    photos: Counter = field(default_factory=Counter)
    first_answer_at: float | None = None  # wall clock (time.time) of the first answered turn
    duration_s: float = 0.0

    @property
    def turn_seconds(self) -> list[float]:
        return [seconds for step in self.step_seconds.values() for seconds in step]

    def error(self, exc: ConversationError) -> None:
        self.failed += 1
        self.errors[exc.reason] += 1
        self.error_examples.setdefault(exc.reason, exc.detail)

    def summary(self) -> dict:
        turn_seconds = self.turn_seconds
        turns = len(turn_seconds)
        latency = (
            {f"p{q}": round(percentile(turn_seconds, q) * 1000, 1) for q in (50, 95, 99)} if turns else {}
        )
        if turns:
            latency["max"] = round(max(turn_seconds) * 1000, 1)
        by_step = {
            step: {
                "turns": len(seconds),
                **{f"p{q}": round(percentile(seconds, q) * 1000, 1) for q in (50, 95)},
            }
            for step, seconds in sorted(self.step_seconds.items())
        }
        return {
            "conversations": {
                "completed": self.completed,
                "failed": self.failed,
                "unfinished": self.unfinished,
            },
            "turns": turns,
            "duration_s": round(self.duration_s, 2),
            "turns_per_s": round(turns / self.duration_s, 2) if self.duration_s else 0.0,
            "latency_ms": latency,
            "latency_ms_by_step": by_step,
            "errors": dict(self.errors),
            "error_examples": self.error_examples,
            "photos": dict(self.photos),
        }


# -- one citizen ---------------------------------------------------------------------------------
class Citizen:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        gateway_url: str,
        user_id: str,
        stats: LoadStats,
        think_seconds: float = 0.0,
    ) -> None:
        self.http = http
        self.gateway_url = gateway_url.rstrip("/")
        self.user_id = user_id
        self.stats = stats
        self.think_seconds = think_seconds

    async def converse(self) -> None:
        """One whole conversation; its outcome is counted in `stats`, never raised."""
        try:
            facts: dict[str, str] = {}
            for goal in GOALS:
                facts.update(await self.pursue(goal, facts))
            self.stats.completed += 1
        except ConversationError as exc:
            self.stats.error(exc)
        except asyncio.CancelledError:
            self.stats.unfinished += 1
            raise

    async def pursue(self, goal: Goal, facts: dict[str, str]) -> dict[str, str]:
        reached = Template(goal.reached).substitute({k: re.escape(v) for k, v in facts.items()})
        messages = await self.send(Template(goal.opening).substitute(facts), step=goal.name)
        asked: Counter = Counter()
        for _ in range(MAX_TURNS_PER_GOAL):
            for message in messages:
                if match := re.search(reached, message.get("text") or "", re.I):
                    return match.groupdict()
            step, answer = recognise(messages)
            asked[step] += 1
            if asked[step] > MAX_SAME_PROMPT:
                raise ConversationError(f"stuck in {goal.name} at {step}", prompt_of(messages)[:160])
            messages = await self.answer(answer, messages, step)
        raise ConversationError(
            f"{goal.name} not reached in {MAX_TURNS_PER_GOAL} turns", prompt_of(messages)[:160]
        )

    async def answer(self, answer: Answer, messages: list[dict], step: str) -> list[dict]:
        if isinstance(answer, Say):
            return await self.send(answer.text, step=step)
        if isinstance(answer, Click):
            return await self.send(choose(answer, messages), step=step)
        if isinstance(answer, PinLocation):
            return await self.send(shared={"location": LOCATION}, step=step)
        attachment = await self.upload_photo()
        if attachment is None:
            self.stats.photos["skipped"] += 1
            return await self.send(answer.otherwise, step=step)
        self.stats.photos["sent"] += 1
        return await self.send(shared={"attachment": attachment["ref"]}, step=step)

    async def send(self, text: str = "", shared: dict | None = None, *, step: str) -> list[dict]:
        """Types `text`, or shares a location or an uploaded attachment, as the console chat does."""
        # Reading the answer and typing: before the first message too, so that the paced load's
        # citizens do not all open their chats in the same millisecond.
        if self.think_seconds:
            await asyncio.sleep(self.think_seconds * random.uniform(0.5, 1.5))
        body = {"user_id": self.user_id, "text": text, "message_id": uuid.uuid4().hex, **(shared or {})}
        started = time.perf_counter()
        data = await self._post("/console/messages", json=body)
        self.stats.step_seconds[step].append(time.perf_counter() - started)
        if self.stats.first_answer_at is None:
            self.stats.first_answer_at = time.time()
        messages = [m for m in data.get("messages") or () if m.get("text") or m.get("buttons")]
        if not messages:
            raise ConversationError("no reply", text)
        return messages

    async def upload_photo(self) -> dict | None:
        """The attachment as the gateway stored it, or None when the gateway has no upload endpoint."""
        form = aiohttp.FormData()
        form.add_field("file", PHOTO.read_bytes(), filename="jalan-rusak.jpg", content_type="image/jpeg")
        data = await self._post(
            "/console/media", data=form, params={"user_id": self.user_id}, missing_ok=True
        )
        return data and data["attachment"]

    async def _post(self, path: str, missing_ok: bool = False, **kwargs) -> dict | None:
        try:
            async with self.http.post(self.gateway_url + path, timeout=TURN_TIMEOUT, **kwargs) as resp:
                if missing_ok and resp.status in (404, 405):
                    return None
                if resp.status != 200:
                    raise ConversationError(f"HTTP {resp.status} from {path}", (await resp.text())[:160])
                return await resp.json()
        except asyncio.TimeoutError:
            raise ConversationError(f"timeout on {path}") from None
        except aiohttp.ClientError as exc:
            raise ConversationError(f"connection error on {path}", type(exc).__name__) from None


# -- many citizens -------------------------------------------------------------------------------
async def run_load(
    gateway_url: str,
    *,
    conversations: int,
    concurrency: int,
    max_seconds: float,
    think_seconds: float = 0.0,
    user_prefix: str | None = None,
    console_token: str = "",
) -> LoadStats:
    """Runs `conversations` conversations, `concurrency` at a time; after `max_seconds` the ones
    still running are cut (counted as unfinished) and no new one starts. Citizens wait about
    `think_seconds` (±50 %) before each message: 0 measures capacity, a few seconds measures
    latency at that many concurrent conversations."""
    if urlparse(gateway_url).hostname not in LOOPBACK:
        raise ValueError(f"the load goes to loopback only, not {gateway_url}")
    stats = LoadStats()
    prefix = user_prefix or f"bench-{uuid.uuid4().hex[:8]}"
    numbers = iter(range(conversations))  # shared: each conversation is taken by one worker

    auth = {"Authorization": f"Bearer {console_token}"} if console_token else {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency), headers=auth) as http:

        async def worker() -> None:
            for number in numbers:
                await Citizen(http, gateway_url, f"{prefix}-{number}", stats, think_seconds).converse()

        started = time.perf_counter()
        workers = [asyncio.create_task(worker()) for _ in range(min(concurrency, conversations))]
        done, running = await asyncio.wait(workers, timeout=max_seconds)
        stats.duration_s = time.perf_counter() - started
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for task in done:
            task.result()  # a bug in the benchmark itself is raised, not counted
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gateway", default="http://127.0.0.1:8080")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--think-seconds", type=float, default=0.0)
    args = parser.parse_args()
    stats = asyncio.run(
        run_load(
            args.gateway,
            conversations=args.conversations,
            concurrency=args.concurrency,
            max_seconds=args.max_seconds,
            think_seconds=args.think_seconds,
        )
    )
    print(json.dumps(stats.summary(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
