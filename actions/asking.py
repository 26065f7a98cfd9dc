"""A form's questions: Rasa asks for a slot by running `action_ask_<slot>` (dialogue/domain.yml)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class Question(Action, ABC):
    """The question for `slot`; abstract, so rasa_sdk registers only the questions built on it."""

    slot: ClassVar[str]

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await self.ask(dispatcher, tracker)

    @abstractmethod
    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Puts the question to the citizen; returns the slots it sets."""
