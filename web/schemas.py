"""The look-up API's request and response models (FastAPI builds the OpenAPI document from them)."""

from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from index.classify import MAX_DESCRIPTION, MAX_TITLE
from index.records import SECTIONS
from index.search import MAX_QUESTION

Section = Literal["overview", "task", "knowledge", "skill", "social_competence", "key_competence", "esco_skill",
                  "labour_market", "training", "disability"]
assert set(Section.__args__) == set(SECTIONS)  # type: ignore[attr-defined]
Lang = Annotated[Literal["pl", "uk", "en"], Query(description="the language sources are named in "
                                                    "(the descriptions themselves are Polish)")]
Q = Annotated[str, Query(min_length=1, max_length=MAX_QUESTION, description="question or occupation name")]


class CandidateOut(BaseModel):
    code: str
    name: str
    score: float


class OccupationsOut(BaseModel):
    q: str
    candidates: list[CandidateOut]
    ambiguous: bool


class HitOut(BaseModel):
    rank: int
    score: float
    similarity: float = Field(description="cosine of the question and the passage")
    match: Literal["strong", "weak"] = Field(description="strong: close enough to answer the question; weak: "
                                             "the nearest passage, but not an answer")
    passage_id: str
    occupation_code: str
    occupation_name: str
    section: str
    task_id: str | None
    competence_id: str | None
    text: str
    source: str


class SearchOut(BaseModel):
    q: str
    occupation: CandidateOut | None
    hits: list[HitOut]


class PassageOut(BaseModel):
    passage_id: str
    task_id: str | None
    competence_id: str | None
    text: str
    source: str


class SectionOut(BaseModel):
    section: str
    label: str
    passages: list[PassageOut]


class CompetenceOut(BaseModel):
    id: str
    name: str
    tasks: list[str]


class DescriptionOut(BaseModel):
    code: str
    name: str
    group: str | None
    group_name: str | None
    synonyms: list[str]
    competences: list[CompetenceOut]
    sections: list[SectionOut]
    related: list[CandidateOut]
    sources: list[str]


class RelatedOut(BaseModel):
    code: str
    name: str
    same_group: bool = Field(description="the same KZiS unit group (first four digits)")
    similarity: float = Field(description="relatedness: the share of specific tasks and skills the two have in "
                                          "common, statement by statement (ESCO skills by label), with a small "
                                          "bonus for the same KZiS unit or minor group")
    shared: list[str] = Field(description="up to 5 statements of this occupation (as its description words them) "
                                          "that the source occupation has a close statement for, the most "
                                          "specific first")
    to_learn: list[str] = Field(description="up to 5 statements of this occupation with no close statement in the "
                                            "source occupation: what a move there would leave to learn, the most "
                                            "specific first")


class ComparedPassage(BaseModel):
    text: str
    section: str
    source: str


class SideOut(BaseModel):
    code: str
    name: str
    group: str | None
    group_name: str | None
    tasks: list[ComparedPassage]
    skills: list[ComparedPassage]
    training: list[ComparedPassage]


class ComparisonOut(BaseModel):
    a: SideOut
    b: SideOut
    same_group: bool
    similarity: float
    shared_skills: list[str] = Field(description="ESCO skills both descriptions list")


class OfferIn(BaseModel):
    """A job offer to code: its title and, if at hand, its description."""

    title: str = Field("", max_length=MAX_TITLE, description="the offer's title, e.g. 'Kierowca C+E w ruchu krajowym'")
    description: str | None = Field(None, max_length=MAX_DESCRIPTION, description="the offer's text (optional)")
    k: int = Field(3, ge=1, le=20, description="number of candidate codes")


class EvidenceOut(BaseModel):
    kind: Literal["example", "passage", "name"]
    text: str
    code: str


class SuggestionOut(BaseModel):
    code: str
    name: str
    score: float = Field(description="calibrated probability that this is the code an expert would give")
    evidence: list[EvidenceOut]


class ClassificationOut(BaseModel):
    title: str
    candidates: list[SuggestionOut]
    ambiguous: bool


class HealthOut(BaseModel):
    status: str
    passages: int
    occupations: int
    names: int
    coded_ads: int
    model: str
    built_at: str
    index: str = Field(description="what is loaded and from where; says so when the KZiS corpus is missing")


class LiveOut(BaseModel):
    status: Literal["alive"]


class ReadyOut(BaseModel):
    status: Literal["starting", "ready", "degraded"] = Field(
        description="starting: a part has not answered yet since this process started; degraded: one that answered "
                    "does not now (action server down: the chat apologises; Rasa server down: no chat)")
    parts: dict[str, Literal["up", "down"]]


class BatchCandidateOut(BaseModel):
    code: str
    name: str
    score: float = Field(description="calibrated probability that this is the code an expert would give")


class BatchRowOut(BaseModel):
    line: int = Field(description="the row's number as the spreadsheet shows it")
    title: str
    unsure: bool = Field(description="do_sprawdzenia: the resolver is unsure, or the row could not be coded")
    reason: str = Field(description="uzasadnienie: the closest expert-coded ad or the name that decided")
    candidates: list[BatchCandidateOut]


class BatchCountsOut(BaseModel):
    rows: int
    sure: int
    unsure: int
    blank: int


class BatchJobOut(BaseModel):
    id: str = Field(description="the job's only key: keep it to yourself")
    state: Literal["queued", "running", "done", "failed"]
    rows: int = Field(description="data rows in the file")
    done: int = Field(description="rows coded so far")
    found: str = Field(description="what was read: format, rows, title and description columns")
    k: int
    format: Literal["csv", "xlsx"] = Field(description="the coded file's format")
    counts: BatchCountsOut | None = Field(None, description="when done")
    preview: list[BatchRowOut] = Field(description="when done: the first rows, those to check first")
    result: str | None = Field(None, description="when done: where to download the coded file")
    error: str | None = None
    expires_at: str | None = Field(None, description="when finished: the job and its files are deleted then (UTC)")
