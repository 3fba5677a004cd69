"""A stand-in for the Rasa server behind nginx (tests/test_nginx.py): Sanic, as Rasa 3.6 runs it, in .venv-rasa,
with the same SANIC_PROXIES_COUNT, answering every path with what it received and the client address Sanic
derives (``request.remote_addr``, which bot/channels.py's per-address limit uses). ``/socket.io/`` is a websocket
that sends the same once. ``/_seen`` (asked directly, not through nginx) lists the paths that reached it.

Usage: .venv-rasa/bin/python tests/nginx_upstream.py PORT
"""

from __future__ import annotations

import json
import sys
from typing import Any

from sanic import Sanic, response

app = Sanic("doradca_nginx_upstream")  # reads SANIC_PROXIES_COUNT from the environment, as Rasa's app does
SEEN: list[str] = []


def received(request: Any) -> dict[str, Any]:
    return {"path": request.path, "method": request.method, "remote_addr": request.remote_addr,
            "x_forwarded_for": request.headers.get("x-forwarded-for"), "forwarded": request.headers.get("forwarded"),
            "x_real_ip": request.headers.get("x-real-ip"), "bytes": len(request.body or b"")}


@app.websocket("/socket.io/", strict_slashes=True)
async def socket(request: Any, ws: Any) -> None:
    SEEN.append(request.path)
    await ws.send(json.dumps(received(request)))


@app.get("/_seen")
async def seen(request: Any) -> Any:
    return response.json(SEEN)


@app.route("/<rest:path>", methods=["GET", "POST", "OPTIONS"])
async def echo(request: Any, rest: str) -> Any:
    SEEN.append(request.path)
    return response.json(received(request))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False, workers=1)
