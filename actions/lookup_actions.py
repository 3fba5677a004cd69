"""Counsellors' look-ups in the chat: compare two occupations, related occupations."""

from __future__ import annotations

import re

from index.related import Comparison
from index.search import Searcher

from .base import DoradcaAction, Turn
from .compose import choose_buttons, comparison_messages, related_text
from .messages import say
from .runtime import relations, searcher

CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
# Words around the names in "porównaj zawody piekarz i kucharz", "czym się różni piekarz od kucharza?"
FRAME = re.compile(
    r"(?i)\b(porównaj\w*|porownaj\w*|porównanie|porownanie|zawody|zawodów|zawod\w*|czym|się|sie|różni\w*|rozni\w*"
    r"|różnic\w*|roznic\w*|compare|comparison|difference|differences|between|the|occupations|jobs"
    r"|порівня\w*|різниц\w*|між|професі\w*)\b")
# ... and in "jakie są zawody pokrewne do piekarza?"
RELATED_WORDS = re.compile(r"(?i)\b(pokrewn\w*|podobn\w*|jakie|jaki|są|sa|do|dla|related|similar|to|what|are|які|є|схож\w*"
                           r"|спорідн\w*|co|jeszcze|mogę|moge|robić|robic|takimi|umiejętnościami|w|pracować|pracowac)\b")
SEPARATOR = re.compile(r"(?i)\s*(?:,|;|/|\bi\b|\boraz\b|\ba\b|\bod\b|\bz\b|\bvs\.?|\bversus\b|\band\b|\bі\b|\bта\b|\bй\b|\bвід\b)\s*")


def codes_in(text: str, s: Searcher) -> list[str]:
    """KZiS codes the text mentions, in order, known ones only."""
    return [c for c in dict.fromkeys(CODE.findall(text)) if c in s.occupations]


def two_occupations(text: str, s: Searcher, current: str | None) -> list[str]:
    """The occupations a comparison names: two codes, or two names ("piekarza i kucharza"), or one of them
    and the occupation the conversation is about."""
    found = codes_in(text, s)
    if len(found) < 2:
        rest = FRAME.sub(" ", CODE.sub(" ", text)).strip(" ?!.")
        for part in (p.strip() for p in SEPARATOR.split(rest)):
            if part and re.search(r"[^\W\d_]{3,}", part):
                res = s.resolve(part)
                if res.confident and res.best and res.best.code not in found:
                    found.append(res.best.code)
    if len(found) == 1 and current and current != found[0]:
        found.insert(0, current)
    return found[:2]


class ActionCompareOccupations(DoradcaAction):
    def name(self) -> str:
        return "action_compare_occupations"

    def act(self, turn: Turn) -> None:
        q = turn.question()
        if q is None:
            return
        s = searcher()
        codes = two_occupations(q, s, turn.tracker.get_slot("occupation_code"))
        if len(codes) < 2:
            turn.kind = "asked"
            turn.say(say("compare_which", turn.lang))
            return
        c: Comparison = relations().compare(codes[0], codes[1])
        turn.set("occupation_code", codes[1])
        turn.set("last_question", "")
        turn.say_all(comparison_messages(c, turn.lang))


class ActionRelatedOccupations(DoradcaAction):
    def name(self) -> str:
        return "action_related_occupations"

    def act(self, turn: Turn) -> None:
        q = turn.question()
        if q is None:
            return
        s = searcher()
        code = next(iter(codes_in(q, s)), None)
        if code is None:
            rest = RELATED_WORDS.sub(" ", FRAME.sub(" ", q))
            res = s.resolve(rest) if re.search(r"[^\W\d_]{3,}", rest) else None
            named = res.best.code if res and res.confident and res.best and res.method == "lexical" else None
            code = named or turn.tracker.get_slot("occupation_code")
        if not code:
            turn.kind = "asked"
            turn.say(say("which_occupation", turn.lang))
            return
        related = relations().related(code, 6)
        turn.set("occupation_code", code)
        turn.say(related_text(s.occupations[code]["name"], code, related, turn.lang),
                 buttons=choose_buttons([(r.code, r.name) for r in related]))
        turn.kind = "answered"

