"""HTTP JSON API for counsellors and other systems of the office, plus the chat and look-up pages.

Run with ``uvicorn web.app:app --host 127.0.0.1 --port 8000`` (``make run`` does). At start-up it asks the action
server of the same assistant for its searcher (model + index, ``index.remote``); when none answers, it loads one.
OpenAPI description at ``/openapi.json``.

| module | owns |
|---|---|
| ``api`` | the look-up API under ``/api`` |
| ``batch`` | whole files of job offers as jobs under ``/api/batch`` |
| ``health`` | ``/health/live`` and ``/health/ready`` (cached) |
| ``limits`` | the per-address rate limits of ``/api/search`` and ``/api/classify`` |
| ``pages`` | the pages, their run-time settings, the vendor file, the security headers |
| ``schemas`` | the API's request and response models |
"""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from index.config import settings
from index.related import Relations
from index.remote import CoreUnavailable, RemoteRelations, RemoteSearcher, connect
from index.search import QueryError, Searcher
from services.settings import serving

from . import api, batch, health, limits, pages


def open_core() -> tuple[Searcher | RemoteSearcher, Relations | RemoteRelations]:
    """The action server's core when it answers (``index.remote``: ~550 MB less), else one of this process's own."""
    deadline = time.monotonic() + settings().core_wait  # under systemd the two servers start together
    remote = connect()
    while remote is None and time.monotonic() < deadline:
        time.sleep(2)
        remote = connect()
    if remote is not None:
        return remote, RemoteRelations(remote)
    own = Searcher.open()
    return own, Relations(own)


def create_app(searcher: Searcher | None = None) -> FastAPI:
    """The app; tests may pass a searcher, otherwise the core is found or opened at start-up (``open_core``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.searcher, app.state.relations = (searcher, Relations(searcher)) if searcher else open_core()
        app.state.batch = batch.Batch.create(app.state.searcher.classifier, serving())
        yield
        app.state.batch.jobs.close()  # the files in memory go with the process; the sweeper stops

    app = FastAPI(title="doradca look-up API", version="1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Occupations, their official descriptions and passage search (KZiS, INFOdoradca+, ESCO).")

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(CoreUnavailable)
    async def core_down(request: Request, exc: CoreUnavailable) -> JSONResponse:  # the action server restarts
        return JSONResponse({"detail": "the look-up is restarting; try again in a minute"}, status_code=503,
                            headers={"Retry-After": "30"})

    for router in (batch.router, api.router, health.router, pages.router):
        app.include_router(router)
    app.middleware("http")(pages.security_headers(pages.content_security_policy(pages.bot_url())))
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    s = serving()
    app.add_middleware(limits.RouteLimits, routes=limits.api_limits(s))  # /api/search, /api/classify per address
    app.add_middleware(pages.BodyLimit, limit=s.max_body_bytes,  # the outermost: before anything reads
                       routes={("POST", "/api/batch"): s.batch_max_bytes})  # an upload is the file: its own limit
    return app


app = create_app()
