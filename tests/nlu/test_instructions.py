"""What the assistant tells a citizen to type is understood when they type it (issue found by an outsider's
probe: "ketik 'jawab laporan 4395572'" fell back to "Maaf, saya belum paham")."""

from __future__ import annotations

import asyncio
import re

import pytest

from actions.after_filing import texts as after_filing
from actions.report import texts as report
from bot.local.nlu_eval import MODEL

TRACKING_ID = "4395572"
# Each text that says `ketik "..."`, filled as the assistant sends it, and the intent its words must get.
INSTRUCTIONS = [
    (after_filing.POSTPONED.format(id=TRACKING_ID, when="sekitar pukul 08.00"), "answer_agency"),
    (after_filing.ADD_LATER.format(id=TRACKING_ID), "add_to_reply"),
    (after_filing.FOLLOW_UP_POSTPONED.format(id=TRACKING_ID), "add_to_reply"),
    (report.DAILY_LIMIT_AT_START.format(limit=5), "check_status"),
]


def _typed(instruction: str) -> str:
    return re.search(r'[Kk]etik "([^"]+)"', instruction).group(1)


@pytest.fixture(scope="module")
def parse():
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return lambda text: asyncio.run(agent.parse_message(text))


@pytest.mark.model
@pytest.mark.parametrize("instruction, intent", INSTRUCTIONS)
def test_what_the_assistant_tells_citizens_to_type_is_understood(parse, instruction, intent):
    typed = _typed(instruction)
    parsed = parse(typed)
    assert parsed["intent"]["name"] == intent, (typed, parsed["intent"])
    if TRACKING_ID in typed:
        assert {"entity": "tracking_id", "value": TRACKING_ID} in [
            {"entity": e["entity"], "value": e["value"]} for e in parsed["entities"]
        ]
