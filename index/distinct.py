"""Near-duplicate passages shown once: the same task in INFOdoradca+ and in the KZiS dictionary.

An occupation with both descriptions lists many tasks twice in other words ("Przygotowywanie analiz i
raportów w zakresie efektywności prowadzonych kampanii w mediach interaktywnych" and "Sporządzanie analiz
i raportów w zakresie efektywności prowadzonych kampanii"). A passage is a duplicate of an earlier one of
the same section from another source when most of the shorter one's lemmas are in the other; the earlier one
(descriptions come in order of richness: INFOdoradca+ first) is kept and the duplicate's source is cited beside it.
Within one source a repeat is deliberate (INFOdoradca+ lists the same knowledge under each task that needs it) and
stays.

Example::

    kept = distinct(hits)        # hits in order; kept[i].also holds the passages folded into it
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .text import FILLER, stem_tokens

if TYPE_CHECKING:
    from .search import Hit

SAME = 0.7  # share of the shorter one's lemmas in the other; on 243108 rewordings score 0.71-1.0, distinct tasks <= 0.6
MIN_WORDS = 3  # shorter passages are too short to call duplicates by their words


def _lemmas(text: str) -> frozenset[str]:
    return frozenset(t for t in stem_tokens(text) if t not in FILLER and len(t) > 2)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the shorter set's lemmas found in the other."""
    if min(len(a), len(b)) < MIN_WORDS:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def distinct(hits: list[Hit]) -> list[Hit]:
    """The hits without near-duplicates of an earlier hit; a duplicate's passage goes to the kept hit's ``also``.
    Greedy in order, so the result for a prefix of ``hits`` is a prefix of the result (pages stay stable)."""
    kept: list[Hit] = []
    seen: list[frozenset[str]] = []
    for h in hits:
        words = _lemmas(h.passage.text)
        twin = next((i for i, (k, w) in enumerate(zip(kept, seen))
                     if k.passage.section == h.passage.section and k.passage.source != h.passage.source
                     and overlap(words, w) >= SAME), None)
        if twin is None:
            kept.append(h)
            seen.append(words)
        else:
            kept[twin] = replace(kept[twin], also=(*kept[twin].also, h.passage))
    return kept
