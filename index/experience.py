"""Which occupations fit work described in one's own words ("Przez 10 lat pracowałem na budowie przy wylewaniu
betonu"): the job-offer model's ranking, the occupations whose tasks read closest and those whose names the words
say, fused by rank.

The job-offer model learned from how ads name jobs: it knows "kasjerka w Biedronce" but reads a sentence about pouring
concrete as a building-site title (site manager, engineer). The descriptions' tasks say what the work is ("Wykonywanie
mieszanki betonowej…"): they know the concrete worker, but a cashier's few tasks are near many shops' others. Each
misses what the other finds; a reciprocal-rank fusion keeps what either ranks high (both high: first).

Example::

    described(searcher, "pracowałam 5 lat jako kasjerka w supermarkecie")[0].name   # 'Kasjer handlowy'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .resolve import Candidate

if TYPE_CHECKING:
    from .search import Searcher

DEPTH = 10  # places of each ranking that count
RRF_K = 10  # the fusion's damping: first place scores 1/10, tenth 1/19 (the usual 60 flattens a list of ten)
POOL = 60  # passages per section read for the task ranking
SECTIONS = ("task", "overview")  # what a job is; ESCO's short skill labels match any sentence ("pakować" in all)


def by_tasks(s: Searcher, text: str) -> list[str]:
    """Occupations by the cosine of their closest task or overview passage to the text (among each section's
    first ``POOL`` passages by the search's own ranking)."""
    best: dict[str, float] = {}
    for section in SECTIONS:
        for h in s.search(text, section=section, k=POOL, resolve=False).hits:
            code = h.passage.occupation_code
            best[code] = max(best.get(code, 0.0), h.similarity)
    return sorted(best, key=lambda c: -best[c])


LEAD = 2 / RRF_K + 1 / (RRF_K + 4)  # two rankings' first place and the third's fifth, or as much otherwise


def agreed(candidates: list[Candidate]) -> bool:
    """The rankings agree on the first candidate (``LEAD``): it is clearly ahead of the others. (Of 75 jobs described
    in the team's conversation sets, 30 had such a first candidate, 27 of them the labelled occupation; of the other
    45 first candidates, 23. All three rankings first: 22, 20 of them right.)"""
    return bool(candidates) and candidates[0].score >= LEAD - 1e-9 and (
        len(candidates) < 2 or candidates[1].score < LEAD - 1e-9)  # and no other as far: a tie leads nowhere


def described(s: Searcher, text: str, k: int = 4) -> list[Candidate]:
    """The ``k`` occupations the three rankings put highest together; ``score`` is the fused one (not a
    probability)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    s.encode_later(text)  # the tasks' query vector on the other core while the job-offer model ranks
    offers = s.classifier.ranked(text, DEPTH)
    # the names the words say, in any language the glossary has ("fix bicycles in a bike shop": the bicycle
    # mechanic's English names), which neither the Polish ads nor the Polish tasks read well. The resolver's own
    # matches, not its reading: on a sentence that reading is the job-offer model's again (counted twice, 43 of 75
    # described jobs in the conversation sets were first; with the matches, 50)
    lexical = s.resolver.lexical(text)
    names = sorted(lexical, key=lambda c: -lexical[c][0])
    fused: dict[str, float] = {}
    for ranking in (offers, by_tasks(s, text), names):
        for i, code in enumerate(ranking[:DEPTH]):
            fused[code] = fused.get(code, 0.0) + 1.0 / (RRF_K + i)
    top = sorted(fused, key=lambda c: -fused[c])[:k]
    return [Candidate(c, s.occupations[c]["name"], fused[c]) for c in top]
