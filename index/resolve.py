"""Find which occupation a message is about, among all KZiS occupations.

Lexical matching on name words (lemmas, female forms, missing Polish letters, "ds.")
against official names and GUS/ESCO synonyms; names in other languages fall back to
dense similarity between the message and the names (multilingual E5).

Example::

    r = resolver.resolve("Co robi sprzedawczyni?")
    r.candidates[0].code, r.ambiguous   # ('522301', False)
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import faiss
import numpy as np

from .store import Name
from .text import content_words, keys

WEAK = 0.75  # a match on the first 6 letters only (typo, unknown inflection)
LEXICAL_MIN = 0.5  # below this the lexical match does not name an occupation
AMBIGUITY_MARGIN = 0.04


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    score: float

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Resolution:
    candidates: list[Candidate]
    ambiguous: bool

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def confident(self) -> bool:
        return bool(self.candidates) and not self.ambiguous and self.candidates[0].score >= LEXICAL_MIN


class Resolver:
    """Ranks occupations for a message; build once per index (a few hundred ms)."""

    def __init__(self, names: list[Name], name_index: faiss.Index, official: dict[str, str]) -> None:
        if name_index.ntotal != len(names):
            raise ValueError("name index and name list differ in length")
        self.names = names
        self.name_index = name_index
        self.official = official
        self.tokens: list[list[tuple[frozenset[str], float]]] = []
        by_key: dict[str, set[int]] = defaultdict(set)
        by_prefix: dict[str, set[int]] = defaultdict(set)
        df: dict[str, int] = defaultdict(int)
        raw = [[keys(w) for w in content_words(n.text)] for n in names]
        for i, toks in enumerate(raw):
            for ks in toks:
                for k in ks:
                    by_key[k].add(i)
                    if len(k) >= 6:
                        by_prefix[k[:6]].add(i)
            for k in {min(ks, key=len) for ks in toks}:
                df[k] += 1
        n = len(names)
        for toks in raw:
            self.tokens.append([(ks, math.log(1 + n / df[min(ks, key=len)])) for ks in toks])
        self.by_key, self.by_prefix = by_key, by_prefix

    def lexical(self, text: str) -> dict[str, tuple[float, int]]:
        """Occupation code -> (score, index of the best name) from word matches."""
        qkeys = [keys(w) for w in content_words(text)]
        if not qkeys:
            return {}
        hits: set[int] = set()
        for ks in qkeys:
            for k in ks:
                hits |= self.by_key.get(k, set())
                if len(k) >= 6:
                    hits |= self.by_prefix.get(k[:6], set())
        q_all = set().union(*qkeys)
        q_prefix = {k[:6] for k in q_all if len(k) >= 6}
        best: dict[str, tuple[float, int]] = {}
        query_mass = 0.0
        scored = []
        for i in hits:
            total = matched = 0.0
            for ks, w in self.tokens[i]:
                total += w
                if ks & q_all:
                    matched += w
                elif any(len(k) >= 6 and k[:6] in q_prefix for k in ks):
                    matched += WEAK * w
            if total:
                scored.append((i, matched / total, matched))
                query_mass = max(query_mass, matched)
        for i, coverage, matched in scored:
            # prefer names that explain more of the message ("ogrodnik terenów zieleni" over "ogrodnik")
            score = 0.8 * coverage + 0.2 * (matched / query_mass if query_mass else 0.0)
            if self.names[i].kind == "official":
                score += 0.01
            code = self.names[i].code
            if score > best.get(code, (-1.0, 0))[0]:
                best[code] = (score, i)
        return best

    def dense(self, qvec: np.ndarray, k: int = 50) -> dict[str, float]:
        sims, rows = self.name_index.search(qvec.reshape(1, -1), k)
        out: dict[str, float] = {}
        for s, r in zip(sims[0], rows[0]):
            if r >= 0:
                code = self.names[r].code
                out[code] = max(out.get(code, -1.0), float(s))
        return out

    def resolve(self, text: str, qvec: np.ndarray | None, k: int = 5) -> Resolution:
        lex = self.lexical(text)
        dense = self.dense(qvec) if qvec is not None else {}
        scores: dict[str, float] = {}
        if lex and max(s for s, _ in lex.values()) >= LEXICAL_MIN:
            for code, (s, _) in lex.items():
                scores[code] = s + 0.1 * dense.get(code, 0.0)
            top = sorted(scores.values(), reverse=True)
            ambiguous = len(top) > 1 and top[0] - top[1] < AMBIGUITY_MARGIN * 1.1
            norm = 1.1  # lexical (<= 1.01) plus the dense tie-breaker (<= 0.1)
        elif dense:
            # no name in the message's words: rely on multilingual similarity of message and names
            for code, s in dense.items():
                scores[code] = s
            top = sorted(scores.values(), reverse=True)
            ambiguous = len(top) > 1 and top[0] - top[1] < 0.01
            norm = 1.0
        else:
            return Resolution([], False)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        cands = [Candidate(code, self.official.get(code, code), min(1.0, s / norm)) for code, s in ranked]
        if not lex or max(s for s, _ in lex.values()) < LEXICAL_MIN:
            cands = [Candidate(c.code, c.name, _dense_confidence(c.score)) for c in cands]
        return Resolution(cands, ambiguous)


def _dense_confidence(sim: float) -> float:
    """Map an E5 question-name similarity (about 0.75 unrelated .. 0.9 same) to 0..1."""
    return float(min(1.0, max(0.0, (sim - 0.78) / 0.1)))

