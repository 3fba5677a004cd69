"""Benchmark of faults: how long users wait for the first apology and for the first normal answer.

Starts its own action and Rasa servers on free loopback ports under the supervisor of `doradca bot run`, with a
user writing the same question every 0.5 s (each request waits at most 30 s; each fault is watched at most
150 s), and injects, one after the other:
- kill -9 of the action server's worker (what the out-of-memory killer does): the Rasa server apologises after
  the action timeout until the supervisor has restarted the action server;
- SIGSTOP of the action server for 20 s, then SIGCONT (a frozen process): apologies, then answers;
- kill -9 of the Rasa server: no reply at all (connection refused) until the supervisor has restarted it;
  the conversation continues from the tracker store.
Trade-off shown: a short action timeout (DORADCA_ACTION_TIMEOUT, here 10 s like the default) means an early
apology but gives a slow action less time.

Run: `make bench-bot` runs it after the load benchmark (or `.venv/bin/python bench/fault_bench.py`).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from services.processes import Assistant, Ports, descendants
from services.supervisor import Policy, Supervisor

QUESTION = "Co robi specjalista do spraw mediów interaktywnych?"
ANSWER = "(KZiS 243108)"
APOLOGY = "Przepraszam, mam chwilowy problem techniczny"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Outcome:
    fault: str
    to_apology: float | None  # seconds from the fault to the first apology (None: none came)
    to_answer: float | None  # seconds from the fault to the first normal answer after it
    unanswered: int  # requests that got no reply (refused or timed out)


def watch(bot: Assistant, fault: str, inject: Callable[[], None], limit: float, sender: str) -> Outcome:
    """Inject the fault, then ask every 0.5 s until a normal answer comes after an apology or a silence."""
    inject()
    t0 = time.monotonic()
    to_apology, unanswered = None, 0
    while time.monotonic() - t0 < limit:
        try:
            r = requests.post(bot.rest_url, json={"sender": sender, "message": QUESTION}, timeout=30)
            text = " ".join(m.get("text", "") for m in r.json()) if r.ok else ""
        except requests.RequestException:
            text = ""
        now = time.monotonic() - t0
        if APOLOGY in text and to_apology is None:
            to_apology = now
        elif ANSWER in text and (to_apology is not None or unanswered):
            return Outcome(fault, to_apology, now, unanswered)
        elif not text:
            unanswered += 1
        time.sleep(0.5)
    return Outcome(fault, to_apology, None, unanswered)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stopped", type=float, default=20.0, help="seconds the action server stays SIGSTOPped")
    ap.add_argument("--limit", type=float, default=150.0, help="seconds to watch each fault at most")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ports = Ports(rasa=free_port(), actions=free_port(), rasa_metrics=0, actions_metrics=0)
        bot = Assistant(ports, tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs",
                        extra_env={"DORADCA_ACTION_TIMEOUT": "10", "DORADCA_RATE_PER_MINUTE": "0",
                                   "DORADCA_RATE_PER_ADDRESS": "0"})
        print("starting the action server and the Rasa server...", flush=True)
        bot.start()
        stop = threading.Event()
        # the supervisor of `doradca bot run`, with its defaults (checks every 5 s, 2 failures, backoff from 2 s)
        supervisor = Supervisor(bot, Policy(), log=lambda line: print(f"  supervisor: {line}", flush=True))
        thread = threading.Thread(target=supervisor.run, args=(stop,), daemon=True)
        thread.start()
        try:
            assert ANSWER in " ".join(m.get("text", "") for m in bot.send("faults", QUESTION)), "no answer at start"

            def stop_and_continue() -> None:
                group = bot.procs["actions"].pid
                os.killpg(group, signal.SIGSTOP)
                threading.Timer(args.stopped, lambda: os.killpg(group, signal.SIGCONT)).start()

            faults: list[tuple[str, Callable[[], None]]] = [
                ("kill -9 action worker", lambda: os.kill((descendants(bot.procs["actions"].pid)
                                                           or [bot.procs["actions"].pid])[-1], signal.SIGKILL)),
                (f"SIGSTOP action server {args.stopped:.0f} s", stop_and_continue),
                ("kill -9 Rasa server", lambda: os.killpg(bot.procs["rasa"].pid, signal.SIGKILL)),
            ]
            outcomes = []
            for name, inject in faults:
                print(f"fault: {name}", flush=True)
                outcomes.append(watch(bot, name, inject, args.limit, "faults"))
                time.sleep(6)  # let the supervisor's next check see a healthy system
        finally:
            stop.set()
            thread.join(timeout=120)
            bot.stop()

    print("\n## Time from the fault to the first apology and to the first normal answer (one user, every 0.5 s)")
    print(f"{'fault':32}{'first apology':>16}{'first answer':>16}{'no reply':>10}")
    for o in outcomes:
        apology = f"{o.to_apology:.1f} s" if o.to_apology is not None else "-"
        answer = f"{o.to_answer:.1f} s" if o.to_answer is not None else "not within limit"
        print(f"{o.fault:32}{apology:>16}{answer:>16}{o.unanswered:>10}")
    print("no reply: requests refused (Rasa server down) or waited out; the conversation's turns continue from "
          "the tracker store.")


if __name__ == "__main__":
    main()
