"""Equivalent terms users and descriptions use for the same thing ("pozycjonowanie stron" = "SEO").

Descriptions favour abbreviations and formal terms; jobseekers type the everyday word.
Each group lists terms that mean the same; a question naming one term is searched
lexically with all of them. Terms are matched on folded lemmas (see ``text.stem_tokens``).
"""

from __future__ import annotations

from functools import lru_cache

from .text import stem_tokens

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


@lru_cache(maxsize=1)
def _compiled() -> list[list[tuple[str, ...]]]:
    return [[tuple(stem_tokens(term)) for term in group] for group in GROUPS]


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
