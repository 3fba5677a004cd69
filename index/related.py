"""Occupations side by side: related occupations and a comparison of two, for counsellors and jobseekers.

Related occupations are those that share the most specific tasks and skills, statement by statement, with the
KZiS hierarchy as a signal (``relatedness.py``, ranked at index build into ``related.jsonl``); each comes with what
the two share and what a move there would leave to learn. The former ranking, the cosine of the occupations'
mean passage vectors with the same unit group first, stays as ``related_by_mean`` for comparison
(``bench/related_bench.py``) and for an index built before ``related.jsonl`` existed. A comparison puts two
descriptions' tasks, skills and training side by side and names what they share (the unit group, the same ESCO
skills).

Example::

    rel = Relations(searcher)
    r = rel.related("513101", 5)[0]                # Technik usług kelnerskich
    r.shared[:1], r.to_learn[:1]                   # ['Obsługiwanie gości, ...'], ['Organizowanie usług ...']
    c = rel.compare("751204", "512001")
    c.shared_skills[:2]                            # ['stosować się do przepisów w zakresie HACCP', ...]
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import faiss
import numpy as np

from . import relatedness
from .records import Passage
from .search import Searcher
from .sentences import cite
from .text import fold

CONTENT = ("task", "knowledge", "skill", "esco_skill")  # what an occupation does and needs
SKILLS = ("skill", "knowledge", "esco_skill")  # what it needs, in the order a comparison shows them
SHOWN = 3  # passages per kind and occupation in a comparison


@dataclass(frozen=True)
class Related:
    code: str
    name: str
    same_group: bool
    similarity: float  # relatedness score (relatedness.py); the old ranking's: cosine of the mean vectors
    shared: list[str] = field(default_factory=list)  # the target's statements the source has a close one for
    to_learn: list[str] = field(default_factory=list)  # the target's statements with none close in the source

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "same_group": self.same_group,
                "similarity": round(self.similarity, 4), "shared": self.shared, "to_learn": self.to_learn}


@dataclass(frozen=True)
class Side:
    code: str
    name: str
    group: str | None
    group_name: str | None
    tasks: list[Passage]
    skills: list[Passage]
    training: list[Passage]

    def to_json(self, lang: str = "pl") -> dict:
        """The side as the API gives it; sources named in ``lang``."""
        return {"code": self.code, "name": self.name, "group": self.group, "group_name": self.group_name,
                **{k: [{"text": p.text, "section": p.section, "source": cite(p.source, lang)} for p in v]
                   for k, v in (("tasks", self.tasks), ("skills", self.skills), ("training", self.training))}}


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    same_group: bool
    similarity: float
    shared_skills: list[str] = field(default_factory=list)  # the same ESCO skill in both descriptions

    def to_json(self, lang: str = "pl") -> dict:
        return {"a": self.a.to_json(lang), "b": self.b.to_json(lang), "same_group": self.same_group,
                "similarity": round(self.similarity, 4), "shared_skills": self.shared_skills}


class Relations:
    """Built once per searcher; the ranking and the statements' vectors are read on first use (~1 s), the
    mean vectors of the old ranking computed on first use (~0.5 s for 2,913)."""

    def __init__(self, searcher: Searcher) -> None:
        self.s = searcher
        self._row: dict[str, int] = {}  # code -> row of the occupation vectors
        self._vectors: np.ndarray | None = None
        self._ranked: dict[str, list[tuple[str, float]]] | None = None
        self._statements: relatedness.Statements | None = None
        self._lock = threading.Lock()  # the API's worker threads share one Relations

    def _load(self) -> tuple[dict[str, list[tuple[str, float]]], relatedness.Statements | None]:
        """The build's ranking and the bare statements' vectors; none (the old ranking) for an index built
        before they existed."""
        with self._lock:
            if self._ranked is None:
                folder = self.s.version.path
                try:
                    ranked, weight = relatedness.read(folder)
                    index = faiss.read_index(str(folder / f"{relatedness.VECTORS}.faiss"))
                    texts = relatedness.statement_texts(self.s.passages)
                    if index.ntotal != len(texts):
                        raise ValueError("statements.faiss does not match the passages")
                    vectors = index.reconstruct_n(0, index.ntotal).astype(np.float16)  # half the memory
                    self._statements = relatedness.Statements.of(self.s.passages, texts, vectors, weight)
                except (OSError, ValueError, RuntimeError):
                    ranked = {}
                self._ranked = ranked
        return self._ranked, self._statements

    def built_by_this_code(self) -> bool:
        """Whether the index's ranking was made by this checkout's ``relatedness.py`` (``make`` rebuilds it when
        not)."""
        return self.s.version.manifest.get("related_key") == relatedness.code_key()

    def rerank(self) -> float:
        """Rank again with this checkout's ``relatedness.py`` over the index's statement vectors, without rebuilding
        the index (the bench and the floors test, when the code changed since the build; ~25 s on 2 cores);
        returns the seconds the ranking took."""
        folder = self.s.version.path
        index = faiss.read_index(str(folder / f"{relatedness.VECTORS}.faiss"))
        texts = relatedness.statement_texts(self.s.passages)
        vectors = index.reconstruct_n(0, index.ntotal)
        start = time.perf_counter()
        rows, weight = relatedness.rank(relatedness.Statements.of(self.s.passages, texts, vectors))
        seconds = time.perf_counter() - start
        with self._lock:
            self._ranked = {r["code"]: [(x["code"], x["score"]) for x in r["related"]] for r in rows}
            self._statements = relatedness.Statements.of(self.s.passages, texts, vectors.astype(np.float16), weight)
        return seconds

    def _matrix(self) -> tuple[dict[str, int], np.ndarray]:
        if self._vectors is None:
            index = self.s.version.passage_index
            codes, rows = [], []
            for code, ids in self.s.rows_by_code.items():
                content = [int(i) for i in ids if self.s.passages[i].section in CONTENT]
                if content:
                    v = index.reconstruct_batch(np.array(content, dtype=np.int64)).mean(axis=0)
                    codes.append(code)
                    rows.append(v / (np.linalg.norm(v) or 1.0))
            self._row = {c: i for i, c in enumerate(codes)}
            self._vectors = np.array(rows, dtype=np.float32).reshape(len(codes), -1)
        return self._row, self._vectors

    def similarity(self, a: str, b: str) -> float:
        row, m = self._matrix()
        return float(m[row[a]] @ m[row[b]]) if a in row and b in row else 0.0

    def related(self, code: str, k: int = 8) -> list[Related]:
        """The ``k`` occupations that share the most specific tasks and skills with ``code`` (up to 20), each
        with what they share and what it would leave to learn; an occupation with no tasks in its description
        gets the other occupations of its unit group."""
        self._known(code)
        ranked, st = self._load()
        if st is None:
            return self.related_by_mean(code, k)
        chosen = ranked.get(code) or [(c, 0.0) for c in sorted(self.s.occupations)
                                      if c[:4] == code[:4] and c != code]
        out = []
        for c, score in chosen[:k]:
            shared, learn = st.explain(code, c)
            out.append(Related(c, self.s.occupations[c]["name"], c[:4] == code[:4], score,
                               [p.text for p in shared], [p.text for p in learn]))
        return out

    def move(self, a: str, b: str) -> tuple[list[Passage], list[Passage]]:
        """From ``a`` to ``b``: b's statements a already has a close one for, and those it would have to learn
        (the most specific first, 5 each); both empty when the index has no bare statement vectors."""
        self._known(a)
        self._known(b)
        _, st = self._load()
        return st.explain(a, b) if st is not None else ([], [])

    def related_by_mean(self, code: str, k: int = 8) -> list[Related]:
        """The former ranking: occupations of the same unit group (closest first), then the closest others by the
        cosine of the mean task and skill vectors, ``k`` in all."""
        self._known(code)
        row, m = self._matrix()
        sims = m @ m[row[code]] if code in row else np.zeros(len(row), dtype=np.float32)
        scored = [(c, float(sims[i])) for c, i in row.items() if c != code]
        group = sorted((cs for cs in scored if cs[0][:4] == code[:4]), key=lambda cs: -cs[1])
        others = sorted((cs for cs in scored if cs[0][:4] != code[:4]), key=lambda cs: -cs[1])
        chosen = group[: max(k // 2, k - len(others))] + others
        return [Related(c, self.s.occupations[c]["name"], c[:4] == code[:4], x) for c, x in chosen[:k]]

    def compare(self, a: str, b: str) -> Comparison:
        """Two descriptions side by side."""
        self._known(a)
        self._known(b)
        if a == b:
            raise ValueError("give two different occupations to compare")
        esco = [{fold(p.text): p.text for p in self.s.catalog.section_passages(c, "esco_skill")} for c in (a, b)]
        shared = [esco[0][k] for k in esco[0] if k in esco[1]]
        return Comparison(self._side(a), self._side(b), a[:4] == b[:4], self.similarity(a, b), shared)

    def _side(self, code: str) -> Side:
        o = self.s.occupations[code]
        skills = next((ps for x in SKILLS if (ps := [h.passage for h in self.s.listing(code, x)])), [])
        return Side(code, o["name"], o.get("group"), o.get("group_name"),
                    [h.passage for h in self.s.listing(code, "task")][:SHOWN], skills[:SHOWN],
                    self.s.catalog.section_passages(code, "training")[:1])

    def _known(self, code: str) -> None:
        if code not in self.s.occupations:
            raise ValueError(f"unknown occupation code {code}")
