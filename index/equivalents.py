"""Equivalent terms users and descriptions use for the same thing ("pozycjonowanie stron" = "SEO", "kaloryfer" =
"grzejnik" = "радіатор" = "radiator").

Descriptions favour abbreviations and formal terms; jobseekers type the everyday word, often in Ukrainian or
English. Each group lists terms that mean the same: a question naming one is searched lexically with all of them,
and a passage holding any of them shares the question's topic (``words_like``). The phrases are written here; the
single words of everyday, formal, Ukrainian and English speech are the team's glossary ``data/equivalents.yml``.
Terms are matched on folded lemmas (see ``text.stem_tokens``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .config import ROOT
from .text import folded_lemma, stem_tokens

GLOSSARY = ROOT / "data" / "equivalents.yml"

GROUPS: list[list[str]] = [
    ["SEO", "pozycjonowanie stron", "pozycjonowanie", "optymalizacja stron w wyszukiwarkach"],
    ["SEM", "marketing w wyszukiwarkach", "linki sponsorowane", "reklama w wyszukiwarkach"],
    ["BHP", "bezpieczeństwo i higiena pracy"],
    ["PPOŻ", "ochrona przeciwpożarowa"],
    ["HACCP", "bezpieczeństwo żywności"],
    ["CAD", "projektowanie wspomagane komputerowo"],
    ["CNC", "obrabiarki sterowane numerycznie"],
    ["PR", "public relations"],
    ["HR", "zasoby ludzkie", "kadry"],
    ["social media", "media społecznościowe", "serwisy społecznościowe"],
    ["prawo jazdy", "uprawnienia do kierowania pojazdami"],
    ["arkusz kalkulacyjny", "Excel"],
    ["RODO", "ochrona danych osobowych"],
    ["fotografia", "zdjęcia"],
]


@lru_cache(maxsize=4)
def word_groups(path: Path = GLOSSARY) -> list[list[str]]:
    """The glossary's groups of single words (``data/equivalents.yml``)."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    return [[str(w).strip() for w in g if str(w).strip()] for g in groups or []]


@lru_cache(maxsize=1)
def _like() -> dict[str, frozenset[str]]:
    """Folded lemma -> the folded lemmas of the other words of its glossary group."""
    out: dict[str, frozenset[str]] = {}
    for group in word_groups():
        keys = {folded_lemma(w.lower()) for w in group}
        for k in keys:
            out[k] = out.get(k, frozenset()) | (keys - {k})
    return out


def words_like(lemmas: set[str]) -> set[str]:
    """The folded lemmas the glossary says mean the same as any of ``lemmas`` (not those themselves)."""
    like = _like()
    return set().union(*(like.get(w, frozenset()) for w in lemmas)) - lemmas


@lru_cache(maxsize=1)
def _compiled() -> list[list[tuple[str, ...]]]:
    return [[tuple(stem_tokens(term)) for term in group] for group in [*GROUPS, *word_groups()]]


def expand(tokens: list[str]) -> list[str]:
    """Add the tokens of every term equivalent to a term found in ``tokens``."""
    out = list(tokens)
    for group in _compiled():
        if any(_contains(tokens, term) for term in group):
            for term in group:
                if not _contains(tokens, term):
                    out.extend(term)
    return out


def _contains(tokens: list[str], term: tuple[str, ...]) -> bool:
    n = len(term)
    return n > 0 and any(tuple(tokens[i : i + n]) == term for i in range(len(tokens) - n + 1))
