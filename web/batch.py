"""Whole files of job offers as asynchronous jobs (``/api/batch``): upload -> job id -> progress -> result file.

The file is the request body itself (no multipart: a multipart parser spools uploads over 1 MB to a temporary
file, and these files hold employers' data). It is read and checked at once (413 / 422 with the reason), coded on
one background thread, one file after another (the interactive look-up keeps the other core), and kept in this
process's memory only: the uploaded table is dropped as soon as the coded file is written, the coded file and the
job an hour (``DORADCA_BATCH_KEEP_SECONDS``) after the job finished, by a sweeper thread, whether or not anyone
asks again. Nothing from a file is logged. The job id is the only key to a job: 144 random bits.

In the several-machines layout a job lives in the web process that took it: route ``/api/batch`` of one client
to one machine (the reverse proxy's sticky sessions).
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from index.batch import (
    EXCEL_CSV,
    MAX_K,
    BatchError,
    Classifier,
    Coded,
    Format,
    Limits,
    Table,
    TooLarge,
    code_table,
    for_review,
    read_table,
    summary,
    write_table,
)
from services.settings import ServingSettings

from .schemas import BatchJobOut, BatchRowOut

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/batch", tags=["batch"])
JobId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{24}$", description="the id the upload returned")]
PREVIEW = 50  # rows shown on the page
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}
HTTP_CHARSET = {"utf-8-sig": "utf-8", "utf-8": "utf-8", "utf-16": "utf-16", "cp1250": "windows-1250"}
NO_STORE = {"Cache-Control": "no-store"}  # employers' data: no copy in a proxy's or the browser's cache
State = Literal["queued", "running", "done", "failed"]


class RateLimit:
    """At most ``limit`` calls per key in any ``window`` seconds, estimated from two fixed windows (this one's count
    plus the previous one's share still inside the window): O(1) per call, memory for two windows' keys. Keys are
    client addresses, kept keyed-hashed (a key made per process), never as they came."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.current: dict[bytes, int] = {}
        self.previous: dict[bytes, int] = {}
        self.started = 0
        self.salt = secrets.token_bytes(16)
        self.lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        if self.limit <= 0:
            return True
        key = hashlib.blake2b(address.encode(), key=self.salt, digest_size=16).digest()
        at = (time.monotonic() if now is None else now) / self.window
        with self.lock:
            if int(at) != self.started:
                self.previous = self.current if int(at) == self.started + 1 else {}
                self.current, self.started = {}, int(at)
            before = math.ceil(self.previous.get(key, 0) * (1 - (at - int(at))))
            if before + self.current.get(key, 0) >= self.limit:
                return False
            self.current[key] = self.current.get(key, 0) + 1
            return True


@dataclass
class Job:
    id: str
    table: Table | None  # dropped once the coded file is written
    k: int
    fmt: Format
    rows: int
    found: str
    charset: str  # of a CSV result
    created: float = field(default_factory=time.time)
    state: State = "queued"
    done: int = 0
    finished: float | None = None
    coded: list[Coded] = field(default_factory=list)
    result: bytes | None = None
    error: str | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)


class Busy(RuntimeError):
    """Too many files waiting: try later."""


class Jobs:
    """The jobs of one web process: coded one at a time on a background thread, swept ``keep`` seconds after they
    finished."""

    def __init__(self, classifier: Classifier, keep: float, queue: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.classifier, self.keep, self.queue, self.clock = classifier, keep, queue, clock
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch")
        self.stopped = threading.Event()
        self.sweeper = threading.Thread(target=self._sweep_forever, name="batch-sweeper", daemon=True)
        self.sweeper.start()

    def submit(self, table: Table, k: int, fmt: Format) -> Job:
        charset = HTTP_CHARSET[(table.csv or EXCEL_CSV).encoding]
        job = Job(secrets.token_urlsafe(18), table, k, fmt, table.row_count, table.describe(), charset,
                  created=self.clock())
        with self.lock:
            if sum(j.state in ("queued", "running") for j in self.jobs.values()) >= self.queue:
                raise Busy(f"{self.queue} files are being coded; try again in a few minutes")
            self.jobs[job.id] = job
        self.pool.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        if job.cancelled.is_set() or job.table is None:
            return
        job.state = "running"
        try:
            def progress(n: int) -> None:
                job.done = n

            job.coded = code_table(job.table, self.classifier, job.k, progress, job.cancelled.is_set)
            if not job.cancelled.is_set():
                job.result = write_table(job.table, job.coded, job.k, job.fmt)
                job.state = "done"
        except Exception as e:  # noqa: BLE001 - the job fails, the server goes on; the kind only: no cell in logs
            log.error("batch job failed: %s", type(e).__name__)
            job.error, job.state = "the file could not be coded (an error on the server)", "failed"
        finally:
            job.table = None  # the uploaded rows are not kept past coding
            job.finished = self.clock()

    def get(self, job_id: str) -> Job | None:
        self.sweep()
        with self.lock:
            return self.jobs.get(job_id)

    def delete(self, job_id: str) -> bool:
        with self.lock:
            job = self.jobs.pop(job_id, None)
        if job is not None:
            job.cancelled.set()  # a running job stops after its current row
            job.table = job.result = None
            job.coded = []
        return job is not None

    def expires(self, job: Job) -> float | None:
        return None if job.finished is None else job.finished + self.keep

    def sweep(self) -> int:
        """Delete the jobs (and their files) whose time is up; returns how many."""
        now = self.clock()
        with self.lock:
            gone = [j for j in self.jobs.values() if (self.expires(j) or math.inf) <= now]
        for job in gone:
            self.delete(job.id)
        return len(gone)

    def _sweep_forever(self) -> None:
        while not self.stopped.wait(min(60.0, max(1.0, self.keep / 4))):
            self.sweep()

    def close(self) -> None:
        self.stopped.set()
        for job_id in list(self.jobs):
            self.delete(job_id)
        self.pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class Batch:
    """What the routes need, made once per app (``web.app``)."""

    jobs: Jobs
    limits: Limits
    uploads: RateLimit
    polls: RateLimit

    @classmethod
    def create(cls, classifier: Classifier, s: ServingSettings) -> Batch:
        return cls(Jobs(classifier, s.batch_keep_seconds, s.batch_queue),
                   Limits(s.batch_max_bytes, s.batch_max_rows),
                   RateLimit(s.batch_uploads_per_hour, 3600), RateLimit(s.batch_polls_per_minute, 60))


def batch(request: Request) -> Batch:
    return request.app.state.batch


Loaded = Annotated[Batch, Depends(batch)]


def refuse(status: int, message: str, reason: str, found: list[str] | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    """An error with a ``reason`` the page words in Polish (the ``detail`` is for other clients)."""
    return JSONResponse({"detail": message, "reason": reason, "found": found or []}, status_code=status,
                        headers={**NO_STORE, **(headers or {})})


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _polled(b: Batch, request: Request) -> JSONResponse | None:
    if not b.polls.allow(_address(request)):
        return refuse(429, "too many progress calls; poll at most every 0.1 s", "rate_limited",
                      headers={"Retry-After": "5"})
    return None


def job_out(b: Batch, job: Job) -> BatchJobOut:
    expires = b.jobs.expires(job)
    done = job.state == "done"
    return BatchJobOut(
        id=job.id, state=job.state, rows=job.rows, done=job.done, found=job.found, k=job.k, format=job.fmt,
        counts=summary(job.coded) if done else None, error=job.error,  # type: ignore[arg-type]  # pydantic validates the dict
        expires_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires)) if expires else None,
        preview=[BatchRowOut(**c.to_json()) for c in for_review(job.coded)[:PREVIEW]] if done else [],
        result=f"/api/batch/{job.id}/result" if done else None)


ERRORS: dict[int | str, dict[str, Any]] = {413: {"description": "the file is over the size or row limit"},
          422: {"description": "an empty or unreadable file, or no title column; `reason` says which, `found` what "
                               "the first row holds"},
          415: {"description": "a form (multipart) instead of the file itself"},
          429: {"description": "too many uploads (or progress calls) from this address"},
          503: {"description": "too many files waiting; try again later"}}


@router.post("", status_code=202, response_model=BatchJobOut, responses=ERRORS, openapi_extra={
    "requestBody": {"required": True, "description": "the file itself (.xlsx, or CSV with , ; or tab in UTF-8 or "
                                                     "Windows-1250), as the body",
                    "content": {m: {"schema": {"type": "string", "format": "binary"}}
                                for m in ("application/octet-stream", *MEDIA.values())}}})
async def upload(request: Request, b: Loaded,
                 k: Annotated[int, Query(ge=1, le=MAX_K, description="candidate codes per row")] = 3,
                 title_column: Annotated[str | None, Query(max_length=200, description=(
                     "header of the title column (default: title, tytuł, stanowisko, nazwa stanowiska, job.title)"))]
                 = None,
                 description_column: Annotated[str | None, Query(max_length=200, description=(
                     "header of the description column (default: description, opis, opis stanowiska, zakres "
                     "obowiązków, job.description)"))] = None,
                 format: Annotated[Literal["same", "csv", "xlsx"], Query(  # the API's word
                     description="the coded file's format; same: the upload's (for CSV its separator and "
                                 "encoding)")] = "same") -> JSONResponse:
    """Code every row of a spreadsheet of job offers: the file is checked now and coded in the background; poll
    the job for progress, then download the result (the input with kod_1, zawod_1, pewnosc_1, ..., do_sprawdzenia,
    uzasadnienie). Jobs and files are deleted an hour after they finished."""
    if not b.uploads.allow(_address(request)):
        return refuse(429, "too many files from this address; try again within the hour", "rate_limited",
                      headers={"Retry-After": "600"})
    if request.headers.get("content-type", "").startswith("multipart/"):
        return refuse(415, "send the file itself as the request body (Content-Type application/octet-stream), "
                           "not a form", "multipart")
    data = await request.body()  # at most the route's own limit (web.pages.BodyLimit)
    try:
        table = await run_in_threadpool(read_table, data, b.limits, title_column or None, description_column or None)
    except TooLarge as e:
        return refuse(413, str(e), e.reason)
    except BatchError as e:
        return refuse(422, str(e), e.reason, e.found)
    finally:
        del data
    fmt: Format = table.kind if format == "same" else format
    try:
        job = b.jobs.submit(table, k, fmt)
    except Busy as e:
        return refuse(503, str(e), "busy", headers={"Retry-After": "60"})
    return JSONResponse(job_out(b, job).model_dump(), status_code=202, headers=NO_STORE)


@router.get("/{job_id}", response_model=BatchJobOut, responses={404: {"description": "no such job (or deleted)"},
                                                                  429: ERRORS[429]})
def status(b: Loaded, request: Request, job_id: JobId) -> Response:
    """Progress (``done`` of ``rows``); when done, counts, the first rows (those to check first) and the file's
    address."""
    if (limited := _polled(b, request)) is not None:
        return limited
    job = b.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job: it never existed or was deleted (an hour after it finished)")
    return JSONResponse(job_out(b, job).model_dump(), headers=NO_STORE)


@router.get("/{job_id}/result", response_class=Response, responses={
    200: {"description": "the coded file", "content": {m: {"schema": {"type": "string", "format": "binary"}}
                                                        for m in MEDIA.values()}},
    404: {"description": "no such job (or deleted)"}, 409: {"description": "not coded yet, or failed"},
    429: ERRORS[429]})
def result(b: Loaded, request: Request, job_id: JobId) -> Response:
    """The coded file."""
    if (limited := _polled(b, request)) is not None:
        return limited
    job = b.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job: it never existed or was deleted (an hour after it finished)")
    data = job.result
    if job.state != "done" or data is None:
        raise HTTPException(409, f"the file is not coded yet ({job.state}, {job.done} of {job.rows} rows)")
    charset = "" if job.fmt == "xlsx" else f"; charset={job.charset}"
    return Response(data, media_type=MEDIA[job.fmt] + charset, headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="oferty-kody.{job.fmt}"'})


@router.delete("/{job_id}", status_code=204, response_class=Response,
               responses={404: {"description": "no such job (or deleted)"}})
def delete(b: Loaded, job_id: JobId) -> Response:
    """Delete a job and its files now (a running job stops)."""
    if not b.jobs.delete(job_id):
        raise HTTPException(404, "no such job: it never existed or was deleted")
    return Response(status_code=204)
