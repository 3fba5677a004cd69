"""The chat and look-up pages, the settings they read at run time, the one vendor file they need, and the
security headers every response carries."""

import json
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from index.sentences import page_strings
from services.settings import serving

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = Path(__file__).resolve().parent / "node_modules"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

router = APIRouter(include_in_schema=False)


def bot_url() -> str:
    """The Rasa server as the chat page reaches it."""
    return serving().rasa_url()


def content_security_policy(bot: str) -> str:
    """Scripts, styles and images from this server only; connections to it and to the Rasa server (socket.io)."""
    ws = bot.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {bot} {ws}; object-src 'none'; base-uri 'none'; form-action 'self'")


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/chat")


@router.get("/runtime-config.js")
def runtime_config() -> Response:
    """Where this installation's Rasa server is and the limits of a file to code (the look-up page states them);
    static/config.js (the office's settings) comes after it. Also the chat page's strings in every language, from
    the sentence catalog (bot/sentences.yml): chat.js writes none of its own."""
    s = serving()
    batch = {"maxBytes": s.batch_max_bytes, "maxRows": s.batch_max_rows,
             "keepMinutes": round(s.batch_keep_seconds / 60)}
    settings = {"botServer": bot_url(), "batch": batch}
    body = (f"window.DORADCA_CONFIG = Object.assign({json.dumps(settings)}, window.DORADCA_CONFIG || {{}});\n"
            f"window.DORADCA_STRINGS = {json.dumps(page_strings(), ensure_ascii=False)};")
    return Response(body, media_type="text/javascript")


@router.get("/chat")
def chat_page() -> FileResponse:
    return FileResponse(STATIC / "chat.html")


@router.get("/lookup")
def lookup_page() -> FileResponse:
    return FileResponse(STATIC / "lookup.html")


@router.get("/vendor/socket.io-client/dist/socket.io.min.js")
def socketio_client() -> FileResponse:
    """The one file the pages need from web/node_modules (the rest of it is not served)."""
    path = VENDOR / "socket.io-client" / "dist" / "socket.io.min.js"
    if not path.exists():
        raise HTTPException(404, "socket.io client missing: run `make setup`")
    return FileResponse(path, media_type="text/javascript")


def security_headers(csp: str):  # Starlette's middleware signature
    async def add(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        response.headers["Content-Security-Policy"] = csp
        return response

    return add


class BodyLimit:
    """ASGI middleware: a request whose body is over ``limit`` bytes gets 413 before the app sees it, also when it
    comes in chunks without a Content-Length (uvicorn has no limit of its own). The body, at most ``limit`` bytes,
    is read here and handed on: an error raised while the app reads it would become FastAPI's 400. ``routes``:
    (method, path) -> a limit of its own (an upload of a whole file)."""

    def __init__(self, app, limit: int, routes: dict[tuple[str, str], int] | None = None) -> None:
        self.app, self.limit, self.routes = app, limit, routes or {}

    async def __call__(self, scope, receive, send) -> None:  # the ASGI interface
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.routes.get((scope.get("method", ""), scope.get("path", "")), self.limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await self._refuse(send, limit)
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > limit:
                return await self._refuse(send, limit)
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send, limit: int) -> None:
        body = json.dumps({"detail": f"request body over {limit} bytes", "reason": "too_large"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
