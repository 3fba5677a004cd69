"""Discover the source files in corpus folders and merge them into occupation records.

Data flows one way: files -> parsers (``infodoradca``, ``kzis``, ``jobads``) -> ``Occupation``
records with their ``Passage`` list; ``index/sources/`` says which files each source reads and how
they merge. A file that cannot be read or parsed is reported and skipped; everything else is loaded.

Example::

    corpus = load_corpus([Path("data"), Path("../shared/corpus")])
    corpus.occupations["243108"].passages[0].id   # '243108/overview/kzis/1'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import jobads
from .records import Description, Occupation, Passage


@dataclass
class Corpus:
    occupations: dict[str, Occupation]
    groups: dict[str, str] = field(default_factory=dict)  # 1-4 digit group code -> name
    group_summaries: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # every file that was read
    problems: list[str] = field(default_factory=list)  # files skipped, with the reason
    examples: list[jobads.Example] = field(default_factory=list)  # expert-coded job ads (names in real use)
    glossary: list[jobads.GlossaryName] = field(default_factory=list)  # uk/en names from glossaries (also in names)
    described: set[str] = field(default_factory=set)  # codes with an INFOdoradca+ description already merged

    @property
    def passages(self) -> list[Passage]:
        return [p for occ in self.occupations.values() for p in occ.passages]

    def checksum(self) -> str:
        """Checksum of the input files and of what the parsers made of them (so a parser change rebuilds too)."""
        h = hashlib.sha256()
        for f in sorted(self.files, key=lambda p: p.name):
            h.update(f.name.encode())
            h.update(hashlib.sha256(f.read_bytes()).digest())
        for occ in self.occupations.values():
            h.update(f"{occ.code}\t{occ.name}\t{sorted(occ.names)}".encode())
            for p in occ.passages:
                h.update(f"{p.id}\t{p.section}\t{p.task_id}\t{p.competence_id}\t{p.source}\t{p.text}".encode())
        return h.hexdigest()


def load_corpus(folders: list[Path]) -> Corpus:
    """Load and merge every recognised file below the given folders (later folders add to earlier ones).

    Which files are recognised, how they are read and merged: ``index/sources/``, one module per source."""
    from .sources import REGISTRY, kind_of

    corpus = Corpus({})
    found: dict[str, list[Path]] = {s.name: [] for s in REGISTRY}
    for folder in folders:
        if not folder.is_dir():
            corpus.problems.append(f"{folder}: corpus folder not found, skipped")
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if (kind := kind_of(path)) is not None:
                found[kind.name].append(path)
    for source in REGISTRY:  # the registry's order is the merge order
        for path in found[source.name]:
            try:
                data = source.read(path)
            except (OSError, ValueError, KeyError) as e:  # ParseError and UnicodeDecodeError are ValueErrors
                corpus.problems.append(str(e) if str(path) in str(e) else f"{path}: {e}")
                continue
            if data is not None:
                corpus.files.append(path)
                source.merge(corpus, data)
    return corpus


def occupation(corpus: Corpus, code: str, name: str) -> Occupation:
    """The occupation of ``code``, created when the classification did not list it."""
    occ = corpus.occupations.get(code)
    if occ is None:
        occ = corpus.occupations[code] = Occupation(code, name, group=code[:4])
    return occ


def description_passages(d: Description) -> list[Passage]:
    """Passages of one INFOdoradca+ description: tasks, knowledge, skills, social and key competences."""
    out: list[Passage] = []
    mk = lambda pid, section, text, tid=None, cid=None: Passage(  # noqa: E731
        f"{d.code}/{pid}", d.code, d.name, section, text, d.source, task_id=tid, competence_id=cid
    )
    for t in d.tasks:
        out.append(mk(f"task/{t.id}", "task", t.text, t.id, t.competence_id))
        out.extend(mk(f"knowledge/{t.id}/{i}", "knowledge", k, t.id,
                      t.competence_id) for i, k in enumerate(t.knowledge, 1))
        out.extend(mk(f"skill/{t.id}/{i}", "skill", s, t.id, t.competence_id) for i, s in enumerate(t.skills, 1))
    out.extend(mk(f"social_competence/{i}", "social_competence", s) for i, s in enumerate(d.social_competences, 1))
    out.extend(mk(f"key_competence/{i}", "key_competence", k) for i, k in enumerate(d.key_competences, 1))
    return out
