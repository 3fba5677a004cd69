"""Counsellors' look-ups in the chat: compare two occupations, related occupations."""

from __future__ import annotations

import re

from index.search import Searcher
from index.text import name_text, name_words

from .base import DoradcaAction, Turn

CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
# Words around the names in "porównaj zawody piekarz i kucharz", "czym się różni piekarz od kucharza?"
FRAME = re.compile(
    r"(?i)\b(porównaj\w*|porownaj\w*|porównanie|porownanie|zawody|zawodów|zawod\w*|czym|się|sie|różni\w*|rozni\w*"
    r"|różnic\w*|roznic\w*|compare|comparison|difference|differences|between|the|occupations|jobs|what|is|an"
    r"|порівня\w*|різниц\w*|відрізня\w*|чим|між|професі\w*"
    # "te dwie prace", "the two", "ці дві роботи": the occupations the conversation keeps, not names
    r"|te|tych|dwie|dwa|dwóch|dwoch|obie|oba|obu|mi|praca|pracy|prace|pracę|two|both|them|these|those|job"
    r"|ці|цих|дві|два|обидві|обидва|робота|роботи|роботу|мені)\b")
LIKELY = 0.3  # a part of a comparison names an occupation when the resolver gives it this much
SEPARATOR = re.compile(r"(?i)\s*(?:,|;|/|\bi\b|\boraz\b|\ba\b|\bod\b|\bz\b|\bvs\.?|\bversus\b|\band\b"
                       r"|\bі\b|\bта\b|\bй\b|\bвід\b)\s*")


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
            part = name_text(part) if name_words(part) else ""  # without the question's own words
            if part and re.search(r"[^\W\d_]{3,}", part):
                res = s.resolve(part)
                if res.best and (res.confident or res.best.score >= LIKELY) and res.best.code not in found:
                    found.append(res.best.code)
    if len(found) == 1 and current and current != found[0]:
        found.insert(0, current)
    return found[:2]


class ActionCompareOccupations(DoradcaAction):
    def name(self) -> str:
        return "action_compare_occupations"

    def act(self, turn: Turn) -> None:
        from .converse import converse

        converse(turn)


class ActionRelatedOccupations(DoradcaAction):
    def name(self) -> str:
        return "action_related_occupations"

    def act(self, turn: Turn) -> None:
        from .converse import converse

        converse(turn)
