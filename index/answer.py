"""What to answer about one occupation: a section listing, the passages of a specific question, or a decline.

The step between search and the bot's messages: it decides from the question, its kind (what the message asks,
``index.asks``) and the description alone (no wording), so the bot and the benchmark of answerable questions share
one decision. Job offers and salaries never reach it: the bot routes them (``actions.policy``).

| kind of question | plan |
|---|---|
| a kind of information ("co musi wiedzieć?", "czym się zajmuje?", "jakie wykształcenie?") or just a name | ``listing`` of that section in the description's order, or of the section that stands in for a missing one; training without one is searched, then the skills stand in |
| something specific ("czy trzeba znać SEO?"), working conditions | ``passages`` close to it, the closest ones said to be so (``near``), or ``none`` |

Example::

    p = plan_for(searcher, "243108", "czy trzeba znać SEO?", page=5, ask="specific")
    p.kind, p.hits[0].passage.section        # ('passages', 'knowledge')
"""  # noqa: E501 - a table's rows stay one line each

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import takewhile
from typing import Literal

from .distinct import distinct
from .search import MAX_K, Hit, Searcher
from .text import fold

NEAR_SHOWN = 3  # passages shown as the closest to a question the description does not answer
RELATIVE_CUT = 0.05  # a specific answer shows the passages scoring close to the best one
# A passage that can answer how to get into a job where the description has no training text: one that speaks of
# schools, courses, exams, licences or certificates (folded). Without it, "gdzie zrobić kurs spawania?" was answered
# with the welder's tasks: every one holds "spawania", the topic's word.
TRAINING_WORDS = re.compile(r"kurs|szkol|wyksztalc|uprawnien|egzamin|certyfik|swiadectw|dyplom|praw[oa] jazdy|"
                            r"kwalifikac|licencj|\budt\b|\bsep\b|studi|praktyk\w* zawodow|\bstaz|przyucz")
# Where a description lacks the section asked for (KZiS-only occupations have no knowledge/skill lists)
FALLBACK: dict[str, tuple[str, ...]] = {
    "knowledge": ("esco_skill", "task"),
    "skill": ("esco_skill", "task"),
    "social_competence": ("task",),
    "key_competence": ("task",),
    "esco_skill": ("task",),
    # no task says where to learn the job: the skills it takes stand in, said so, with the counsellor for schools
    "training": ("skill", "esco_skill", "knowledge", "overview", "task"),
    "overview": ("task",),
}


@dataclass(frozen=True)
class Plan:
    kind: Literal["listing", "passages", "none"]
    wanted: str | None = None  # the section asked for, or the kind of a searched question ("specific", "conditions")
    section: str | None = None  # the section listed (``listing``)
    hits: list[Hit] = field(default_factory=list)  # what to show first
    more: bool = False  # more of the listing is left for "więcej"
    shown: int = 0  # how far into the listing or the ranking "więcej" continues (the overview is extra)
    near: bool = False  # ``passages`` that come close without answering: said so before them

    @property
    def declined(self) -> bool:
        return self.kind == "none"


def leading(hits: list[Hit]) -> list[Hit]:
    """The first hits while they score close to the best one (a prefix, so "więcej" continues after it)."""
    best = hits[0].score if hits else 0.0
    return list(takewhile(lambda h: h.score >= best - RELATIVE_CUT, hits))


# What each kind of question (index/asks.py) lists: the section, before the stand-ins of FALLBACK.
SECTION_OF = {"task": "task", "overview": "task", "knowledge": "knowledge", "skill": "skill", "cv": "skill",
              "competence": "social_competence", "training": "training"}
SEARCHED = ("specific", "conditions")  # answered by the passages close to the question, or declined
KEY = ("kluczow", "key competenc", "ключов")


def plan_for(s: Searcher, code: str, question: str, page: int, ask: str, section: str | None = None) -> Plan:
    """The answer to a question of a known kind (``index.asks``) about ``code``.

    A kind of information the descriptions hold is never declined while the occupation has any content: its
    section, or the section that stands in for it. Training without a section of its own is first searched for in
    passages that speak of courses, licences or schools ("uprawnienia UDT"); else the skills the job takes stand
    in. Only a specific question (or one about working conditions) that no passage of the occupation covers is
    declined.
    """
    if section and s.catalog.section_passages(code, section):  # a section asked by name (a button): that one
        listing = s.listing(code, section)
        return Plan("listing", section, section, hits=listing[:page], more=len(listing) > page,
                    shown=min(page, len(listing)))
    if ask in SEARCHED:
        return searched(s, code, question, page, ask)
    wanted = SECTION_OF.get(ask, "task")
    if wanted == "social_competence" and any(k in fold(question) for k in KEY):
        wanted = "key_competence"
    has = s.catalog.section_passages
    if wanted == "training" and not has(code, "training"):  # a passage may still say it ("prawo jazdy kat. C")
        plan = searched(s, code, question, page, wanted)
        if not plan.declined:
            return plan
    section = next((x for x in (wanted, *FALLBACK.get(wanted, ())) if has(code, x)), None)
    section = section or next((x for x in ("overview", "task") if has(code, x)), None)
    if section is None:
        return Plan("none", wanted)
    head = s.listing(code, "overview")[:1] if ask == "overview" and section == "task" else []
    listing = s.listing(code, section)
    shown = listing[: page - len(head)]
    return Plan("listing", wanted, section, hits=head + shown, more=len(listing) > len(shown), shown=len(shown))


def searched(s: Searcher, code: str, question: str, page: int, ask: str) -> Plan:
    """The passages of ``code`` that answer ``question``; else the closest ones, said so (``Plan.near``): those of a
    question in another language not clearly answered, or those that hold the topic's words; else ``none``."""
    if ask == "training":  # only passages about getting in answer it (``TRAINING_WORDS``), wherever they rank
        result = s.search(question, occupation=code, k=MAX_K)
        hits = [h for h in result.hits if TRAINING_WORDS.search(fold(h.passage.text.lower()))]
        result = replace(result, hits=hits[: page * 2])
    else:
        result = s.search(question, occupation=code, k=page * 2)
    if result.answered and (not result.topic or any(h.sure for h in result.hits)):
        hits = distinct(leading(result.hits))[:page]
        return Plan("passages", ask, hits=hits, shown=len(hits))
    if result.answered:  # answered in another language, not clearly: the closest, said so
        hits = distinct(leading(result.hits))[:NEAR_SHOWN]
        return Plan("passages", ask, hits=hits, shown=len(hits), near=True)
    near = [h for h in result.hits if h.near][:NEAR_SHOWN]
    if near:
        return Plan("passages", ask, hits=near, shown=len(near), near=True)
    return Plan("none", ask)


def sections_of(s: Searcher, code: str) -> list[str]:
    """The sections the description of ``code`` has, in the order a reader meets them."""
    order = ("overview", "task", "knowledge", "skill", "social_competence", "key_competence", "esco_skill", "training")
    return [x for x in order if s.catalog.section_passages(code, x)]
