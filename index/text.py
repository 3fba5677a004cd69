"""Text normalisation for matching Polish occupation names and questions.

Lemmas come from simplemma (dictionary based, pl/uk/en); on top of that every token
gets a set of *keys*: its folded surface form, its folded lemma and masculine
variants of female forms ("spawaczka" -> "spawacz", "księgowa" -> "ksiegowy"),
so that a user's word and a name's word match when their key sets meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+", re.U)
ABBREVIATIONS = [
    (re.compile(r"\bds\.?(?=\s|$)", re.I), "do spraw"),
    (re.compile(r"\bd/s\b", re.I), "do spraw"),
    (re.compile(r"\bspec\.(?=\s)", re.I), "specjalista"),
    (re.compile(r"\bkier\.(?=\s)", re.I), "kierownik"),
]
# Female -> male endings (several candidates where Polish is ambiguous: -czka is -cz or -k).
FEMALE_ENDINGS: list[tuple[str, tuple[str, ...]]] = [
    ("czyni", ("ca",)),
    ("yni", ("",)),
    ("niczka", ("nik",)),
    ("czka", ("cz", "k")),
    ("arka", ("arz",)),
    ("erka", ("er",)),
    ("stka", ("sta",)),
    ("żka", ("g",)),
    ("ica", ("ik",)),
    ("owa", ("owy",)),
    ("na", ("ny",)),
    ("ka", ("",)),
]
FILLER = {"do", "spraw", "i", "w", "z", "ze", "na", "oraz", "od", "the", "a", "of", "and", "для", "з"}


def fold(text: str) -> str:
    """Lowercase and strip diacritics (ł -> l as well), for users who type without Polish letters."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def expand(text: str) -> str:
    """Expand abbreviations users type ("ds." -> "do spraw")."""
    for pattern, repl in ABBREVIATIONS:
        text = pattern.sub(repl, text)
    return text


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(expand(text))]


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    if re.search("[а-яіїєґ]", word):
        return simplemma.lemmatize(word, lang="uk")
    return simplemma.lemmatize(word, lang="pl")


@lru_cache(maxsize=200_000)
def keys(word: str) -> frozenset[str]:
    """Match keys of one lowercased word."""
    lem = lemma(word).lower()
    out = {fold(word), fold(lem)}
    for base in (word, lem):
        for ending, repl in FEMALE_ENDINGS:
            if base.endswith(ending) and len(base) > len(ending) + 2:
                stem = base[: -len(ending)]
                if ending == "ka" and stem[-1] in "aeiouyąęó":
                    continue
                out.update(fold(stem + r) for r in repl)
                break
    return frozenset(k for k in out if k)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in FILLER and not w.isdigit()]


def stem_tokens(text: str) -> list[str]:
    """Tokens for BM25: folded lemmas of the content words."""
    return [fold(lemma(w)) for w in words(text) if w not in FILLER]
