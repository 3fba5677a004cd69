"""One read model of the occupations in an index version: each occupation's description by section, its task
statements, the other occupations of its unit group, and autocomplete on names. Read by `doradca show`, the
look-up API, the answer planner and the actions (through ``Searcher.catalog``); searching is ``search``'s.

Example::

    catalog = Catalog(version)
    view = catalog.view("243108")
    [s.section for s in view.sections]        # ['overview', 'task', 'knowledge', 'skill', ...]
    catalog.task_text("243108", "Z1")         # 'Wspieranie procesu tworzenia i wdrażanie strategii ...'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .records import SECTION_LABELS_PL, SECTIONS, Passage, Source
from .resolve import Candidate
from .store import IndexVersion
from .text import fold


@dataclass(frozen=True)
class SectionView:
    section: str
    label: str  # Polish, as in the descriptions
    passages: list[Passage]  # in the description's order


@dataclass(frozen=True)
class OccupationView:
    """An occupation as the look-up page and `doradca show` present it."""

    code: str
    name: str
    group: str | None
    group_name: str | None
    synonyms: list[str]
    competences: list[dict]
    sections: list[SectionView]  # only the sections it has, in SECTIONS order
    same_group: list[tuple[str, str]]  # (code, name) of the other occupations of its 4-digit unit group
    sources: list[Source]  # named for a reader by ``sentences.cite``


class Catalog:
    """Built once per index version (one pass over the passages); read-only afterwards, so thread-safe."""

    def __init__(self, version: IndexVersion) -> None:
        self.passages = version.passages
        self.occupations = version.occupations
        self.names = version.names
        by_code: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            by_code.setdefault(p.occupation_code, []).append(i)
        self.rows_by_code = {c: np.array(r, dtype=np.int64) for c, r in by_code.items()}
        self._suggest_index: list[tuple[str, list[str], bool]] | None = None

    def of(self, code: str) -> list[Passage]:
        """All passages of an occupation, in the index's order (by source, then description order)."""
        return [self.passages[r] for r in self.rows_by_code.get(code, ())]

    def section_passages(self, code: str, section: str) -> list[Passage]:
        """An occupation's passages of one section, in the order of its description."""
        return [p for p in self.of(code) if p.section == section]

    def task_text(self, code: str, task_id: str) -> str | None:
        """The statement of task ``task_id`` (Z1..) of an occupation's INFOdoradca+ description."""
        return next((p.text for p in self.of(code) if p.section == "task" and p.task_id == task_id), None)

    def same_group(self, code: str) -> list[tuple[str, str]]:
        return [(c, o["name"]) for c, o in sorted(self.occupations.items()) if c[:4] == code[:4] and c != code]

    def view(self, code: str) -> OccupationView | None:
        """The whole description by section; None for an unknown code."""
        occ = self.occupations.get(code)
        if occ is None:
            return None
        passages = self.of(code)
        sections = [SectionView(s, SECTION_LABELS_PL[s], group) for s in SECTIONS
                    if (group := [p for p in passages if p.section == s])]
        return OccupationView(code, occ["name"], occ.get("group"), occ.get("group_name"), occ["synonyms"],
                              occ["competences"], sections, self.same_group(code),
                              [Source.from_json(s) for s in occ["sources"]])

    def suggest(self, prefix: str, k: int = 8) -> list[Candidate]:
        """Occupations whose official name or a synonym has a word starting with what was typed (autocomplete)."""
        typed = fold(prefix).split()
        if not typed or len(prefix.strip()) < 2:
            return []
        if self._suggest_index is None:  # a race builds the same list twice, harmlessly
            self._suggest_index = [(n.code, fold(n.text).split(), n.kind == "official") for n in self.names]
        typed_len = len(" ".join(typed))
        scored: dict[str, tuple[float, float]] = {}  # code -> (rank, share of the name typed)
        for code, words, official in self._suggest_index:
            if all(any(w.startswith(t) for w in words) for t in typed):
                rank = (1.0 if words[0].startswith(typed[0]) else 0.8) + (0.1 if official else 0.0) - 0.01 * len(words)
                scored[code] = max(scored.get(code, (0.0, 0.0)), (rank, typed_len / len(" ".join(words))))
        best = sorted(scored.items(), key=lambda cs: (-cs[1][0], self.occupations[cs[0]]["name"]))[:k]
        # the score says how much of a name was typed: a prefix is not a whole name, so it never scores 1.0
        return [Candidate(c, self.occupations[c]["name"], round(min(1.0, share), 4)) for c, (_, share) in best]
