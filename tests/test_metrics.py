"""Observability against the real servers: Prometheus metrics of the Rasa server, the action server and the
supervisor; the web process's liveness and readiness; a stopped action server (SIGSTOP) gives the apology within the
action timeout, readiness says "degraded", and answers come back after SIGCONT."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from services.health import Readiness
from services.processes import RASA, RASA_MODEL, Assistant, Ports

from .conftest import free_port

pytestmark = pytest.mark.skipif(not RASA.exists() or not RASA_MODEL.exists(),
                                reason="needs .venv-rasa and a trained model: run `make setup`")

QUESTION = "Co robi specjalista do spraw mediów interaktywnych?"
PESEL = "44051401359"
APOLOGY = "Przepraszam, mam chwilowy problem techniczny"
ACTION_TIMEOUT = 4
PER_ADDRESS = 20
BUSY = "Doradca jest teraz bardzo zajęty"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("metrics")
    ports = Ports(rasa=free_port(), actions=free_port(), web=free_port(), rasa_metrics=free_port(),
                  actions_metrics=free_port())
    a = Assistant(ports, tracker_db=tmp / "t.db", log_dir=tmp / "logs",
                  extra_env={"DORADCA_RATE_PER_MINUTE": "4", "DORADCA_ACTION_TIMEOUT": str(ACTION_TIMEOUT),
                             "DORADCA_MAX_MESSAGE_CHARS": "300", "DORADCA_RATE_PER_ADDRESS": str(PER_ADDRESS),
                             "DORADCA_MAX_CONCURRENT": "1",
                             # the readiness tests watch a stopped server at once (the cache: test_hardening.py)
                             "DORADCA_READY_CACHE_SECONDS": "0"})
    a.start(web=True)
    yield a
    a.stop()


def scrape(port: int) -> tuple[str, dict[tuple[str, frozenset], float]]:
    """The exporter's text and its samples by (name, labels)."""
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    samples = {(s.name, frozenset(s.labels.items())): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    return text, samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_messages_replies_and_times_without_personal_data(bot: Assistant):
    _, rasa0 = scrape(bot.ports.rasa_metrics)
    _, act0 = scrape(bot.ports.actions_metrics)
    sent = [
        ("m-answer", QUESTION),
        ("m-pesel", f"Mój PESEL {PESEL}, co robi specjalista do spraw mediów interaktywnych?"),
        ("m-long", "Co robi kucharz? " * 30),  # over the 300 characters: refused by the channel
    ] + [("m-fast", "Co robi specjalista do spraw mediów interaktywnych?")] * 5  # the 5th is over 4 a minute
    replies = {}
    for sender, text in sent:
        replies.setdefault(sender, []).append(" ".join(r.get("text", "") for r in bot.send(sender, text)))
    assert "(KZiS 243108)" in replies["m-answer"][0] and "(KZiS 243108)" in replies["m-pesel"][0]
    assert "Za dużo wiadomości" in replies["m-fast"][-1]

    rasa_text, rasa = scrape(bot.ports.rasa_metrics)
    act_text, act = scrape(bot.ports.actions_metrics)
    assert value(rasa, "doradca_messages_received_total", channel="rest") - \
        value(rasa0, "doradca_messages_received_total", channel="rest") == len(sent)
    assert value(rasa, "doradca_replies_total", kind="too_long") - value(rasa0, "doradca_replies_total",
                                                                         kind="too_long") == 1
    assert value(rasa, "doradca_replies_total", kind="rate_limited") - \
        value(rasa0, "doradca_replies_total", kind="rate_limited") == 1
    assert value(rasa, "doradca_replies_total", kind="apology") == value(rasa0, "doradca_replies_total", kind="apology")
    # every processed turn is timed; the refused ones return before Rasa sees them
    assert value(rasa, "doradca_turn_seconds_count") - value(rasa0, "doradca_turn_seconds_count") == len(sent) - 2

    answered = value(act, "doradca_replies_total", kind="answered") - value(act0, "doradca_replies_total",
                                                                            kind="answered")
    assert answered == len(sent) - 2  # the question, the one with a PESEL, 4 of the fast ones
    assert value(act, "doradca_search_seconds_count") - value(act0, "doradca_search_seconds_count") == answered
    assert value(act, "doradca_resolver_confidence_count") - value(act0, "doradca_resolver_confidence_count") >= 1
    assert value(act, "doradca_action_seconds_count", action="action_answer_occupation") >= answered
    assert not [k for k in act if k[0] == "doradca_action_errors_total" and act[k] > 0]

    for text in (rasa_text, act_text):  # nothing a user typed or is known by
        assert PESEL not in text and "m-pesel" not in text and "specjalista" not in text.lower()


def test_readiness_and_a_stopped_action_server(bot: Assistant):
    web = f"http://127.0.0.1:{bot.ports.web}"
    assert requests.get(f"{web}/health/live", timeout=5).json() == {"status": "alive"}
    r = requests.get(f"{web}/health/ready", timeout=15)
    assert (r.status_code, r.json()) == (200,
                                         {"status": "ready", "parts": {"web": "up", "rasa": "up", "actions": "up"}})

    group = bot.procs["actions"].pid  # its own process group: the server and its worker
    os.killpg(group, signal.SIGSTOP)
    try:
        r = requests.get(f"{web}/health/ready", timeout=15)
        assert (r.status_code, r.json()["status"], r.json()["parts"]["actions"]) == (503, "degraded", "down")
        started = time.monotonic()
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(bot.send, "m-stopped", QUESTION, 30)
            time.sleep(1)
            # one turn may run at a time here (DORADCA_MAX_CONCURRENT=1): the next is told so at once, not queued
            busy = " ".join(x.get("text", "") for x in bot.send("m-meanwhile", QUESTION, timeout=3))
            text = " ".join(x.get("text", "") for x in waiting.result())
        to_apology = time.monotonic() - started
        assert BUSY in busy
        assert APOLOGY in text
        assert to_apology < ACTION_TIMEOUT + 5, to_apology
    finally:
        os.killpg(group, signal.SIGCONT)
    started = time.monotonic()
    text = " ".join(x.get("text", "") for x in bot.send("m-stopped", QUESTION, timeout=30))
    assert "(KZiS 243108)" in text, text
    r = requests.get(f"{web}/health/ready", timeout=15)
    assert (r.status_code, r.json()["status"]) == (200, "ready")
    _, rasa = scrape(bot.ports.rasa_metrics)
    assert value(rasa, "doradca_replies_total", kind="apology") >= 1


def test_readiness_says_starting_until_every_part_has_answered(tmp_path: Path):
    nothing = Ports(rasa=free_port(), actions=free_port(), web=free_port())  # nothing listens there
    state, parts = Readiness(nothing, "secret", timeout=1).check()
    assert (state, parts) == ("starting", {"rasa": "down", "actions": "down"})
    with pytest.raises(ValueError, match="timeout"):
        Readiness(nothing, "secret", timeout=0)


def post_from(address: str, port: int, sender: str, forwarded: str) -> str:
    """A REST message sent from another loopback address (127.0.0.0/8 is all loopback), with a forged
    X-Forwarded-For."""
    conn = HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
    body = json.dumps({"sender": sender, "message": "dzień dobry"})
    conn.request("POST", "/webhooks/rest/webhook", body, {"Content-Type": "application/json",
                                                          "X-Forwarded-For": forwarded})
    replies = json.loads(conn.getresponse().read())
    conn.close()
    return " ".join(r.get("text", "") for r in replies)


def test_a_new_sender_id_per_message_does_not_dodge_the_limit_of_its_address(bot: Assistant):
    """Runs last in this module: it uses up 127.0.0.1's messages for a minute."""
    replies = [post_from("127.0.0.1", bot.ports.rasa, f"dodger-{i}", f"10.0.0.{i}") for i in range(PER_ADDRESS + 1)]
    assert "Za dużo wiadomości" in replies[-1], replies  # 20 a minute from one address, whatever the sender id
    assert sum("Za dużo wiadomości" in r for r in replies) >= 1
    assert "Dzień dobry" in post_from("127.0.0.2", bot.ports.rasa, "dodger-elsewhere", "10.0.0.1")  # another client
