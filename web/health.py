"""Liveness and readiness of the assistant, for the reverse proxy and the office's monitoring (``/health``)."""

import threading
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.health import PartState, Readiness, State
from services.processes import Ports
from services.settings import serving

from .schemas import LiveOut, ReadyOut

router = APIRouter(prefix="/health", tags=["health"])


class CachedReadiness:
    """The last check's answer for ``seconds`` (DORADCA_READY_CACHE_SECONDS): however often the proxy, the monitoring
    or anyone on the internet polls, the servers are checked (an action call that searches the index) at most once
    in that time; calls that come during a check wait for it and share its answer."""

    def __init__(self, readiness: Readiness, seconds: float) -> None:
        self.readiness, self.seconds = readiness, seconds
        self.answer: tuple[State, dict[str, PartState]] | None = None
        self.at = 0.0
        self.lock = threading.Lock()

    def check(self) -> tuple[State, dict[str, PartState]]:
        with self.lock:
            if self.answer is None or time.monotonic() - self.at >= self.seconds:
                self.answer, self.at = self.readiness.check(), time.monotonic()
            return self.answer


def readiness(request: Request) -> CachedReadiness:
    """One per app: it remembers which parts have answered since the process started."""
    if not hasattr(request.app.state, "readiness"):
        s = serving()
        request.app.state.readiness = CachedReadiness(Readiness(Ports(), s.actions_secret), s.ready_cache_seconds)
    return request.app.state.readiness


@router.get("/live", response_model=LiveOut)
def live() -> LiveOut:
    """The web process answers (it has loaded the index: it serves only after that)."""
    return LiveOut(status="alive")


@router.get("/ready", response_model=ReadyOut,
            responses={503: {"model": ReadyOut, "description": "starting, or degraded: a part does not answer"}})
def ready(request: Request) -> JSONResponse:
    """Can a user chat now? Checks the Rasa server and the action server (an action that searches the index); the
    answer is at most DORADCA_READY_CACHE_SECONDS (5) old."""
    state, parts = readiness(request).check()
    body = ReadyOut(status=state, parts={"web": "up", **parts})
    return JSONResponse(body.model_dump(), status_code=200 if state == "ready" else 503)
