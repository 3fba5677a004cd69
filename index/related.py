"""Occupations side by side: related occupations and a comparison of two, for counsellors and jobseekers.

Related occupations are those of the same KZiS unit group (first four digits) and those whose tasks and
skills are closest in meaning (the mean E5 vector of an occupation's task and skill passages, compared by
cosine). A comparison puts two descriptions' tasks, skills and training side by side and names what they
share (the unit group, the same ESCO skills).

Example::

    rel = Relations(searcher)
    [r.code for r in rel.related("243108", 5)]     # same group first: ['243103', ...]
    c = rel.compare("751204", "512001")
    c.shared_skills[:2]                            # ['stosować się do przepisów w zakresie HACCP', ...]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .records import Passage
from .search import Searcher
from .text import fold

CONTENT = ("task", "knowledge", "skill", "esco_skill")  # what an occupation does and needs
SKILLS = ("skill", "knowledge", "esco_skill")  # what it needs, in the order a comparison shows them
SHOWN = 3  # passages per kind and occupation in a comparison


@dataclass(frozen=True)
class Related:
    code: str
    name: str
    same_group: bool
    similarity: float  # cosine of the two occupations' mean task and skill vectors

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "same_group": self.same_group,
                "similarity": round(self.similarity, 4)}


@dataclass(frozen=True)
class Side:
    code: str
    name: str
    group: str | None
    group_name: str | None
    tasks: list[Passage]
    skills: list[Passage]
    training: list[Passage]

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "group": self.group, "group_name": self.group_name,
                **{k: [{"text": p.text, "section": p.section, "source": p.source.cite()} for p in v]
                   for k, v in (("tasks", self.tasks), ("skills", self.skills), ("training", self.training))}}


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    same_group: bool
    similarity: float
    shared_skills: list[str] = field(default_factory=list)  # the same ESCO skill in both descriptions

    def to_json(self) -> dict:
        return {"a": self.a.to_json(), "b": self.b.to_json(), "same_group": self.same_group,
                "similarity": round(self.similarity, 4), "shared_skills": self.shared_skills}


class Relations:
    """Built once per searcher; the occupation vectors are computed on first use (~0.5 s for 2,913)."""

    def __init__(self, searcher: Searcher) -> None:
        self.s = searcher
        self._row: dict[str, int] = {}  # code -> row of the occupation vectors
        self._vectors: np.ndarray | None = None

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
        """Occupations of the same unit group (closest first), then the closest others, ``k`` in all."""
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
