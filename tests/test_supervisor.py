"""Supervision against the real servers: a killed action worker is restarted while users keep writing; a server that
keeps dying is given up on, and said so."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from services.processes import Assistant, Ports, descendants
from services.supervisor import GaveUp, Policy, Supervisor

from .conftest import free_port

QUESTION = "Co robi specjalista do spraw mediów interaktywnych?"
APOLOGY = "Przepraszam, mam chwilowy problem techniczny"


def kill_worker(bot: Assistant) -> int:
    """kill -9 the process that does the action server's work (its worker, else the server itself)."""
    root = bot.procs["actions"].pid
    victim = (descendants(root) or [root])[-1]
    os.kill(victim, signal.SIGKILL)
    return victim


class Running:
    """The supervisor in a thread, keeping what it logged and how it ended."""

    def __init__(self, bot: Assistant, policy: Policy) -> None:
        self.lines: list[str] = []
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self.supervisor = Supervisor(bot, policy, log=self.lines.append)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.supervisor.run(self.stop)
        except BaseException as e:  # noqa: BLE001 - the test reads it
            self.error = e

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=200)


@pytest.fixture()
def bot(tmp_path: Path):
    assistant = Assistant(Ports(rasa=free_port(), actions=free_port(), web=free_port()),
                          tracker_db=tmp_path / "t.db", log_dir=tmp_path / "logs")
    assistant.start()
    yield assistant
    assistant.stop()


def test_killed_action_worker_is_restarted_and_users_are_never_left_silent(bot: Assistant):
    running = Running(bot, Policy(interval=1, failures=2, check_timeout=3, backoff=0.5, max_restarts=1, window=600))
    restarts = REGISTRY.get_sample_value("doradca_process_restarts_total", {"process": "actions"}) or 0.0
    try:
        kill_worker(bot)
        replies, deadline = [], time.monotonic() + 150
        # a bounded load: one user writes once a second until the answers are back (at most 150 s)
        while time.monotonic() < deadline:
            started = time.monotonic()
            text = "\n".join(r.get("text", "") for r in bot.send("during-restart", QUESTION, timeout=30))
            replies.append((text, time.monotonic() - started))
            if "(KZiS 243108)" in text and any("restarted and answering" in line for line in running.lines):
                break
            time.sleep(1)
        assert "(KZiS 243108)" in replies[-1][0], running.lines
        # every message got the answer or the apology, none waited out the client
        assert all("(KZiS 243108)" in t or APOLOGY in t for t, _ in replies), replies
        assert max(s for _, s in replies) < 25
        assert any(line.startswith("actions server") and "restarting it" in line for line in running.lines)
        assert REGISTRY.get_sample_value("doradca_process_restarts_total", {"process": "actions"}) == restarts + 1

        # a second crash inside the window is more than the policy allows: reported, not looped on
        kill_worker(bot)
        running.thread.join(timeout=120)
        assert isinstance(running.error, GaveUp), running.lines
        assert "actions server" in str(running.error) and "restarted 1 times" in str(running.error)
    finally:
        running.close()


def test_policy_refuses_nonsense():
    with pytest.raises(ValueError, match="max_restarts >= 1"):
        Policy(max_restarts=0)
