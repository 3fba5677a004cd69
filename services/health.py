"""Is each part of the assistant answering on its real path? Used by the supervisor (`doradca bot run`) and by the
web process's readiness endpoint, which a reverse proxy or an office's monitoring polls.

Example::

    readiness = Readiness(Ports(), secret)      # services.processes.Ports
    readiness.check()     # ("degraded", {"rasa": "up", "actions": "down"}) while the action server is down
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

import requests

if TYPE_CHECKING:  # processes imports this module
    from .processes import Ports

Part = Literal["rasa", "actions", "web"]
State = Literal["starting", "ready", "degraded"]
PartState = Literal["up", "down"]
PARTS: tuple[Part, ...] = ("rasa", "actions")  # what the web process checks besides itself


def answers(part: Part, ports: Ports, secret: str, timeout: float = 5) -> bool:
    """One check: the action server runs an action that searches the loaded index (its worker, the model, the
    index); the Rasa server and the web process answer their front page / health route."""
    try:
        if part == "actions":
            r = requests.post(f"http://127.0.0.1:{ports.actions}/webhook", json=warmup_call(),
                              headers=secret_header(secret), timeout=timeout)
        elif part == "rasa":
            r = requests.get(f"http://127.0.0.1:{ports.rasa}/", timeout=timeout)
        else:
            r = requests.get(f"http://127.0.0.1:{ports.web}/api/health", timeout=timeout)
    except requests.RequestException:
        return False
    return r.status_code == 200


def secret_header(secret: str) -> dict[str, str]:
    """What the Rasa server sends the action server (bot/endpoints.yml; checked by rasa_sdk_plugins)."""
    return {"X-Doradca-Secret": secret}


def warmup_call() -> dict:
    """An action server request for ``action_warmup`` (not in the domain: users never reach it)."""
    return {
        "next_action": "action_warmup",
        "sender_id": "warmup",
        "tracker": {"sender_id": "warmup", "slots": {}, "latest_message": {"text": ""}, "events": [],
                    "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None},
        "domain": {},
        "version": "3.6.21",
    }


class Readiness:
    """"starting" until every part has answered once, then "ready" while all answer, "degraded" when one that
    answered before does not (the chat then gets apologies: the action server is down, or nothing: Rasa is)."""

    def __init__(self, ports: Ports, secret: str, timeout: float = 3.0) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be > 0")
        self.ports, self.secret, self.timeout = ports, secret, timeout
        self._seen: set[Part] = set()
        self._lock = threading.Lock()

    def check(self) -> tuple[State, dict[str, PartState]]:
        with ThreadPoolExecutor(len(PARTS)) as pool:  # both at once: a hung part costs one timeout, not two
            up = dict(zip(PARTS, pool.map(lambda p: answers(p, self.ports, self.secret, self.timeout), PARTS)))
        with self._lock:
            self._seen |= {p for p, ok in up.items() if ok}
            started = self._seen == set(PARTS)
        state: State = "ready" if all(up.values()) else "degraded" if started else "starting"
        return state, {p: "up" if ok else "down" for p, ok in up.items()}
