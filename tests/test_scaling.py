"""Past one machine: 2 Rasa servers + 2 action servers sharing PostgreSQL (conversations) and Redis (locks).

PostgreSQL and Redis are the Debian packages (`make services`), started here on loopback. One jobseeker's
messages go alternately to both Rasa servers; follow-ups must keep their context and turns stay in order,
also when two messages of one conversation reach both servers at the same moment.
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from index.config import ROOT
from services.backing import Postgres, Redis, pg_bin
from services.processes import RASA, RASA_MODEL, Assistant, Ports

from .conftest import free_port, needs_corpus

pytestmark = pytest.mark.skipif(not RASA.exists() or not RASA_MODEL.exists(),
                                reason="needs .venv-rasa and a trained model: run `make setup`")

API_TOKEN = "scaling-test-token"
RATE = 12  # messages per sender and minute, for all servers together (no test here sends more to one sender)
SEO = "Sposoby mierzenia, planowania i optymalizacji działań marketingu on-line"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("scaling")
    with Postgres(port=free_port()) as pg, Redis(port=free_port()) as redis:
        env = {**pg.env(), **redis.env(), "DORADCA_RASA_API_TOKEN": API_TOKEN,
               "DORADCA_RATE_PER_MINUTE": str(RATE), "DORADCA_RATE_PER_ADDRESS": "0"}
        servers = [Assistant(Ports(rasa=free_port(), actions=free_port()), log_dir=tmp / f"logs{i}",
                             tracker_db=tmp / "unused.db", endpoints=ROOT / "bot" / "endpoints-scaled.yml",
                             extra_env=env) for i in range(2)]
        try:
            for server in servers:
                server.start()
            yield servers, pg, redis
        finally:
            for server in servers:
                server.stop()


def text_of(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def tracker(server: Assistant, sender: str) -> list[dict]:
    r = requests.get(f"http://127.0.0.1:{server.ports.rasa}/conversations/{sender}/tracker",
                     params={"token": API_TOKEN}, timeout=30)
    r.raise_for_status()
    return r.json()["events"]


def turns(events: list[dict]) -> list[tuple[str, int]]:
    """(user text, number of bot messages before the next user message), in stored order."""
    out: list[tuple[str, int]] = []
    for e in events:
        if e["event"] == "user":
            out.append((e["text"], 0))
        elif e["event"] == "bot" and out:
            out[-1] = (out[-1][0], out[-1][1] + 1)
    return out


def test_a_conversation_alternating_between_servers_keeps_its_context(cluster):
    (a, b), _, _ = cluster
    steps = [
        (a, "Co musi wiedzieć specjalista do spraw mediów interaktywnych?", ["(KZiS 243108) – co trzeba wiedzieć"]),
        # occupation and section remembered from server a
        (b, "a czy trzeba znać SEO?", ["Zadanie: Przygotowywanie i prowadzenie kampanii", SEO]),
        (a, "więcej", ["KZiS 243108"]),  # the "more" of server b's answer
        (b, "a jakie umiejętności?", ["(KZiS 243108) – co trzeba umieć"]),
        (a, "dzięki", ["Proszę bardzo"]),
    ]
    for server, message, expected in steps:
        answer = text_of(server.send("alternating", message))
        for piece in expected:
            assert piece in answer, (message, answer[:500])
    for server in (a, b):  # both servers see the same conversation, in the order it happened
        assert [t for t, _ in turns(tracker(server, "alternating"))] == [m for _, m, _ in steps]
        assert all(n >= 1 for _, n in turns(tracker(server, "alternating")))


@needs_corpus
def test_switching_occupation_on_one_server_is_seen_by_the_other(cluster):
    (a, b), _, _ = cluster
    assert "(KZiS 243108)" in text_of(a.send("switch", "Co musi wiedzieć specjalista do spraw mediów interaktywnych?"))
    assert "Kucharz (KZiS 512001)" in text_of(b.send("switch", "a co robi kucharz?"))
    follow_up = text_of(a.send("switch", "a czy musi znać zasady higieny?"))
    assert "KZiS 512001" in follow_up and "243108" not in follow_up


def test_simultaneous_messages_to_both_servers_are_answered_one_after_the_other(cluster):
    (a, b), _, redis = cluster
    before = _lock_commands(redis)
    messages = [f"dzięki {i}" if i % 2 else "dzień dobry" for i in range(RATE - 2)]
    for k in range(4):  # several conversations: a race between the servers shows up in some, not all
        sender = f"together-{k}"
        with ThreadPoolExecutor(2) as pool:
            for i in range(0, len(messages), 2):  # pairs sent at the same moment, one to each server
                pair = [pool.submit(server.send, sender, m) for server, m in zip((a, b), messages[i:i + 2])]
                assert all(f.result() for f in pair)
        events = tracker(b, sender)
        assert sum(e["event"] == "session_started" for e in events) == 1, sender  # one conversation, not two
        stored = turns(events)
        assert sorted(t for t, _ in stored) == sorted(messages), sender  # nothing lost, nothing doubled
        assert all(n >= 1 for _, n in stored), (sender, stored)  # each answer right after its own message
    assert _lock_commands(redis) > before  # the lock was taken in Redis


def test_restarting_one_server_pair_loses_no_conversation(cluster):
    """A rolling restart (new index or Rasa model): while one pair is down, the other carries on."""
    (a, b), _, _ = cluster
    assert "(KZiS 243108)" in text_of(b.send("rolling", "Co musi wiedzieć specjalista do spraw mediów interaktywnych?"))
    b.stop()
    assert "Zadanie: Przygotowywanie i prowadzenie kampanii" in text_of(a.send("rolling", "a czy trzeba znać SEO?"))
    b.start()
    assert "(KZiS 243108) – co trzeba umieć" in text_of(b.send("rolling", "a jakie umiejętności?"))


def test_the_rate_limit_is_shared_by_the_servers(cluster):
    (a, b), _, _ = cluster
    replies = [text_of(server.send("eager", "dzień dobry")) for server in [a, b] * (RATE // 2)]
    assert all("Dzień dobry" in r for r in replies)
    # each server has seen only half of them, yet the next message is over the limit on either
    assert text_of(a.send("eager", "dzień dobry")).startswith("Za dużo wiadomości")
    assert text_of(b.send("eager", "dzień dobry")).startswith("Za dużo wiadomości")
    assert "Dzień dobry" in text_of(b.send("someone-else", "dzień dobry"))


def test_rasa_http_api_needs_the_token(cluster):
    (a, _), _, _ = cluster
    # the token comes from the environment: not on the command line, which every local user can read
    assert API_TOKEN.encode() not in Path(f"/proc/{a.procs['rasa'].pid}/cmdline").read_bytes()
    url = f"http://127.0.0.1:{a.ports.rasa}/conversations/alternating/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401


def psql(pg: Postgres, sql: str) -> list[str]:
    out = subprocess.run([pg_bin("psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg.user, "-d", pg.database,
                          "-At", "-c", sql],
                         capture_output=True, text=True, env={"PGPASSWORD": pg.password}, timeout=30, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_conversations_are_in_postgresql(cluster):
    (a, _), pg, _ = cluster
    a.send("in-postgres", "dzień dobry")
    rows = psql(pg, "select data from events where sender_id = 'in-postgres' and type_name = 'user'")
    assert [json.loads(line)["text"] for line in rows] == ["dzień dobry"]


def test_retention_on_postgresql_deletes_only_old_conversations(cluster):
    (a, b), pg, _ = cluster
    a.send("pg-old", "dzień dobry")
    b.send("pg-recent", "dzień dobry")
    psql(pg, "update events set timestamp = timestamp - 40 * 86400 where sender_id = 'pg-old'")
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "doradca"), "conversations", "prune", "--days", "30",
                          "--postgres"], capture_output=True, text=True, env={**os.environ,
                                                                              **pg.env()}, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert "PostgreSQL 127.0.0.1/doradca" in out.stdout and "1 conversation(s) entirely" in out.stdout
    senders = set(psql(pg, "select distinct sender_id from events"))
    assert "pg-old" not in senders and "pg-recent" in senders


def test_retention_on_postgresql_says_when_it_cannot_connect(cluster):
    _, pg, _ = cluster
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "doradca"), "conversations", "prune", "--days", "30",
                          "--postgres"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, **pg.env(), "DORADCA_DB_PASSWORD": "wrong"}, check=False)
    assert out.returncode != 0 and "cannot connect to PostgreSQL 127.0.0.1/doradca" in out.stderr + out.stdout


def _lock_commands(redis: Redis) -> int:
    """Commands Redis has run that touch keys (Rasa's lock store: get/set/delete of lock entries)."""
    stats = redis.command("INFO", "commandstats")
    return sum(int(line.split("calls=")[1].split(",")[0]) for line in stats.splitlines()
               if line.startswith(("cmdstat_set:", "cmdstat_del:", "cmdstat_get:")))


def test_restarting_postgresql_and_redis_loses_and_doubles_no_turn(cluster):
    """The backing services restart (an update, a crash): conversations go on from PostgreSQL, each turn once."""
    (a, b), pg, redis = cluster
    sent = ["Co musi wiedzieć specjalista do spraw mediów interaktywnych?", "a czy trzeba znać SEO?",
            "a jakie umiejętności?"]
    replies = [text_of(a.send("backing", sent[0]))]
    pg.restart()
    replies.append(text_of(b.send("backing", sent[1])))
    redis.restart()
    replies.append(text_of(a.send("backing", sent[2])))
    assert "(KZiS 243108)" in replies[0], replies
    assert "Zadanie: Przygotowywanie i prowadzenie kampanii" in replies[1], replies
    assert "(KZiS 243108) – co trzeba umieć" in replies[2], replies
    stored = turns(tracker(a, "backing"))
    assert [t for t, _ in stored] == sent and all(n >= 1 for _, n in stored), stored
