"""Questions about occupations: answer, follow up, show more, choose among candidates, find occupations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.answer import leading
from index.config import settings
from index.intent import names_occupation, section_intent
from index.resolve import Resolution, holds_words
from index.search import Searcher, strip_words
from index.text import content_words, fold, name_words, words

from . import metrics
from .base import DoradcaAction, Turn
from .compose import choose_buttons, counsellor_button, occupations_text
from .messages import ABOUT, label, say
from .runtime import searcher
from .settings import load_office

SIBLING_HEADS = 30  # names a first word may start for "a X?" to name the sibling the other words tell apart
SWITCH_COVERAGE = 1.0  # in a conversation about X, a message names another occupation only with all its words
SUGGEST_MIN = 0.05  # calibrated probability below which a candidate is not worth a button
ASK_MIN = 0.2  # below this the bot does not know the occupation (it offers the candidates it has)
NOT_A_TOPIC = ("experience", "name", "classify_offer")
SHOW_ALL = re.compile(r"wszystk|\ball\b|\bвсе\b|\bусе\b", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    """What to do with a question: answer about ``code``, ask to choose, or say the occupation is unknown."""

    kind: str  # "answer" | "choose" | "unknown" | "which"
    code: str | None = None
    question: str = ""  # the question to rank passages by (without the occupation's name)
    candidates: tuple[tuple[str, str], ...] = ()  # to choose from, or other occupations the words may name
    words: str = ""


def decide(s: Searcher, q: str, res: Resolution, current: str | None) -> Decision:
    """Pick the occupation of a question, given the one the conversation is about (if any).

    A message that introduces an occupation of its own ("czym zajmuje się księgowa?", "I was a nurse")
    never gets the current occupation's passages: it is answered about the occupation found, or the
    bot asks which one is meant, or says it does not know it.
    """
    best = res.best
    named = name_words(q)
    cands = tuple((c.code, c.name) for c in res.candidates[:3])
    introduces = bool(named) and names_occupation(q)
    if res.method == "lexical" and best is not None:
        if res.confident and (current is None or res.coverage >= SWITCH_COVERAGE or introduces
                              or (res.asks_name_only and _sibling(s, best.code, current))):
            return Decision("answer", best.code, _about(q, s.ranking_question(q, res), best.name, introduces))
        if current and not introduces and not (res.asks_name_only and res.head_named):
            return Decision("answer", current, _without_name(s, q, current), cands)  # topic words that match a name
        return Decision("choose", None, strip_words(q, res.name_words), _showing(res), " ".join(res.name_words))
    if res.method == "fused" and best is not None and named:
        # named by a job title, an example or another language, not by the words of a Polish name
        if res.confident and (current is None or introduces):
            return Decision("answer", best.code, _about(q, strip_words(q, tuple(named)), best.name, introduces))
        if current and not introduces:
            return Decision("answer", current, _without_name(s, q, current), cands)
        # never offer the occupation the conversation is about as what a new name means
        likely = tuple((c.code, c.name) for c in res.candidates[:3] if c.score >= SUGGEST_MIN and c.code != current)
        if len(likely) > 1 and best.score >= ASK_MIN and best.code != current:
            return Decision("choose", None, strip_words(q, tuple(named)), likely, " ".join(named))
        return Decision("unknown", None, q, likely)
    if current:
        return Decision("answer", current, _without_name(s, q, current))
    return Decision("which")


def _without_name(s: Searcher, q: str, code: str) -> str:
    """A follow-up without the words that name the occupation it is about: the passages are ranked by the question
    ("jakie są wymagania zdrowotne dla szeregowego?" by what is asked, not by the passage that says "szeregowy")."""
    name = s.occupations[code]["name"]
    found = name_words(q)
    drop = {w for w in found if holds_words(name, [w], near=False)}
    seq = words(q)
    for other in s.classifier.names_of(code):  # another of its names said whole, as one phrase ("customs agent")
        n = len(content_words(other))
        for i in range(len(seq) - n + 1) if n else ():
            if all(holds_words(other, [w], near=False) for w in seq[i:i + n]) and len(set(seq[i:i + n])) == n:
                drop.update(seq[i:i + n])
    return strip_words(q, tuple(w for w in found if w in drop)) or q


def _sibling(s: Searcher, code: str, current: str) -> bool:
    """Another occupation of the same kind as the current one, named by what tells them apart: "a autobus?" after
    Kierowca ciągnika siodłowego is Kierowca autobusu (both names start with the same word; "a BHP?" after Kucharz
    stays a topic). A word that starts hundreds of names ("Operator") says so only within one KZiS unit group:
    "a koparko-ładowarka?" after Operator koparki."""
    name = s.occupations[code]["name"]
    other = content_words(s.occupations[current]["name"])
    head = other[:1]
    return (bool(other) and content_words(name)[:1] == head and fold(name) != fold(s.occupations[current]["name"])
            and (_heading(s).get(head[0], 0) <= SIBLING_HEADS or code[:4] == current[:4]))


_HEADING: dict[int, dict[str, int]] = {}  # per index version's occupations (id): counted once, not per message


def _heading(s: Searcher) -> dict[str, int]:
    """How many official names start with each word: "Specjalista" starts hundreds (its "a rekrutacja?" is a topic),
    "Kierowca" a dozen."""
    found = _HEADING.get(id(s.occupations))
    if found is None:
        found = {}
        for occ in s.occupations.values():
            for first in content_words(occ["name"])[:1]:
                found[first] = found.get(first, 0) + 1
        _HEADING.clear()  # a rebuilt index replaces the old one: keep only the one in use
        _HEADING[id(s.occupations)] = found
    return found


def _showing(res: Resolution) -> tuple[tuple[str, str], ...]:
    """Three candidates to choose from, those whose official name has the words the message named them by first:
    the buttons show what the user typed ("specjalista" -> "Specjalista ..."), not first an occupation that only a
    synonym links to the word."""
    keys = [fold(w) for w in res.name_words]
    cands = [(c.code, c.name) for c in res.candidates]
    shown = [(code, name) for code, name in cands if all(k in fold(name) for k in keys)]
    return tuple(shown + [c for c in cands if c not in shown])[:3]


def _about(q: str, rest: str, name: str, introduces: bool) -> str:
    """What to rank passages by once the occupation is known: the rest of the question; for a statement that only
    introduces the occupation ("Я працювала касиркою в супермаркеті"), the occupation itself."""
    if introduces and "?" not in q and section_intent(q) is None:
        return name
    return rest or name


def resolve(s: Searcher, q: str) -> Resolution:
    """The occupation a question names, timed and its confidence recorded for the metrics."""
    with metrics.RESOLVE_SECONDS.time():
        res = s.resolve(q, then_search=True)  # an answer ranks passages by the rest of the question
    if res.best is not None:
        metrics.CONFIDENCE.observe(res.best.score)
    return res


def route(turn: Turn, topic: str, name: str | None) -> None:
    """A question no description answers: where the office answers it (offers page, counsellor)."""
    office = load_office(settings().office_file)
    about = label(ABOUT, turn.lang).format(name=name) if name else ""
    turn.say(say(f"out_{topic}", turn.lang, about=about, url=office.offers_url), buttons=[counsellor_button(turn.lang)])
    turn.kind = "declined"


class ActionAnswerOccupation(DoradcaAction):
    def name(self) -> str:
        return "action_answer_occupation"

    def act(self, turn: Turn) -> None:
        from .converse import converse

        converse(turn)


class ActionChooseOccupation(DoradcaAction):
    def name(self) -> str:
        return "action_choose_occupation"

    def act(self, turn: Turn) -> None:
        from .converse import answer_chosen, converse

        code = next(turn.tracker.get_latest_entity_values("code"), None)
        if turn.text.startswith("/") and code:  # a button: answers the question pending when it was offered
            answer_chosen(turn, code)
        else:
            converse(turn)


class ActionShowMore(DoradcaAction):
    def name(self) -> str:
        return "action_show_more"

    def act(self, turn: Turn) -> None:
        from .converse import converse

        converse(turn)


class ActionFindOccupations(DoradcaAction):
    def name(self) -> str:
        return "action_find_occupations"

    def act(self, turn: Turn) -> None:
        q = turn.question()
        if q is None:
            return
        from .converse import converse
        from .runtime import asks

        # one's own work described (the job-offer model's occupations), an occupation named, an offer to code: the
        # conversation's policy, not a search of the descriptions for a topic
        if asks().predict(q).kind in NOT_A_TOPIC:
            converse(turn)
            return
        s = searcher()
        result = s.search(q, resolve=False, k=60)
        if not result.hits or not result.answered:
            turn.kind = "declined"
            turn.say(say("found_none", turn.lang), buttons=[counsellor_button(turn.lang)])
            return
        text, shown = occupations_text(leading(result.hits), 5, turn.lang, say("found_in", turn.lang))
        buttons = choose_buttons([(h.passage.occupation_code, h.passage.occupation_name) for h in shown])
        turn.set("last_question", "")
        turn.set("last_ask", "overview")  # a button opens what that occupation is
        turn.set("last_list", None)
        turn.say(text, buttons=buttons, passages=True)
        turn.kind = "answered"
