"""HTTP JSON API for counsellors and other systems of the office, plus the chat and look-up pages.

Run with ``uvicorn web.app:app --host 127.0.0.1 --port 8000`` (``make run`` does). The searcher
(model + index) loads once at start-up. OpenAPI description at ``/openapi.json``.
"""

import json
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, AsyncIterator, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from index.classify import MAX_DESCRIPTION, MAX_TITLE, check_offer
from index.records import SECTIONS
from index.related import Relations
from index.resolve import Candidate
from index.search import MAX_K, MAX_QUESTION, QueryError, Searcher
from index.store import summary
from services.health import Readiness
from services.processes import Ports
from services.settings import serving

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = Path(__file__).resolve().parent / "node_modules"
Section = Literal["overview", "task", "knowledge", "skill", "social_competence", "key_competence", "esco_skill",
                  "labour_market", "training", "disability"]
assert set(Section.__args__) == set(SECTIONS)  # type: ignore[attr-defined]
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
    similarity: float = Field(description="cosine of the two occupations' mean task and skill vectors")


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


def create_app(searcher: Searcher | None = None) -> FastAPI:
    """The app; tests may pass a searcher, otherwise one is opened from the settings at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.searcher = searcher or Searcher.open()
        app.state.relations = Relations(app.state.searcher)
        yield

    app = FastAPI(title="doradca look-up API", version="1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Occupations, their official descriptions and passage search (KZiS, INFOdoradca+, ESCO).")

    def s(request: Request) -> Searcher:
        return request.app.state.searcher

    def known(request: Request, code: str) -> None:
        if code not in s(request).occupations:
            raise HTTPException(404, f"unknown occupation code {code}")

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.get("/api/health", response_model=HealthOut)
    def health(request: Request) -> HealthOut:
        m = s(request).version.manifest
        return HealthOut(status="ok", passages=m["passage_count"], occupations=m["occupation_count"],
                         names=m["name_count"], coded_ads=m.get("example_count", 0), model=m["model_key"],
                         built_at=m["built_at"], index=summary(m))

    readiness = Readiness(Ports(), serving().actions_secret)

    @app.get("/health/live", response_model=LiveOut, tags=["health"])
    def live() -> LiveOut:
        """The web process answers (it has loaded the index: it serves only after that)."""
        return LiveOut(status="alive")

    @app.get("/health/ready", response_model=ReadyOut, tags=["health"],
             responses={503: {"model": ReadyOut, "description": "starting, or degraded: a part does not answer"}})
    def ready() -> JSONResponse:
        """Can a user chat now? Checks the Rasa server and the action server (an action that searches the index)."""
        state, parts = readiness.check()
        body = ReadyOut(status=state, parts={"web": "up", **parts})
        return JSONResponse(body.model_dump(), status_code=200 if state == "ready" else 503)

    @app.get("/api/occupations", response_model=OccupationsOut)
    def occupations(request: Request, q: Q, k: Annotated[int, Query(ge=1, le=20)] = 8) -> OccupationsOut:
        """Occupations matching a name or a prefix typed so far (autocomplete), best first."""
        searcher = s(request)
        res = searcher.resolve(q, k)
        first = [res.best] if res.confident and res.best else []  # a whole name ("sprzedawczyni") wins
        ordered = first + searcher.catalog.suggest(q, k) + res.candidates
        unique: dict[str, Candidate] = {}
        for c in ordered:
            unique.setdefault(c.code, c)  # the first (best placed) of each code
        cands = list(unique.values())
        return OccupationsOut(q=q, candidates=[CandidateOut(**c.to_json()) for c in cands[:k]],
                              ambiguous=not first and len(cands) > 1)

    @app.get("/api/occupations/{code}", response_model=DescriptionOut)
    def occupation(request: Request,
                   code: Annotated[str, PathParam(pattern=r"^\d{6}$", description="6-digit KZiS code")]) -> DescriptionOut:
        known(request, code)
        view = s(request).catalog.view(code)
        assert view is not None  # known() checked the code
        sections = [SectionOut(section=v.section, label=v.label, passages=[
            PassageOut(passage_id=p.id, task_id=p.task_id, competence_id=p.competence_id, text=p.text,
                       source=p.source.cite()) for p in v.passages]) for v in view.sections]
        related = [CandidateOut(code=r.code, name=r.name, score=round(r.similarity, 4))
                   for r in request.app.state.relations.related(code)]
        return DescriptionOut(code=code, name=view.name, group=view.group, group_name=view.group_name,
                              synonyms=view.synonyms, competences=[CompetenceOut(**c) for c in view.competences],
                              sections=sections, related=related, sources=view.sources)

    @app.get("/api/occupations/{code}/related", response_model=list[RelatedOut])
    def related(request: Request, code: Annotated[str, PathParam(pattern=r"^\d{6}$")],
                k: Annotated[int, Query(ge=1, le=30)] = 8) -> list[dict]:
        """Occupations of the same KZiS unit group first, then those whose tasks and skills are closest."""
        known(request, code)
        return [r.to_json() for r in request.app.state.relations.related(code, k)]

    @app.get("/api/compare", response_model=ComparisonOut)
    def compare(request: Request, a: Annotated[str, Query(pattern=r"^\d{6}$")],
                b: Annotated[str, Query(pattern=r"^\d{6}$")]) -> dict:
        """Two occupations side by side: unit groups, first tasks and skills, training, shared ESCO skills."""
        known(request, a)
        known(request, b)
        try:
            return request.app.state.relations.compare(a, b).to_json()
        except ValueError as e:  # the same occupation twice
            raise HTTPException(422, str(e)) from e

    @app.get("/api/search", response_model=SearchOut)
    def search(request: Request, q: Q,
               occupation: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
               section: Section | None = None,
               k: Annotated[int, Query(ge=1, le=MAX_K)] = 10) -> dict:
        return s(request).search(q, occupation=occupation, section=section, k=k).to_json()

    @app.post("/api/classify", response_model=ClassificationOut)
    def classify(request: Request, offer: OfferIn) -> dict:
        """KZiS codes for a job offer, best first, each with the coded ads, names and passages behind it."""
        try:
            title, description = check_offer(offer.title, offer.description)
        except ValueError as e:
            raise HTTPException(422, str(e)) from e
        return s(request).classifier.classify(title, description, offer.k).to_json()

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/chat")

    @app.get("/runtime-config.js", include_in_schema=False)
    def runtime_config() -> Response:
        """Where this installation's Rasa server is; static/config.js (the office's settings) comes after it."""
        body = f"window.DORADCA_CONFIG = Object.assign({{botServer: {json.dumps(bot_url())}}}, window.DORADCA_CONFIG || {{}});"
        return Response(body, media_type="text/javascript")

    @app.get("/chat", include_in_schema=False)
    def chat_page() -> FileResponse:
        return FileResponse(STATIC / "chat.html")

    @app.get("/lookup", include_in_schema=False)
    def lookup_page() -> FileResponse:
        return FileResponse(STATIC / "lookup.html")

    @app.get("/vendor/socket.io-client/dist/socket.io.min.js", include_in_schema=False)
    def socketio_client() -> FileResponse:
        """The one file the pages need from web/node_modules (the rest of it is not served)."""
        path = VENDOR / "socket.io-client" / "dist" / "socket.io.min.js"
        if not path.exists():
            raise HTTPException(404, "socket.io client missing: run `make setup`")
        return FileResponse(path, media_type="text/javascript")

    csp = content_security_policy(bot_url())

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202 - Starlette's middleware hook
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        response.headers["Content-Security-Policy"] = csp
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def bot_url() -> str:
    """The Rasa server as the chat page reaches it."""
    return serving().rasa_url()


SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def content_security_policy(bot: str) -> str:
    """Scripts, styles and images from this server only; connections to it and to the Rasa server (socket.io)."""
    ws = bot.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {bot} {ws}; object-src 'none'; base-uri 'none'; form-action 'self'")


app = create_app()
