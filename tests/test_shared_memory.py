"""One knowledge core in memory (issue #31): the web look-up of an assistant answers from its action server's
searcher (``index.remote``) instead of loading a second copy. Real servers on loopback, the full index."""

from __future__ import annotations

import re
import threading
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path

import pytest
import requests

from index.config import settings
from index.remote import address
from services.processes import Assistant, Ports, descendants

from .conftest import free_port, needs_corpus

pytestmark = needs_corpus


def pss_mb(pid: int) -> float:
    """Proportional set size of a process and its children (shared pages counted 1/n in each of n processes)."""
    total = 0
    for p in [pid, *descendants(pid)]:
        rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return total / 1024


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    """An action server (its searcher loaded by the warm-up call) and then a web look-up, one secret shared."""
    tmp = tmp_path_factory.mktemp("shared")
    bot = Assistant(Ports(rasa=free_port(), actions=free_port(), web=free_port()), tracker_db=tmp / "t.db",
                    log_dir=tmp / "logs")
    try:
        bot.start_actions()
        bot.start_web()
        yield bot
    finally:
        bot.stop()


def api(bot: Assistant, path: str, **params: object) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{bot.ports.web}/api{path}", params=params, timeout=60)


def test_web_holds_no_second_core(assistant: Assistant) -> None:
    r = api(assistant, "/search", q="Co robi piekarz?", k=3)
    assert r.status_code == 200 and r.json()["occupation"]["code"] == "751204"
    assert api(assistant, "/occupations/751204/related").json()[0]["code"]
    assert api(assistant, "/search", q="x" * 3000).status_code == 422  # the core's QueryError, raised again here
    web, actions = pss_mb(assistant.procs["web"].pid), pss_mb(assistant.procs["actions"].pid)
    # a web process with a core of its own holds as much as the action server (~650 MB each); without, ~200
    assert web < 0.5 * actions, f"web {web:.0f} MB, actions {actions:.0f} MB"


def test_core_refuses_another_secret(assistant: Assistant) -> None:
    where = address(assistant.actions_secret, str(settings().index_dir.resolve()))
    with Client(where, family="AF_UNIX", authkey=assistant.actions_secret.encode()) as conn:
        conn.send(("manifest", (), {}))
        assert conn.recv()[0] == "ok"
    with pytest.raises(AuthenticationError):
        Client(where, family="AF_UNIX", authkey=b"not the secret")


def test_web_answers_from_the_action_server(assistant: Assistant) -> None:
    """Its answers come from the action server: 503 while that one is down, answers again once it is back."""
    assistant.stop_one("actions")
    r = api(assistant, "/search", q="co musi umieć spawacz")
    assert r.status_code == 503 and r.headers["retry-after"] == "30"
    assistant.start_actions()
    r = api(assistant, "/search", q="co musi umieć spawacz")
    assert r.status_code == 200 and r.json()["hits"]


def test_a_web_started_first_waits_for_the_core(tmp_path: Path) -> None:
    """As systemd starts them (DORADCA_CORE_WAIT): the web process waits for the action server, which loads its
    core at start-up, and then holds no copy of its own."""
    bot = Assistant(Ports(rasa=free_port(), actions=free_port(), web=free_port()), tracker_db=tmp_path / "t.db",
                    log_dir=tmp_path / "logs", extra_env={"DORADCA_CORE_WAIT": "240"})
    try:
        web = threading.Thread(target=bot.start_web)
        web.start()
        time.sleep(3)  # the web process is up and looking for a core
        bot.start_actions()
        web.join(timeout=300)
        assert api(bot, "/search", q="Co robi piekarz?").status_code == 200
        w, a = pss_mb(bot.procs["web"].pid), pss_mb(bot.procs["actions"].pid)
        assert w < 0.5 * a, f"web {w:.0f} MB, actions {a:.0f} MB"
    finally:
        bot.stop()
