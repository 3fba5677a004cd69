"""What every doradca action shares: the turn's language, the one-time note on Polish passages, error replies.

Actions read the slots and the latest message only: the Rasa server sends the current turn's events, not the
whole conversation (bot/rasa_patches.py), so ``tracker.events`` holds no earlier turns.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from index.search import QueryError, check_question
from index.text import language, names_only
from index.translit import latin_ukrainian

from . import metrics
from .messages import say

log = logging.getLogger(__name__)


# Spellings Polish has and the romanisation of Ukrainian has not ("fotowoltaiki", "szklarz", "kierowca")
POLISH_SPELLING = re.compile(r"(?i)w|cz|sz|rz|[ąćęłńóśźż]")


class Turn:
    """The user's message, its language and the events the action will return."""

    def __init__(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
        self.tracker = tracker
        self.dispatcher = dispatcher
        typed = (tracker.latest_message or {}).get("text") or ""
        # Ukrainian typed in Latin letters ("shcho robyt zvaryuvalnyk?") is read as if typed in Cyrillic
        self.text: str = typed if typed.startswith("/") else latin_ukrainian(typed) or typed
        slot = tracker.get_slot("language")  # none before the first answered message
        previous = slot or "pl"
        # an earlier message of the user's settled the conversation's language: a job title in English then changes
        # nothing ("Key Account Manager"), while a first message of English words only ("receptionist") is English.
        # The slot says so: the action server sees only the current turn's events (bot/rasa_patches.py).
        settled = slot is not None
        if (settled and previous != "uk" and self.text != typed and names_only(self.text)
                and POLISH_SPELLING.search(typed)):
            self.text = typed  # "a monter fotowoltaiki?" in a Polish conversation is a Polish name, not Ukrainian
        # a button's payload ("/ask_human") says nothing about the user's language
        self.lang = previous if self.text.startswith("/") else language(self.text, default=previous, settled=settled)
        # a payload before any typed message (Telegram's /start) settles nothing
        unsettled_payload = slot is None and self.text.startswith("/")
        same = self.lang == slot or unsettled_payload
        self.events: list[EventType] = [] if same else [SlotSet("language", self.lang)]
        self._noted = bool(tracker.get_slot("language_noted"))
        self._set: dict[str, Any] = {}  # slots this turn set, with their values
        # how the turn ended, for the metrics: answered, asked, declined, apology, other; None: not a user's turn
        self.kind: str | None = "other"

    def say(self, text: str, buttons: list[dict[str, str]] | None = None, passages: bool = False) -> None:
        """Send a message; the first passages shown to a non-Polish user carry a note that they are Polish."""
        if passages and self.lang != "pl" and not self._noted:
            text = f"{say('polish_note', self.lang)}\n{text}"
            self._noted = True
            self.events.append(SlotSet("language_noted", True))
        self.dispatcher.utter_message(text=text, buttons=buttons or [])

    def say_all(self, messages: list[str]) -> None:
        """Passages split into several messages (``compose.pack``), sent in order."""
        for text in messages:
            self.say(text, passages=True)
        self.kind = "answered"

    def question(self) -> str | None:
        """The message as a question, or None after telling the user it cannot be one."""
        try:
            return check_question(self.text)
        except QueryError:
            self.say(say("bad_question", self.lang))
            return None

    def set(self, slot: str, value: Any) -> None:
        """Set a slot; compared with what this turn set before, else with the tracker (the last event wins)."""
        before = self._set[slot] if slot in self._set else self.tracker.get_slot(slot)
        if before != value:
            self.events.append(SlotSet(slot, value))
            self._set[slot] = value


class DoradcaAction(Action, ABC):
    """Runs ``act``; any failure becomes an apology instead of a silent bot (abstract: not registered)."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def act(self, turn: Turn) -> None: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        turn = Turn(tracker, dispatcher)
        try:
            with metrics.ACTION_SECONDS.labels(self.name()).time():
                self.act(turn)
        except Exception:  # the user gets an apology, the log gets the traceback
            log.exception("action %s failed", self.name())
            metrics.ACTION_ERRORS.labels(self.name()).inc()
            turn.kind = "apology"
            dispatcher.utter_message(text=say("error", turn.lang))
        if turn.kind is not None:
            metrics.REPLIES.labels(turn.kind).inc()
        return turn.events
