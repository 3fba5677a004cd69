"""The action server's own guards, attached through rasa-sdk's plugin hook (``rasa_sdk.plugin`` imports a package
of this name and calls ``init_hooks``; the action server runs from the project's root, so it finds this one).

- A shared secret: action calls must carry ``X-Doradca-Secret`` equal to ``DORADCA_ACTIONS_SECRET`` (the Rasa
  server sends it, bot/endpoints.yml); others get 401 before any action runs. Without the setting the action
  server refuses to start, so it is never open by accident. ``/health`` stays open (it reveals nothing).
- A body over 4 MiB (``MAX_BODY``; ``SANIC_REQUEST_MAX_SIZE`` overrides it) gets 413 before it is read, however the
  server was started (`doradca bot run`, systemd).
- The Prometheus exporter (``actions.metrics``) starts in each worker as it starts serving.
"""

from __future__ import annotations

import hmac
import sys
from typing import Any

import pluggy
from sanic import Sanic, response

from index.config import settings

SECRET_HEADER = "X-Doradca-Secret"
# bytes: an action call carries one turn's events and the domain (bot/rasa_patches.py), a few KiB; the whole
# conversation only with DORADCA_RASA_PATCHES=0 (benchmarks). Sanic's default is 100 MB.
MAX_BODY = 4 * 2**20
hookimpl = pluggy.HookimplMarker("rasa_sdk")


class MissingSecret(RuntimeError):
    """The action server was started without DORADCA_ACTIONS_SECRET."""


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(sys.modules[__name__])


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    s = settings()
    secret = s.actions_secret
    if not secret:
        raise MissingSecret("DORADCA_ACTIONS_SECRET is not set: the action server needs the secret the Rasa server "
                            "sends (`doradca bot run` makes one; for systemd see deploy/systemd/doradca.env)")
    expected = secret.encode()
    if s.sanic_request_max_size is None:  # Sanic reads it into app.config; an operator's value wins
        app.config.REQUEST_MAX_SIZE = MAX_BODY  # each connection reads it as it opens: set before the worker serves

    @app.on_request
    async def check_secret(request: Any) -> Any:
        if request.path == "/health":
            return None
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > app.config.REQUEST_MAX_SIZE:  # Sanic itself would answer 500
            return response.json({"error": "request body too large"}, status=413)
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "unauthorised: a wrong or missing " + SECRET_HEADER}, status=401)
        return None

    @app.before_server_start
    async def start_metrics(app: Sanic) -> None:
        from actions import metrics

        metrics.serve()
