"""Liveness and readiness of the assistant, for the reverse proxy and the office's monitoring (``/health``)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.health import Readiness
from services.processes import Ports
from services.settings import serving

from .schemas import LiveOut, ReadyOut

router = APIRouter(prefix="/health", tags=["health"])


def readiness(request: Request) -> Readiness:
    """One per app: it remembers which parts have answered since the process started."""
    if not hasattr(request.app.state, "readiness"):
        request.app.state.readiness = Readiness(Ports(), serving().actions_secret)
    return request.app.state.readiness


@router.get("/live", response_model=LiveOut)
def live() -> LiveOut:
    """The web process answers (it has loaded the index: it serves only after that)."""
    return LiveOut(status="alive")


@router.get("/ready", response_model=ReadyOut,
            responses={503: {"model": ReadyOut, "description": "starting, or degraded: a part does not answer"}})
def ready(request: Request) -> JSONResponse:
    """Can a user chat now? Checks the Rasa server and the action server (an action that searches the index)."""
    state, parts = readiness(request).check()
    body = ReadyOut(status=state, parts={"web": "up", **parts})
    return JSONResponse(body.model_dump(), status_code=200 if state == "ready" else 503)
