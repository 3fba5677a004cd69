"""Discover the source files in corpus folders and merge them into occupation records.

Data flows one way: files -> parsers (``infodoradca``, ``kzis``) -> ``Occupation``
records with their ``Passage`` list. A file that cannot be read or parsed is
reported and skipped; everything else is still loaded.

Example::

    corpus = load_corpus([Path("data"), Path("../shared/corpus")])
    corpus.occupations["243108"].passages[0].id   # '243108/overview/kzis/1'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import jobads, kzis
from .infodoradca import SOURCE_NAME, ParseError, looks_like_description, parse_text
from .records import Description, Occupation, Passage, Source


@dataclass
class Corpus:
    occupations: dict[str, Occupation]
    groups: dict[str, str] = field(default_factory=dict)  # 1-4 digit group code -> name
    group_summaries: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # every file that was read
    problems: list[str] = field(default_factory=list)  # files skipped, with the reason
    examples: list[jobads.Example] = field(default_factory=list)  # expert-coded job ads (names in real use)

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
                h.update(f"{p.id}\t{p.section}\t{p.task_id}\t{p.competence_id}\t{p.source.cite()}\t{p.text}".encode())
        return h.hexdigest()


def _classify(folder: Path) -> dict[str, list[Path]]:
    kinds: dict[str, list[Path]] = {
        k: [] for k in ("description", "dictionary", "gus", "esco", "hierarchy", "groups", "examples", "glossary")
    }
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.name
        if name.startswith("kzis-dictionary") and name.endswith(".csv"):
            kinds["dictionary"].append(path)
        elif name == "gus-thesaurus.csv":
            kinds["gus"].append(path)
        elif name.startswith("esco-kzis") and name.endswith(".csv"):
            kinds["esco"].append(path)
        elif name.startswith("kzis-hierarchy") and name.endswith(".tsv"):
            kinds["hierarchy"].append(path)
        elif name.startswith("kzis-desc-level") and name.endswith(".csv"):
            kinds["groups"].append(path)
        elif name.startswith("hand-coded-ads") and name.endswith(".jsonl"):
            kinds["examples"].append(path)
        elif name.endswith("-names.csv"):
            kinds["glossary"].append(path)
        elif path.suffix == ".txt":
            kinds["description"].append(path)
    return kinds


def load_corpus(folders: list[Path]) -> Corpus:
    """Load and merge every recognised file below the given folders (later folders add to earlier ones)."""
    corpus = Corpus({})
    found: dict[str, list[Path]] = {}
    for folder in folders:
        if not folder.is_dir():
            corpus.problems.append(f"{folder}: corpus folder not found, skipped")
            continue
        for kind, paths in _classify(folder).items():
            found.setdefault(kind, []).extend(paths)

    def guarded(path: Path, load):  # noqa: ANN001, ANN202 - tiny local helper
        try:
            result = load(path)
        except (OSError, UnicodeDecodeError, ValueError, KeyError) as e:
            corpus.problems.append(f"{path}: {e}")
            return None
        corpus.files.append(path)
        return result

    for path in found.get("hierarchy", []):
        if (h := guarded(path, kzis.load_hierarchy)) is not None:
            for code, name in h.items():
                if len(code) == 6:
                    corpus.occupations.setdefault(code, Occupation(code, name, group=code[:4]))
                else:
                    corpus.groups[code] = name
    for path in found.get("groups", []):
        if (g := guarded(path, kzis.load_group_descriptions)) is not None:
            corpus.group_summaries.update(g)
    for path in found.get("dictionary", []):
        if (d := guarded(path, kzis.load_dictionary)) is not None:
            _add_dictionary(corpus, *d)
    for path in found.get("gus", []):
        if (syn := guarded(path, kzis.load_gus_thesaurus)) is not None:
            for code, names in syn.items():
                if code in corpus.occupations:
                    corpus.occupations[code].names.update(names)
    for path in found.get("esco", []):
        if (e := guarded(path, kzis.load_esco)) is not None:
            _add_esco(corpus, *e)
    seen: set[str] = set()
    for path in found.get("description", []):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            corpus.problems.append(f"{path}: cannot be read as UTF-8 text ({e})")
            continue
        if not looks_like_description(text):
            continue  # some other text file (notes, licences)
        try:
            desc = parse_text(text, str(path), Source(SOURCE_NAME, file=path.name))
        except ParseError as e:
            corpus.problems.append(str(e))
            continue
        corpus.files.append(path)
        if desc.code not in seen:  # the same description in two folders counts once
            seen.add(desc.code)
            _add_description(corpus, desc)
    # names in real use attach to occupations known from the sources above
    for path in found.get("glossary", []):
        for g in guarded(path, jobads.load_glossary) or []:
            if g.code in corpus.occupations:
                corpus.occupations[g.code].names.add(g.text)
    for path in found.get("examples", []):
        if (ex := guarded(path, jobads.load_examples)) is not None:
            corpus.examples.extend(e for e in ex if e.code in corpus.occupations)
    return corpus


def _occupation(corpus: Corpus, code: str, name: str) -> Occupation:
    occ = corpus.occupations.get(code)
    if occ is None:
        occ = corpus.occupations[code] = Occupation(code, name, group=code[:4])
    return occ


def _add_dictionary(corpus: Corpus, entries: list[kzis.KzisEntry], source: Source) -> None:
    for e in entries:
        occ = _occupation(corpus, e.code, e.name)
        occ.name = e.name
        occ.sources.add(source)

        def mk(section: str, i: int, text: str, tid: str | None = None, e: kzis.KzisEntry = e) -> Passage:
            return Passage(f"{e.code}/{section}/kzis/{i}", e.code, e.name, section, text, source, task_id=tid)

        if e.synthesis:
            occ.passages.append(mk("overview", 1, e.synthesis))
        occ.passages.extend(mk("task", i, t, f"kzis{i}") for i, t in enumerate(e.tasks, 1))
        occ.passages.extend(mk("training", i, t) for i, t in enumerate(e.training, 1))


def _add_esco(corpus: Corpus, names: dict[str, list[str]], skills: dict[str, list[str]], base: Source) -> None:
    sources: dict[str, Source] = {}
    for code, ns in names.items():
        if code in corpus.occupations and ns:
            occ = corpus.occupations[code]
            sources[code] = kzis.esco_source(base, ns[0], kzis.esco_fits([occ.name, *occ.names], ns[0]))
            occ.names.update(ns)
    for code, labels in skills.items():
        occ = corpus.occupations.get(code)
        if occ is None:
            continue
        source = sources.get(code, base)
        occ.sources.add(source)
        occ.passages.extend(
            Passage(f"{code}/esco_skill/{i}", code, occ.name, "esco_skill", s, source) for i, s in enumerate(labels, 1)
        )


def description_passages(d: Description) -> list[Passage]:
    """Passages of one INFOdoradca+ description: tasks, knowledge, skills, social and key competences."""
    out: list[Passage] = []
    mk = lambda pid, section, text, tid=None, cid=None: Passage(  # noqa: E731
        f"{d.code}/{pid}", d.code, d.name, section, text, d.source, task_id=tid, competence_id=cid
    )
    for t in d.tasks:
        out.append(mk(f"task/{t.id}", "task", t.text, t.id, t.competence_id))
        out.extend(mk(f"knowledge/{t.id}/{i}", "knowledge", k, t.id, t.competence_id) for i, k in enumerate(t.knowledge, 1))
        out.extend(mk(f"skill/{t.id}/{i}", "skill", s, t.id, t.competence_id) for i, s in enumerate(t.skills, 1))
    out.extend(mk(f"social_competence/{i}", "social_competence", s) for i, s in enumerate(d.social_competences, 1))
    out.extend(mk(f"key_competence/{i}", "key_competence", k) for i, k in enumerate(d.key_competences, 1))
    return out


def _add_description(corpus: Corpus, d: Description) -> None:
    occ = _occupation(corpus, d.code, d.name)
    occ.sources.add(d.source)
    occ.competences = d.competences
    occ.passages[:0] = description_passages(d)  # the richer INFOdoradca+ description comes first
