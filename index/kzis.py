"""Loaders for the KZiS classification files (OJALAB snapshot): dictionary, synonyms, ESCO, hierarchy.

Each loader reads one file and returns plain records keyed by the 6-digit code (a
string with leading zeros). Merging happens in ``corpus``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .records import Source
from .text import FILLER, stem_tokens

csv.field_size_limit(10_000_000)

KZIS_SOURCE = "Opisy zawodów KZiS, MRiPS / psz.praca.gov.pl"
GUS_SOURCE = "Tezaurus zawodów GUS"
ESCO_SOURCE = "ESCO (PL), © Unia Europejska"
HIERARCHY_SOURCE = "Klasyfikacja zawodów i specjalności (KZiS), MRiPS"

CODE6 = re.compile(r"^\d{6}$")
TRAINING_HINT = re.compile(r"wykształceni|wymagan[ea]|kwalifikacj|kurs|uprawnieni|studi[aó]|szkoł|świadectw", re.I)


@dataclass
class KzisEntry:
    code: str
    name: str
    synthesis: str
    tasks: list[str]
    training: list[str] = field(default_factory=list)


def file_date(path: Path) -> str | None:
    """The date a file name carries (kzis-dictionary-2024-07-10.csv -> 2024-07-10), or its year."""
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name) or re.search(r"(20\d{2})", path.name)
    return m.group(1) if m else None


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def split_tasks(raw: str) -> tuple[list[str], list[str]]:
    """Split a dictionary task field into task statements and prose about requirements.

    Tasks are separated by newlines or by ';' (often with no space after it); lines that
    are just "Brak" mean none. A capitalised sentence about education or licences that
    some entries append is returned separately as training information.
    """
    tasks: list[str] = []
    training: list[str] = []
    for line in re.split(r"[\r\n]+", raw):
        line = line.strip().strip("\t")
        if not line or line.rstrip(".").lower() == "brak":
            continue
        if line[:1].isupper() and TRAINING_HINT.search(line) and ". " in line:
            training.append(_norm_space(line))
            continue
        for part in re.split(r";(?!\s*\))", line):
            part = _norm_space(part).strip(" .-–")
            if len(part) > 3:
                tasks.append(part[0].upper() + part[1:])
    return tasks, training


def _norm_space(text: str) -> str:
    """One space between words; soft hyphens (U+00AD, left over from the source's word processor) dropped."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\xad", "")).strip()


def load_dictionary(path: Path) -> tuple[list[KzisEntry], Source]:
    source = Source(KZIS_SOURCE, file_date(path), path.name)
    entries = []
    for row in _rows(path):
        code = row["code"].strip().zfill(6)
        if not CODE6.match(code):
            continue
        tasks, training = split_tasks((row.get("tasks1") or "") + "\n" + (row.get("tasks2") or ""))
        entries.append(KzisEntry(code, _norm_space(row["name"]), _norm_space(row.get("synthesis") or ""), tasks, training))
    return entries, source


def load_gus_thesaurus(path: Path) -> dict[str, list[str]]:
    """Code -> synonyms (the official name, in capitals there, is skipped)."""
    out: dict[str, list[str]] = defaultdict(list)
    for row in _rows(path):
        code = row["code"].strip().zfill(6)
        for name in (row.get("desc") or "").split(","):
            name = _norm_space(name)
            if name and not name.isupper():
                out[code].append(name)
    return out


def load_esco(path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]], Source]:
    """Code -> ESCO names (the mapped ESCO occupation's name first, then its alternative names) and code -> ESCO
    skill labels."""
    names: dict[str, list[str]] = defaultdict(list)
    skills: dict[str, list[str]] = defaultdict(list)
    for row in _rows(path):
        code = row["code"].strip().zfill(6)
        var, desc = row.get("var", ""), row.get("desc") or ""
        if var == "occupation_name":
            names[code][:0] = [n for n in [_norm_space(desc)] if n]
        elif var == "occupation_alternative_names":
            names[code].extend(n for n in (_norm_space(x) for x in re.split(r"[;\n]", desc)) if n)
        elif var == "skills":
            for s in (_norm_space(x) for x in desc.split(";")):
                if s and s not in skills[code]:
                    skills[code].append(s)
    verbs = skill_verbs([s for labels in skills.values() for s in labels])
    for code, labels in skills.items():
        skills[code] = list(dict.fromkeys(part for s in labels for part in split_merged(s, verbs)))
    return names, skills, Source(ESCO_SOURCE, None, path.name)


INFINITIVE = re.compile(r"(ać|ić|yć|eć|ąć|ść|źć)$")


def skill_verbs(labels: list[str]) -> set[str]:
    """Verbs that begin ESCO skills ("zarządzać", "sortować"): infinitives that start at least three labels."""
    first = Counter(label.split()[0] for label in labels if label.split())
    return {w for w, n in first.items() if n >= 3 and INFINITIVE.search(w)}


def split_merged(label: str, verbs: set[str]) -> list[str]:
    """ESCO skills the source lost the separator between ("sortować odpady samodzielnie wykonywać prace ręczne"),
    split before each skill-starting verb that follows at least two words."""
    parts: list[list[str]] = [[]]
    for word in label.split():
        if word in verbs and len(parts[-1]) >= 2:
            parts.append([])
        parts[-1].append(word)
    return [" ".join(p) for p in parts]


def esco_source(base: Source, esco_name: str, fits: bool) -> Source:
    """The source of one occupation's ESCO skills: which ESCO occupation they come from, and whether the mapping is
    only approximate (``fits`` False)."""
    note = "" if fits else " – przyporządkowanie przybliżone"
    return Source(f"ESCO (PL): umiejętności zawodu ESCO „{esco_name}”{note}, © Unia Europejska", base.date, base.file)


def esco_fits(kzis_names: Iterable[str], esco_name: str) -> bool:
    """Whether an ESCO occupation's name shares a word (lemma) with the KZiS occupation's official name or GUS
    synonyms. 110 of 557 mappings share none ("Szeregowy zawodowy Sił Zbrojnych" -> "specjalista przechwytywania
    transmisji komunikacyjnych"): their skills are shown as an approximate mapping."""
    def lemmas(text: str) -> set[str]:
        return {t for t in stem_tokens(text) if t not in FILLER and len(t) > 2}

    ours = set().union(*(lemmas(n) for n in kzis_names))
    return bool(ours & lemmas(esco_name))


def load_hierarchy(path: Path) -> dict[str, str]:
    """Class code (1-6 digits) -> name, with the 'S' marker of school occupations removed."""
    out = {}
    for row in _rows(path, delimiter="\t"):
        code, name = row["class"].strip(), _norm_space(row["name"])
        if len(code) == 6:
            name = re.sub(r"(?<=[a-ząćęłńóśźż)])S$", "", name)
        out[code] = name
    return out


def load_group_descriptions(path: Path) -> dict[str, str]:
    """Group code -> its official summary (kzis-desc-level{2,3,4}.csv)."""
    return {row["kod"].strip(): _norm_space(row.get("synteza") or "") for row in _rows(path)}
