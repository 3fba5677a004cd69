"""Greeting, thanks, goodbye, what the bot can do, out of scope, and the counsellor's contact."""

from __future__ import annotations

from index.config import settings

from .base import DoradcaAction, Turn
from .messages import say
from .settings import load_office

SURE = 0.6  # the learned model's probability above which it overrides Rasa's small-talk intent


def asks_about_occupations(turn: Turn) -> bool:
    """Rasa's intent model took a typed message for small talk ("Do I need to speak Polish?" -> a human); the
    model of the team's labelled messages, sure it asks about occupations, hands it to ``converse``."""
    if not turn.text.strip() or turn.text.startswith("/"):
        return False
    from .runtime import asks

    ask = asks().predict(turn.text)
    if ask.kind in ("chitchat", "off_topic") or ask.p < SURE:
        return False
    from .converse import converse

    converse(turn)
    return True


class _Say(DoradcaAction):
    key = ""

    def act(self, turn: Turn) -> None:
        if not asks_about_occupations(turn):
            turn.say(say(self.key, turn.lang))


class ActionGreet(_Say):
    key = "greet"

    def name(self) -> str:
        return "action_greet"


class ActionGoodbye(_Say):
    key = "goodbye"

    def name(self) -> str:
        return "action_goodbye"


class ActionThank(_Say):
    key = "thank"

    def name(self) -> str:
        return "action_thank"


class ActionCapabilities(_Say):
    key = "capabilities"

    def name(self) -> str:
        return "action_capabilities"


class ActionOutOfScope(DoradcaAction):
    def name(self) -> str:
        return "action_out_of_scope"

    def act(self, turn: Turn) -> None:
        # Rasa's intent model found the message off topic or was unsure: what it asks is decided by the model of
        # the team's labelled messages, and one that names an occupation ("ślusarz", "Кондитер") is answered.
        from .converse import converse

        converse(turn)


class ActionContactCounsellor(DoradcaAction):
    def name(self) -> str:
        return "action_contact_counsellor"

    def act(self, turn: Turn) -> None:
        if not asks_about_occupations(turn):
            contact(turn)


def contact(turn: Turn) -> None:
    """The office's counsellor: read per request, the office may edit its file."""
    office = load_office(settings().office_file)
    address = f"\n{office.address}" if office.address else ""
    turn.say(say("contact", turn.lang, name=office.name, phone=office.phone, email=office.email,
                 hours=office.hours, address=address))


class ActionWarmup(DoradcaAction):
    """Not in the domain: called by the launcher so the model and index load before the first user, and by its
    health check, which so exercises the worker, the model and the loaded index (one search)."""

    def name(self) -> str:
        return "action_warmup"

    def act(self, turn: Turn) -> None:
        from .runtime import searcher

        searcher().search("kucharz", k=1)
        turn.kind = None  # a health check, not a user's turn: not counted
