"""Occupation records and passages: the shapes every stage of the pipeline passes on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SECTIONS: tuple[str, ...] = (
    "overview",
    "task",
    "knowledge",
    "skill",
    "social_competence",
    "key_competence",
    "esco_skill",
    "labour_market",
    "training",
    "disability",
)

SECTION_LABELS_PL: dict[str, str] = {
    "overview": "opis zawodu",
    "task": "zadanie zawodowe",
    "knowledge": "wiedza",
    "skill": "umiejętność",
    "social_competence": "kompetencja społeczna",
    "key_competence": "kompetencja kluczowa",
    "esco_skill": "umiejętność ESCO",
    "labour_market": "rynek pracy",
    "training": "kształcenie",
    "disability": "niepełnosprawność",
}


@dataclass(frozen=True)
class Source:
    """Where a statement comes from, as the index stores it: a key of the sentence catalog (``cite_kzis``) and the
    values its sentence fills in (the ESCO occupation's ``name``), the edition's date and the file read. Users read
    it through ``index.sentences.cite``, in their language; a key the catalog lacks (a plug-in's own source) is that
    source's name and is shown as it is."""

    key: str
    date: str | None = None
    file: str | None = None
    values: tuple[tuple[str, str], ...] = ()  # (field, value) pairs: hashable, so sources form sets

    def to_json(self) -> dict:
        d: dict = {"key": self.key}
        d.update((k, v) for k, v in (("date", self.date), ("file", self.file)) if v)
        if self.values:
            d["values"] = dict(self.values)
        return d

    @classmethod
    def from_json(cls, d: dict) -> Source:
        return cls(d["key"], d.get("date"), d.get("file"), tuple(d.get("values", {}).items()))


@dataclass
class Task:
    id: str
    text: str
    competence_id: str | None = None
    knowledge: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)


@dataclass
class Competence:
    id: str
    name: str
    task_ids: list[str]


@dataclass
class Description:
    """One INFOdoradca+ description as parsed from its text export."""

    code: str
    name: str
    tasks: list[Task]
    competences: list[Competence]
    social_competences: list[str]
    key_competences: list[str]
    source: Source


@dataclass(frozen=True)
class Passage:
    """One statement of one section of one occupation; the unit that is embedded and ranked."""

    id: str
    occupation_code: str
    occupation_name: str
    section: str
    text: str
    source: Source
    task_id: str | None = None
    competence_id: str | None = None

    @property
    def description_task(self) -> str | None:
        """The task's id in an INFOdoradca+ description ("Z3"); None for the KZiS dictionary's own task ids
        ("kzis-2"), which mean nothing to a reader, and for passages of no task."""
        return self.task_id if self.task_id and not self.task_id.startswith("kzis") else None

    def embed_text(self) -> str:
        """Text given to the embedder: occupation and section say what the bare bullet does not."""
        where = SECTION_LABELS_PL[self.section]
        if self.description_task:
            where = f"{where} ({self.description_task})"
        return f"{self.occupation_name} – {where}: {self.text}"

    def to_json(self) -> dict:
        d = asdict(self)
        d["source"] = self.source.to_json()
        return d


@dataclass(frozen=True)
class Name:
    """One way of naming an occupation (official name, GUS/ESCO synonym, the team's uk/en glossary)."""

    code: str
    text: str
    kind: str  # "official" | "synonym"


@dataclass
class Occupation:
    """Everything known about one KZiS occupation, merged from all sources by code."""

    code: str
    name: str
    names: set[str] = field(default_factory=set)  # synonyms, female forms, ESCO names
    passages: list[Passage] = field(default_factory=list)
    competences: list[Competence] = field(default_factory=list)
    sources: set[Source] = field(default_factory=set)
    group: str | None = None  # 4-digit unit group code
