"""The dialogue benchmark: scripted citizens of varied style file what they came for through the real
stack (console webhook → gateway → Rasa → action server → LAPOR sandbox), and the report LAPOR stored is
read back and compared with what each citizen wanted.

Each citizen is a topic (what, where, when, and the category and agency that should get it) told in
one style: the whole story in the first message, in two quick messages, politely, in slang with typos,
with a digression mid-form, "nanti saya lanjut" and back, a change of mind at the summary, a title
changed by "judulnya ganti jd ...", or an answer to the wrong question. A citizen answers the
assistant's prompt it recognises (`STEPS`) the way its style does.

Figures: citizen messages per filed report (after the first message), the share of the assistant's
turns that misunderstood (a complaint that the answer was not understood, or the same step asked
again after an answer), drafts lost (a draft that disappeared before it was filed), and the fields
right in LAPOR (title quality, date, region code, category, agency, privacy).

After filing (issue 16), `--after-filing` citizens (12 by default) each file a report, are asked by the
agency through the sandbox (the stack's notifier brings the question), answer it at once, after "nanti",
or with a photo only, and rate the completed report with the score first, the comment first, or both in
one message. Figures: the shares of agency questions answered exactly once with what the citizen meant,
and of ratings stored with the score given.

    python -m bench.dialogue                       # starts its own stack with models/lapor.tar.gz
    python -m bench.dialogue --model other.tar.gz --citizens 10 --after-filing 0
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional

import aiohttp

from actions.report.dates import today
from bench.loadgen import prompt_of

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TURN_TIMEOUT = aiohttp.ClientTimeout(total=90)
MAX_MESSAGES = 25
MAX_SAME_STEP = 4
FILED = re.compile(r"nomor pelacakan: #?(\d+)", re.I)
# The assistant saying it did not take the answer.
MISUNDERSTOOD = re.compile(
    r"belum paham|belum saya pahami|belum saya kenali|tidak saya temukan|di luar yang bisa|"
    r"belum pas|mohon ceritakan sedikit|pilih salah satu: rahasia|judulnya terlalu pendek",
    re.I,
)
LOST = re.compile(r"tidak ada laporan yang sedang dibuat|baik, dibatalkan", re.I)
GREETING_TITLE = re.compile(
    r"^(selamat|halo|hai|assalam|permisi|punten|nuwun|pak\b|bu\b|nama saya|saya )", re.I
)


# -- what a citizen wants, and how it talks -----------------------------------------------------
@dataclass(frozen=True)
class Topic:
    key: str
    story: str  # what happened, without where and when
    place: str  # where, as the citizen writes it
    region: str  # the Kemendagri code LAPOR should get (prefix)
    category: str
    agency: Optional[str]  # None: any agency is fine (LAPOR's admins choose)
    title_words: tuple[str, ...]  # a good title has one of these
    when: str  # when, as the citizen writes it
    days_ago: int  # what `when` means
    other_place: str = ""  # where it "really" was, for a change of mind
    other_region: str = ""


TOPICS = [
    Topic(
        "jalan",
        "jalan berlubang besar, motor sering jatuh",
        "jl. ahmad yani kota bandung",
        "32.73",
        "jalan-rusak",
        "dpupr-kota-bandung",
        ("jalan", "lubang", "berlubang"),
        "sejak kemarin",
        1,
        "depan pantai kuta, kabupaten badung",
        "51.03",
    ),
    Topic(
        "lampu",
        "lampu jalan mati semua, gelap dan rawan jambret",
        "gang melati, kecamatan denpasar barat, kota denpasar",
        "51.71",
        "penerangan-jalan",
        "dpupr-kota-denpasar",
        ("lampu", "penerangan", "gelap"),
        "3 hari lalu",
        3,
    ),
    Topic(
        "sampah",
        "sampah numpuk ga diangkut, bau busuk sampai ke rumah warga",
        "pasar minggu jakarta selatan",
        "31.74",
        "sampah",
        "dlh-kota-administrasi-jakarta-selatan",
        ("sampah",),
        "2 minggu lalu",
        14,
    ),
    Topic(
        "banjir",
        "selokan mampet jadi banjir, air masuk rumah warga",
        "perumahan griya asri, kota banjarmasin",
        "63.71",
        "drainase-banjir",
        "dpupr-kota-banjarmasin",
        ("banjir", "selokan", "air"),
        "kemarin",
        1,
    ),
    Topic(
        "puskesmas",
        "pelayanan puskesmas lama sekali, pasien nunggu 4 jam dan obat kosong",
        "puskesmas kec. cicalengka kab bandung",
        "32.04",
        "puskesmas-rumah-sakit",
        "dinkes-kabupaten-bandung",
        ("puskesmas", "pelayanan", "pasien", "obat"),
        "tadi pagi",
        0,
    ),
    Topic(
        "pungli",
        "petugas minta uang 200 ribu buat bikin ktp padahal katanya gratis",
        "kantor kecamatan banyuasin iii, kabupaten banyuasin",
        "16.07",
        "pungutan-liar",
        None,
        ("uang", "ktp", "pungli", "petugas"),
        "kemarin",
        1,
    ),
    Topic(
        "parkir",
        "parkir liar di trotoar, pejalan kaki harus turun ke jalan",
        "jl. suprapto kota bengkulu",
        "17.71",
        "parkir-liar",
        "satpol-pp-kota-bengkulu",
        ("parkir", "trotoar"),
        "5 hari lalu",
        5,
    ),
    Topic(
        "ppdb",
        "anak saya ditolak ppdb jalur zonasi padahal rumah dekat sekolah",
        "sekolah di pangkalan balai, kabupaten banyuasin",
        "16.07",
        "ppdb",
        "disdik-kabupaten-banyuasin",
        ("ppdb", "zonasi", "anak", "ditolak", "sekolah"),
        "minggu lalu",
        7,
    ),
]


@dataclass(frozen=True)
class Style:
    """How a citizen talks: its opening messages (from the topic), its words for yes and for privacy,
    and its quirk."""

    key: str
    yes: str = "ya"
    privacy: str = "rahasia"
    quirk: str = ""  # said instead of the first answer to a step
    quirk_at: str = ""  # the step the quirk is said at (default: the first one asked)
    change_place: bool = False  # says at the summary that the place was wrong
    new_title: str = ""  # "judulnya ganti jd ..." at the first question
    date_said: str = "{when}"  # how it answers the date question

    def opening(self, topic: Topic) -> list[str]:
        full = f"{topic.story} di {topic.place} {topic.when}"
        if self.key == "polite":
            return [f"Selamat siang pak, mohon maaf mengganggu. Saya mau melaporkan {full}. Terima kasih"]
        if self.key == "slang":
            return [f"min {typos(full)} tolong dong"]
        if self.key == "two_messages":
            return [f"mau lapor {topic.story}", f"itu di {topic.place} {topic.when}"]
        if self.key == "short":
            return ["saya mau bikin pengaduan"]
        if self.key == "said_before":  # the place told, the date insisted on when asked
            return [f"{topic.story} di {topic.place}"]
        if self.key == "no_photo_early":  # the story alone; the photo declined at the place question
            return [f"mau lapor {topic.story}"]
        if self.key == "kind_change":  # an aspirasi started by mistake, then made a pengaduan
            return ["saya mau menyampaikan aspirasi"]
        if self.key == "long":
            return [
                f"{topic.story} dan sudah lama sekali tidak ada yang menangani padahal warga sudah {full}"
            ]
        return [full]


STYLES = [
    Style("full"),
    Style("polite", yes="iya pak, benar", privacy="rahasia saja"),
    Style("slang", yes="y kak", privacy="anonim aja"),
    Style("two_messages", yes="oke"),
    Style("short", yes="betul"),
    Style("digression", yes="iya", quirk="ini bot atau orang?"),
    Style("small_talk", yes="ok", quirk="wah cepet jg ya balesnya, kamu kerja 24 jam ya?"),
    Style("later", yes="ya", quirk="ok nanti sy lanjut ya"),
    Style("mind_change", change_place=True),
    Style("retitle", new_title="Jalan Ahmad Yani rusak parah"),
    # Issue 13's remaining cases: "kan udh sy bilang ...", an answer for another step, a change of kind,
    # a story too long for a title.
    Style("said_before", yes="iya", date_said="kan udh sy bilang {when}"),
    Style("no_photo_early", yes="ya", quirk="ga jadi pake foto", quirk_at="place"),
    Style("kind_change", yes="ok", quirk="eh ini jadiin pengaduan aja deh"),
    Style("long", yes="ya"),
]


def typos(text: str) -> str:
    for word, typo in (("jalan", "jln"), ("sudah", "udh"), ("yang", "yg"), ("tidak", "ga"), ("lalu", "lalu")):
        text = text.replace(word, typo)
    return text


@dataclass(frozen=True)
class Persona:
    number: int
    topic: Topic
    style: Style

    @property
    def name(self) -> str:
        return f"{self.topic.key}/{self.style.key}"


def personas(count: Optional[int] = None, styles: Optional[set[str]] = None) -> list[Persona]:
    """Every topic in every style (112), interleaved so that the first few cover many of both; only the
    `styles` named, when given."""
    every = [
        Persona(i, TOPICS[i % len(TOPICS)], STYLES[(i + i // len(TOPICS)) % len(STYLES)])
        for i in range(len(TOPICS) * len(STYLES))
    ]
    every = [p for p in every if not styles or p.style.key in styles]
    return every[:count] if count else every


# -- the assistant's prompts, and the citizen's answers ------------------------------------------
# (step, pattern on the prompt's text and payloads); the first that matches wins.
STEPS = [
    ("noted", r"saya catat dari cerita"),
    ("offer", r"mau saya bantu laporkan"),
    ("which_part", r"bagian mana|yang mana yang|ubah judul ubah"),
    ("confirm", r"kirim laporan ini|ringkasan"),
    ("cancel_check", r"batalkan laporan"),
    ("evidence_more", r"sudah \d+ bukti"),
    ("privacy", r"kerahasiaan"),
    ("ambiguous", r"yang mana|maksud anda"),
    ("title", r"judul"),
    ("category", r"kategori"),
    ("agency", r"instansi|berwenang"),
    ("evidence", r"foto|bukti"),
    ("place", r"lokasi|di ?mana|kecamatan dan kabupaten"),
    ("date", r"kapan|tanggal"),
    ("story", r"ceritakan|masalahnya apa"),
]


def step_of(messages: list[dict]) -> str:
    prompt = prompt_of(messages)
    for step, pattern in STEPS:
        if re.search(pattern, prompt):
            return step
    return "unknown"


def first_button(messages: list[dict], pattern: str) -> Optional[str]:
    for button in messages[-1].get("buttons") or ():
        if re.search(pattern, f"{button.get('payload', '')} {button.get('title', '')}", re.I):
            return button["payload"]
    return None


@dataclass
class Outcome:
    persona: str
    filed: bool = False
    tracking_id: Optional[str] = None
    citizen_messages: int = 0  # after the opening message(s)
    bot_turns: int = 0
    misunderstood: int = 0
    draft_lost: bool = False
    stuck_at: Optional[str] = None
    fields: dict = field(default_factory=dict)
    transcript: list = field(default_factory=list)


class ScriptedCitizen:
    def __init__(self, http: aiohttp.ClientSession, gateway: str, persona: Persona, run_id: str) -> None:
        self.http, self.gateway, self.persona = http, gateway.rstrip("/"), persona
        self.user_id = f"dlg-{run_id}-{persona.number}"
        self.outcome = Outcome(persona.name)
        self.quirk_done = False
        self.changed_place = False
        self.retitled = False

    async def converse(self) -> Outcome:
        topic, style = self.persona.topic, self.persona.style
        messages: list[dict] = []
        for text in style.opening(topic):
            messages = await self.send(text, counted=False)
        asked: Counter = Counter()
        previous, digressed = None, False
        while self.outcome.citizen_messages < MAX_MESSAGES:
            said = " ".join(m.get("text") or "" for m in messages)
            if found := FILED.search(said):
                self.outcome.filed, self.outcome.tracking_id = True, found[1]
                return self.outcome
            if LOST.search(said):
                self.outcome.draft_lost = True
                return self.outcome
            step = step_of(messages)
            asked[step] += 1
            # Misunderstood: said so, the same step asked again after an answer to it, or the next step
            # asked after something that was no answer (it was stored as one).
            again = step == previous and not digressed
            taken = digressed and previous not in (None, step)
            if MISUNDERSTOOD.search(said) or again or taken:
                self.outcome.misunderstood += 1
            if asked[step] > MAX_SAME_STEP or step == "unknown":
                self.outcome.stuck_at = step
                self.outcome.draft_lost = step == "unknown"
                return self.outcome
            previous = step
            messages, digressed = await self.answer(step, messages)
        self.outcome.stuck_at = "too many messages"
        return self.outcome

    async def answer(self, step: str, messages: list[dict]) -> tuple[list[dict], bool]:
        """The citizen's reply to the prompt, and whether it was no answer to it (a quirk)."""
        topic, style = self.persona.topic, self.persona.style
        quirk_now = step == style.quirk_at if style.quirk_at else step not in ("offer", "noted", "confirm")
        if style.quirk and not self.quirk_done and quirk_now:
            self.quirk_done = True
            replies = await self.send(style.quirk)
            if "lanjut" in style.quirk:  # and back later, with a greeting
                replies = await self.send("halo")
            return replies, True
        if style.new_title and not self.retitled and step != "offer":
            self.retitled = True
            return await self.send(f"judulnya ganti jd {style.new_title}"), True
        if step == "confirm" and style.change_place and not self.changed_place and topic.other_place:
            self.changed_place = True
            return await self.send("lokasinya salah"), True
        reply = {
            "noted": style.yes,
            "offer": style.yes,
            "confirm": first_button(messages, r"/affirm") or "kirim",
            "cancel_check": "tidak",
            "which_part": "lokasi",
            "evidence_more": "selesai",
            "privacy": style.privacy,
            "ambiguous": first_button(messages, r".") or "lewati",
            "title": first_button(messages, r"/affirm") or "Laporan " + topic.story[:40],
            "category": first_button(messages, r"/affirm") or topic.category.replace("-", " "),
            "agency": first_button(messages, r"/affirm") or "serahkan ke admin",
            "evidence": "ga ada fotonya",
            "place": topic.other_place if self.changed_place else topic.place,
            "date": style.date_said.format(when=topic.when),
            "story": f"{topic.story} di {topic.place} {topic.when}",
        }[step]
        return await self.send(reply), False

    async def send(self, text: str, counted: bool = True) -> list[dict]:
        body = {"user_id": self.user_id, "text": text, "message_id": uuid.uuid4().hex}
        async with self.http.post(
            f"{self.gateway}/console/messages", json=body, timeout=TURN_TIMEOUT
        ) as resp:
            resp.raise_for_status()
            data = await resp.json()
        messages = [m for m in data.get("messages") or () if m.get("text") or m.get("buttons")]
        self.outcome.citizen_messages += counted
        self.outcome.bot_turns += 1
        said = " ".join(m.get("text") or "" for m in messages)
        self.outcome.transcript.append({"citizen": text, "bot": said[:400]})
        return messages or [{"text": ""}]


# -- what LAPOR got -----------------------------------------------------------------------------
def good_title(title: str, topic: Topic) -> bool:
    plain = title.lower()
    return (
        5 <= len(title) <= 60
        and not GREETING_TITLE.search(title)
        and any(word in plain for word in topic.title_words)
    )


async def check_fields(http: aiohttp.ClientSession, sandbox: str, persona: Persona, outcome: Outcome) -> None:
    async with http.get(f"{sandbox.rstrip('/')}/sandbox/reports/{outcome.tracking_id}") as resp:
        resp.raise_for_status()
        stored = await resp.json()
    topic, style = persona.topic, persona.style
    moved = style.change_place and bool(topic.other_region)
    region = topic.other_region if moved else topic.region
    # The agency of the same kind in the region it moved to (the sandbox's ids: <dinas>-<region>).
    agency = topic.agency and (topic.agency.split("-")[0] + "-kabupaten-badung" if moved else topic.agency)
    location = stored.get("location") or {}
    privacy = "anonim" if stored.get("anonymous") else "rahasia" if stored.get("confidential") else "biasa"
    wanted_privacy = next(p for p in ("rahasia", "anonim", "biasa") if p in style.privacy)
    title = stored.get("title") or ""
    outcome.fields = {
        "title": title == style.new_title if style.new_title else good_title(title, topic),
        "date": stored.get("incident_date") == (today() - timedelta(days=topic.days_ago)).isoformat(),
        "region": (location.get("region_code") or "").startswith(region),
        "category": stored.get("category_id") == topic.category,
        "agency": agency is None or stored.get("agency_id") == agency,
        "privacy": privacy == wanted_privacy,
    }
    outcome.fields["_title"] = title


# -- the run ------------------------------------------------------------------------------------
async def run_dialogues(
    gateway: str,
    sandbox: str,
    *,
    citizens: Optional[int] = None,
    concurrency: int = 4,
    token: str = "",
    styles: Optional[set[str]] = None,
) -> dict:
    run_id = uuid.uuid4().hex[:6]
    chosen = personas(citizens, styles)
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    outcomes: list[Outcome] = []
    async with aiohttp.ClientSession(headers=auth) as http:
        queue = iter(chosen)

        async def worker() -> None:
            for persona in queue:
                citizen = ScriptedCitizen(http, gateway, persona, run_id)
                try:
                    outcome = await citizen.converse()
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    outcome = citizen.outcome
                    outcome.stuck_at = f"error: {type(exc).__name__}"
                if outcome.filed:
                    await check_fields(http, sandbox, persona, outcome)
                outcomes.append(outcome)

        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(chosen)))))
    return summarise(outcomes)


def summarise(outcomes: list[Outcome]) -> dict:
    filed = [o for o in outcomes if o.filed]
    turns = sum(o.bot_turns for o in outcomes)
    fields = ["title", "date", "region", "category", "agency", "privacy"]
    by_style: dict[str, list[int]] = {}
    for o in filed:
        by_style.setdefault(o.persona.split("/")[1], []).append(o.citizen_messages)
    return {
        "citizens": len(outcomes),
        "filed": len(filed),
        "messages_per_filed_report": round(sum(o.citizen_messages for o in filed) / len(filed), 2)
        if filed
        else None,
        "messages_by_style": {k: round(sum(v) / len(v), 2) for k, v in sorted(by_style.items())},
        "bot_turns": turns,
        "misunderstood_share": round(sum(o.misunderstood for o in outcomes) / turns, 3) if turns else None,
        "drafts_lost": sum(o.draft_lost or (not o.filed) for o in outcomes),
        "fields_right": {
            f: round(sum(bool(o.fields.get(f)) for o in filed) / len(filed), 3) if filed else None
            for f in fields
        },
        "not_filed": [{"persona": o.persona, "stuck_at": o.stuck_at} for o in outcomes if not o.filed],
        "outcomes": [o.__dict__ for o in outcomes],
    }


# -- after filing: answering an agency's question and rating (issue 16) ---------------------------
# Each of these citizens files a report (in the plain "full" style), is asked by the agency through the
# sandbox, answers as its style does, and rates the completed report. The notifier brings the news to
# the console inbox. Figures: answered exactly once (one reply in LAPOR, with what the citizen meant)
# and ratings stored (the score given), as shares of the citizens.
AFTER_FILING_QUESTION = "Mohon kirim foto lokasi atau sebutkan patokan terdekat."
PHOTO = ROOT / "bench" / "photo.jpg"
NEWS_TIMEOUT_SECONDS = 90
ANSWER_STYLES = ("now", "later", "photo", "later_photo")  # later: "nanti" first, back by "jawab …"
RATING_STYLES = ("score_first", "comment_first", "in_one")
SCORE_STYLES = {"score_first": "4", "comment_first": "3", "in_one": "5"}


@dataclass(frozen=True)
class AfterFilingPersona:
    number: int
    topic: Topic
    answer: str  # one of ANSWER_STYLES
    rating: str  # one of RATING_STYLES

    @property
    def name(self) -> str:
        return f"{self.topic.key}/answer-{self.answer}/rate-{self.rating}"

    @property
    def words(self) -> str:
        return f"patokannya depan {self.topic.key} no {self.number}, samping warung"

    @property
    def score(self) -> int:
        return int(SCORE_STYLES[self.rating])

    @property
    def comment(self) -> str:
        return f"petugasnya datang, urusan {self.topic.key} sudah beres, makasih"  # no digit: no score


def after_filing_personas(count: Optional[int] = None) -> list[AfterFilingPersona]:
    """Every answer style with every rating style (12) on varied topics, interleaved so that the first
    few already cover the answer styles and the rating orders."""
    styles = len(ANSWER_STYLES)
    every = [
        AfterFilingPersona(
            i,
            TOPICS[i % len(TOPICS)],
            ANSWER_STYLES[i % styles],
            RATING_STYLES[(i + i // styles) % len(RATING_STYLES)],
        )
        for i in range(styles * len(RATING_STYLES))
    ]
    return every[:count] if count else every


@dataclass
class AfterFilingOutcome:
    persona: str
    filed: bool = False
    answered_once: bool = False  # one reply in LAPOR, with the citizen's words or photo
    rated: bool = False  # the score given is the one LAPOR stored
    stuck_at: Optional[str] = None
    transcript: list = field(default_factory=list)


class AfterFilingCitizen(ScriptedCitizen):
    def __init__(self, http, gateway: str, sandbox: str, persona: AfterFilingPersona, run_id: str) -> None:
        super().__init__(http, gateway, Persona(persona.number, persona.topic, STYLES[0]), run_id)
        self.user_id = f"aft-{run_id}-{persona.number}"
        self.sandbox, self.after = sandbox.rstrip("/"), persona
        self.result = AfterFilingOutcome(persona.name)

    async def lives(self, admin) -> AfterFilingOutcome:
        filed = await self.converse()
        self.result.transcript = self.outcome.transcript
        if not filed.filed:
            self.result.stuck_at = f"filing: {filed.stuck_at}"
            return self.result
        self.result.filed, tracking_id = True, filed.tracking_id
        await admin.transition(tracking_id, "verified")
        await admin.transition(
            tracking_id, "forwarded", agency_id=self.persona.topic.agency or "dpupr-kota-bandung"
        )
        await admin.clarification(tracking_id, AFTER_FILING_QUESTION)
        if not await self.news(r"tulis jawaban anda"):
            self.result.stuck_at = "question never arrived"
            return self.result
        said = await self.answer_agency(tracking_id)
        if kirim := first_button(said, r"kirim"):
            said = await self.send(kirim)
        replies = await admin.replies(tracking_id)
        by_photo = self.after.answer.endswith("photo")
        self.result.answered_once = len(replies) == 1 and (
            len(replies[0]["attachment_ids"]) == 1 if by_photo else replies[0]["message"] == self.after.words
        )
        await admin.transition(tracking_id, "completed")
        if not await self.news(r"seberapa puas"):
            self.result.stuck_at = "rating never offered"
            return self.result
        await self.rate()
        rating = (await admin.report(tracking_id)).get("rating") or {}
        self.result.rated = rating.get("score") == self.after.score
        return self.result

    async def answer_agency(self, tracking_id: str) -> list[dict]:
        if self.after.answer.startswith("later"):
            await self.send("aduh sy lagi di jalan, nanti aja ya sy jawab")
            await self.send(f"jawab pertanyaan laporan #{tracking_id}")
        if self.after.answer.endswith("photo"):
            return await self.photo()
        return await self.send(self.after.words)

    async def rate(self) -> None:
        score, comment = str(self.after.score), self.after.comment
        if self.after.rating == "in_one":
            await self.send(f"{comment}. {score}")
            return
        first, then = (score, comment) if self.after.rating == "score_first" else (comment, score)
        said = await self.send(first)
        if not any("terima kasih atas penilaian" in (m.get("text") or "").lower() for m in said):
            await self.send(then)

    async def news(self, pattern: str) -> bool:
        """Waits for the notifier's news ending in a prompt matching `pattern` (the console inbox)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + NEWS_TIMEOUT_SECONDS
        while loop.time() < deadline:
            async with self.http.get(
                f"{self.gateway}/console/inbox", params={"user_id": self.user_id}
            ) as resp:
                resp.raise_for_status()
                told = (await resp.json())["messages"]
            said = " ".join(m.get("text") or "" for m in told)
            if told:
                self.outcome.transcript.append({"news": said[:400]})
            if re.search(pattern, said, re.I):
                return True
            await asyncio.sleep(1.0)
        return False

    async def photo(self) -> list[dict]:
        form = aiohttp.FormData()
        form.add_field("file", PHOTO.read_bytes(), filename="patokan.jpg", content_type="image/jpeg")
        async with self.http.post(
            f"{self.gateway}/console/media", data=form, params={"user_id": self.user_id}
        ) as resp:
            resp.raise_for_status()
            ref = (await resp.json())["attachment"]["ref"]
        body = {"user_id": self.user_id, "attachment": ref, "message_id": uuid.uuid4().hex}
        async with self.http.post(
            f"{self.gateway}/console/messages", json=body, timeout=TURN_TIMEOUT
        ) as resp:
            resp.raise_for_status()
            messages = [
                m for m in (await resp.json()).get("messages") or () if m.get("text") or m.get("buttons")
            ]
        self.outcome.transcript.append(
            {"citizen": "[foto]", "bot": " ".join(m.get("text") or "" for m in messages)}
        )
        return messages or [{"text": ""}]


async def run_after_filing(
    gateway: str, sandbox: str, *, citizens: Optional[int] = None, concurrency: int = 3, token: str = ""
) -> dict:
    from lapor_client import SandboxAdmin

    run_id = uuid.uuid4().hex[:6]
    chosen = after_filing_personas(citizens)
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    outcomes: list[AfterFilingOutcome] = []
    async with aiohttp.ClientSession(headers=auth) as http, SandboxAdmin(sandbox) as admin:
        queue = iter(chosen)

        async def worker() -> None:
            for persona in queue:
                citizen = AfterFilingCitizen(http, gateway, sandbox, persona, run_id)
                try:
                    outcomes.append(await citizen.lives(admin))
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    citizen.result.stuck_at = f"error: {type(exc).__name__}"
                    outcomes.append(citizen.result)

        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(chosen)))))
    return summarise_after_filing(outcomes)


def summarise_after_filing(outcomes: list[AfterFilingOutcome]) -> dict:
    count = len(outcomes)

    def share(flag: str) -> Optional[float]:
        return round(sum(getattr(o, flag) for o in outcomes) / count, 3) if count else None

    return {
        "citizens": count,
        "filed": sum(o.filed for o in outcomes),
        "answered_exactly_once_share": share("answered_once"),
        "ratings_stored_share": share("rated"),
        "not_done": [
            {"persona": o.persona, "stuck_at": o.stuck_at, "answered_once": o.answered_once, "rated": o.rated}
            for o in outcomes
            if not (o.answered_once and o.rated)
        ],
        "outcomes": [o.__dict__ for o in outcomes],
    }


def write_results(summary: dict, stamp: Optional[str] = None) -> Path:
    stamp = stamp or datetime.now().astimezone().strftime("%Y-%m-%dT%H-%M-%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"dialogue-{stamp}.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return path


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--citizens", type=int, default=None, help="how many (default: all 112)")
    parser.add_argument("--styles", help="only these styles, comma-separated (e.g. said_before,long)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--after-filing",
        type=int,
        default=len(after_filing_personas()),
        help="after-filing citizens (0: none)",
    )
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "lapor.tar.gz")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "run" / "bench-dialogue")
    parser.add_argument("--urls", type=Path, help="a running stack's {gateway, sandbox, console_token} JSON")
    args = parser.parse_args(argv)
    from bot.local.stack import Ports, Stack

    stamp = datetime.now().astimezone().strftime("%Y-%m-%dT%H-%M-%S")
    if args.urls:
        urls = json.loads(args.urls.read_text())
        summary = asyncio.run(run_all(urls["gateway"], urls["sandbox"], urls["console_token"], args))
        return report(summary, stamp, str(args.urls))
    # The after-filing citizens hear the agency through the notifier, polling often to keep the run short.
    stack = Stack(
        Ports.free(),
        args.run_dir / stamp,
        model=args.model,
        start_notifier=args.after_filing > 0,
        extra_env={"NOTIFIER_POLL_SECONDS": "1"},
    )
    stack.start(say=lambda line: None)
    try:
        summary = asyncio.run(
            run_all(stack.gateway_url, stack.sandbox_url, stack.secrets.console_token, args)
        )
    finally:
        stack.stop()
    return report(summary, stamp, str(args.model))


async def run_all(gateway: str, sandbox: str, token: str, args: argparse.Namespace) -> dict:
    styles = set(args.styles.split(",")) if args.styles else None
    summary = await run_dialogues(
        gateway, sandbox, citizens=args.citizens, concurrency=args.concurrency, token=token, styles=styles
    )
    if args.after_filing:
        summary["after_filing"] = await run_after_filing(
            gateway, sandbox, citizens=args.after_filing, concurrency=min(3, args.concurrency), token=token
        )
    return summary


def report(summary: dict, stamp: str, model: str) -> int:
    summary["model"] = model
    path = write_results(summary, stamp)
    shown = {k: v for k, v in summary.items() if k != "outcomes"}
    if "after_filing" in shown:
        shown["after_filing"] = {k: v for k, v in shown["after_filing"].items() if k != "outcomes"}
    print(json.dumps(shown, indent=2, ensure_ascii=False))
    print(f"[bench] results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
