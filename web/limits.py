"""Per-route rate limits of the look-up API's costly routes: every ``/api/search`` and ``/api/classify`` call runs
the model and a search, so one client address may make ``DORADCA_API_PER_MINUTE`` of each a minute (429 with
``Retry-After`` above it, before the route runs). The counting is ``web.batch.RateLimit``'s (two fixed windows,
addresses kept keyed-hashed); the address is the connection's, or the X-Forwarded-For of a proxy on loopback
(uvicorn's ``--forwarded-allow-ips 127.0.0.1``, which ``doradca bot run`` and the unit both pass)."""

from __future__ import annotations

import json

from services.settings import ServingSettings

from .batch import RateLimit

REFUSAL = "too many searches from this address; try again in a minute"


def api_limits(s: ServingSettings) -> dict[tuple[str, str], RateLimit]:
    """(method, path) -> its limit; each route counts on its own."""
    return {("GET", "/api/search"): RateLimit(s.api_per_minute, 60),
            ("POST", "/api/classify"): RateLimit(s.api_per_minute, 60)}


class RouteLimits:
    """ASGI middleware: a call over its route's limit gets 429 and never reaches the route."""

    def __init__(self, app, routes: dict[tuple[str, str], RateLimit]) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope, receive, send) -> None:  # the ASGI interface
        if scope["type"] == "http":
            limit = self.routes.get((scope.get("method", ""), scope.get("path", "").rstrip("/") or "/"))
            client = scope.get("client")
            if limit is not None and not limit.allow(client[0] if client else "unknown"):
                body = json.dumps({"detail": REFUSAL, "reason": "rate_limited", "found": []}).encode()
                await send({"type": "http.response.start", "status": 429, "headers": [
                    (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"retry-after", b"60"), (b"cache-control", b"no-store")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
