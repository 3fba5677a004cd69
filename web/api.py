"""The look-up API (``/api``): occupations by name, their descriptions, related occupations, comparisons, passage
search and job-offer coding. Every route reads the searcher loaded at start-up through a dependency."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam

from index.classify import check_offer
from index.related import Relations
from index.resolve import Candidate
from index.search import MAX_K, Searcher
from index.sentences import cite
from index.store import summary

from .schemas import (
    CandidateOut,
    ClassificationOut,
    ComparisonOut,
    CompetenceOut,
    DescriptionOut,
    HealthOut,
    Lang,
    OccupationsOut,
    OfferIn,
    PassageOut,
    Q,
    RelatedOut,
    SearchOut,
    Section,
    SectionOut,
)

router = APIRouter(prefix="/api")
Code = Annotated[str, PathParam(pattern=r"^\d{6}$", description="6-digit KZiS code")]


def searcher(request: Request) -> Searcher:
    return request.app.state.searcher


def relations(request: Request) -> Relations:
    return request.app.state.relations


Loaded = Annotated[Searcher, Depends(searcher)]
Related = Annotated[Relations, Depends(relations)]


def known(s: Searcher, *codes: str) -> None:
    for code in codes:
        if code not in s.occupations:
            raise HTTPException(404, f"unknown occupation code {code}")


@router.get("/health", response_model=HealthOut)
def health(s: Loaded) -> HealthOut:
    m = s.version.manifest
    return HealthOut(status="ok", passages=m["passage_count"], occupations=m["occupation_count"],
                     names=m["name_count"], coded_ads=m.get("example_count", 0), model=m["model_key"],
                     built_at=m["built_at"], index=summary(m))


@router.get("/occupations", response_model=OccupationsOut)
def occupations(s: Loaded, q: Q, k: Annotated[int, Query(ge=1, le=20)] = 8) -> OccupationsOut:
    """Occupations matching a name or a prefix typed so far (autocomplete), best first."""
    res = s.resolve(q, k)
    first = [res.best] if res.confident and res.best else []  # a whole name ("sprzedawczyni") wins
    unique: dict[str, Candidate] = {}
    for c in first + s.catalog.suggest(q, k) + res.candidates:
        unique.setdefault(c.code, c)  # the first (best placed) of each code
    cands = list(unique.values())
    return OccupationsOut(q=q, candidates=[CandidateOut(**c.to_json()) for c in cands[:k]],
                          ambiguous=not first and len(cands) > 1)


@router.get("/occupations/{code}", response_model=DescriptionOut)
def occupation(s: Loaded, rel: Related, code: Code, lang: Lang = "pl") -> DescriptionOut:
    known(s, code)
    view = s.catalog.view(code)
    assert view is not None  # known() checked the code
    sections = [SectionOut(section=v.section, label=v.label, passages=[
        PassageOut(passage_id=p.id, task_id=p.task_id, competence_id=p.competence_id, text=p.text,
                   source=cite(p.source, lang)) for p in v.passages]) for v in view.sections]
    related = [CandidateOut(code=r.code, name=r.name, score=round(r.similarity, 4)) for r in rel.related(code)]
    return DescriptionOut(code=code, name=view.name, group=view.group, group_name=view.group_name,
                          synonyms=view.synonyms, competences=[CompetenceOut(**c) for c in view.competences],
                          sections=sections, related=related,
                          sources=sorted(cite(source, lang) for source in view.sources))


@router.get("/occupations/{code}/related", response_model=list[RelatedOut])
def related(s: Loaded, rel: Related, code: Annotated[str, PathParam(pattern=r"^\d{6}$")],
            k: Annotated[int, Query(ge=1, le=30)] = 8) -> list[dict]:
    """The occupations that share the most specific tasks and skills with this one (compared statement by
    statement; the same KZiS unit group counts a little), best first, up to 20. Each says what the two share
    (``shared``) and what a move from this occupation there would leave to learn (``to_learn``), in the words of
    the related occupation's description."""
    known(s, code)
    return [r.to_json() for r in rel.related(code, k)]


@router.get("/compare", response_model=ComparisonOut)
def compare(s: Loaded, rel: Related, a: Annotated[str, Query(pattern=r"^\d{6}$")],
            b: Annotated[str, Query(pattern=r"^\d{6}$")], lang: Lang = "pl") -> dict:
    """Two occupations side by side: unit groups, first tasks and skills, training, shared ESCO skills."""
    known(s, a, b)
    try:
        return rel.compare(a, b).to_json(lang)
    except ValueError as e:  # the same occupation twice
        raise HTTPException(422, str(e)) from e


@router.get("/search", response_model=SearchOut)
def search(s: Loaded, q: Q, occupation: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
           section: Section | None = None, k: Annotated[int, Query(ge=1, le=MAX_K)] = 10,
           lang: Lang = "pl") -> dict:
    return s.search(q, occupation=occupation, section=section, k=k).to_json(lang)


@router.post("/classify", response_model=ClassificationOut)
def classify(s: Loaded, offer: OfferIn) -> dict:
    """KZiS codes for a job offer, best first, each with the coded ads, names and passages behind it."""
    try:
        title, description = check_offer(offer.title, offer.description)
    except ValueError as e:
        raise HTTPException(422, str(e)) from e
    return s.classifier.classify(title, description, offer.k).to_json()
