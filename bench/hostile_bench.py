"""Benchmark: a normal question's round trip alone and while hostile requests are in flight (issue 29, item 8).

Issue 29 found that one REST request with a 20,000-letter sender id held the Rasa server for 40 s (a long metadata
string: 44 s), and every user's question waited as long: redaction (bot/redact.py) took time growing with the square
of its input and ran on the sender id and metadata before any limit was checked. This bench starts the real action
and Rasa servers on loopback (services.processes.Assistant, as bench/bot_bench.py does, with its search questions),
then, in alternating rounds, times a normal question (N repeats, one client):

- alone;
- while three other clients send the issue's hostile requests back to back: a 20,000-letter sender id, a metadata
  string of 30,000 letters, and a 60 KiB message of hostile text (a letter run, a digit run, "@"s and spaces);

and prints p50 / max side by side with their ratio. The rate limits are raised for the run through the product's
settings (the servers' environment), so that the hostile clients are not simply refused for their rate.

Before and after: the redaction time of each hostile text with the current bot/redact.py and with the version before
the linear rewrite (commit 142a49f), loaded from git history into a temporary module and run in a child process with
a time limit. The old version gets at most 8 KiB of each text (--old-cap; it took 3.6 s for 8,000 letters), so the
bench stays bounded; the current one gets 8 KiB and the whole text.

Figures go to build/bench/hostile.json as well. Run: `make bench` (or
`.venv/bin/python bench/hostile_bench.py [--repeats 24 --rounds 2]`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Self

import figures
import requests
from bot_bench import SEARCH_TURNS  # the same search questions as bench-bot
from fault_bench import free_port
from redact_bench import best  # the same timing of one redaction

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bot"))
sys.path.insert(0, str(ROOT))


from services.processes import RASA_MODEL, Assistant, Ports  # noqa: E402 - after the path is set

LINEAR_REWRITE = "142a49f"  # "Redaction in linear time" (git log -- bot/redact.py); its parent is the quadratic one
# rate limits raised, not turned off: the limiters' code still runs on every request, as in production
RAISED_LIMITS = {"DORADCA_RATE_PER_MINUTE": "1000000", "DORADCA_RATE_PER_ADDRESS": "1000000"}
ISSUE_BEFORE = "a normal question waited 40 s behind a 20,000-letter sender id, 44 s behind a long metadata string"


def mixed(size: int) -> str:
    """Hostile text of ``size`` characters: a run of letters, of digits, of "@" and of spaces, a quarter each."""
    quarter = size // 4
    return "a" * quarter + "1" * quarter + "@" * quarter + " " * (size - 3 * quarter)


def hostile_texts(cap: int | None = None) -> dict[str, str]:
    """The texts the hostile requests carry (what redaction used to run on), by name; at most ``cap`` characters
    each (the message keeps its four runs, each shorter)."""
    sizes = {"sender id, 20,000 letters": 20_000, "metadata string, 30,000 letters": 30_000,
             "message, 60 KiB (letters, digits, @, spaces)": 60 * 1024}
    return {name: mixed(min(size, cap or size)) if name.startswith("message") else "a" * min(size, cap or size)
            for name, size in sizes.items()}


def hostile_bodies() -> dict[str, bytes]:
    """The three hostile REST requests, as bodies (each under the 64 KiB body limit, so the channel sees them)."""
    texts = list(hostile_texts().values())
    bodies = {
        "20,000-letter sender id": {"sender": texts[0], "message": "Co robi piekarz?"},
        "30,000-letter metadata string": {"sender": "hostile-meta", "message": "Co robi piekarz?",
                                          "metadata": {"note": texts[1]}},
        "60 KiB hostile message": {"sender": "hostile-text", "message": texts[2]},
    }
    return {name: json.dumps(body).encode() for name, body in bodies.items()}


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[q - 1] if len(xs) > 1 else xs[0]


class Hostile:
    """Clients sending hostile requests back to back (one per kind) until stopped; counts answers by status."""

    def __init__(self, url: str, bodies: dict[str, bytes]) -> None:
        self.url, self.bodies = url, bodies
        self.stop = threading.Event()
        self.statuses: Counter[str] = Counter()
        self.times: list[float] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(body,)) for body in bodies.values()]

    def _run(self, body: bytes) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            t = time.perf_counter()
            try:
                status = str(session.post(self.url, data=body, headers={"Content-Type": "application/json"},
                                          timeout=120).status_code)
            except requests.RequestException as error:
                status = type(error).__name__
            with self.lock:
                self.statuses[status] += 1
                self.times.append((time.perf_counter() - t) * 1000)

    def __enter__(self) -> Self:
        for th in self.threads:
            th.start()
        time.sleep(0.5)  # all three in flight before the first measured question
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for th in self.threads:
            th.join()


def questions(bot: Assistant, n: int, tag: str) -> list[float]:
    """``n`` normal questions, one at a time, in conversations of the search questions; round trips in ms."""
    session, times = requests.Session(), []
    for i in range(n):
        t = time.perf_counter()
        r = session.post(bot.rest_url, json={"sender": f"normal-{tag}-{i // len(SEARCH_TURNS)}",
                                             "message": SEARCH_TURNS[i % len(SEARCH_TURNS)]}, timeout=120)
        times.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200 or not r.json():
            raise RuntimeError(f"a normal question got {r.status_code}: {r.text[:200]}")
    return times


def latency(repeats: int, rounds: int) -> dict:
    """Normal questions alone and under the hostile clients, alternating rounds on one pair of fresh servers."""
    times: dict[str, list[float]] = {"alone": [], "hostile": []}
    hostile_times: list[float] = []
    statuses: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with Assistant(Ports(rasa=free_port(), actions=free_port()), tracker_db=Path(tmp) / "t.db",
                       log_dir=Path(tmp) / "logs", extra_env=RAISED_LIMITS) as bot:
            print(f"servers ready in {time.perf_counter() - start:.0f} s; rate limits raised for this run: "
                  + ", ".join(f"{k}={v}" for k, v in RAISED_LIMITS.items()))
            for text in ("dzień dobry", "Czym zajmuje się kucharz?", *SEARCH_TURNS):
                bot.send("warm", text)  # the questions' vectors cached: both modes see the same caches
            for r in range(rounds):
                times["alone"] += questions(bot, repeats, f"{r}-alone")
                with Hostile(bot.rest_url, hostile_bodies()) as hostile:
                    times["hostile"] += questions(bot, repeats, f"{r}-hostile")
                statuses += hostile.statuses
                hostile_times += hostile.times
    summary = {mode: {"n": len(ts), "p50_ms": statistics.median(ts), "p95_ms": pct(ts, 95), "max_ms": max(ts)}
               for mode, ts in times.items()}
    summary["ratio_p50"] = summary["hostile"]["p50_ms"] / summary["alone"]["p50_ms"]
    summary["ratio_max"] = summary["hostile"]["max_ms"] / summary["alone"]["max_ms"]
    summary["hostile_requests"] = {"n": len(hostile_times), "statuses": dict(statuses),
                                   "p50_ms": statistics.median(hostile_times) if hostile_times else None,
                                   "max_ms": max(hostile_times) if hostile_times else None}
    return summary


OLD_RUNNER = """
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("redact_before", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
text = sys.stdin.read()
start = time.perf_counter()
module.redact(text)
print(time.perf_counter() - start)
"""


def old_seconds(source: Path, text: str, limit: float) -> float | None:
    """Redaction time of ``text`` by the old module in a child process; None if it took over ``limit`` seconds."""
    try:
        done = subprocess.run([sys.executable, "-c", OLD_RUNNER, str(source)], input=text, capture_output=True,
                              text=True, timeout=limit, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip())


def redaction(cap: int, limit: float) -> list[dict]:
    """Each hostile text: the current version on the whole text and on ``cap`` characters, the old one on ``cap``."""
    try:
        source = subprocess.run(["git", "show", f"{LINEAR_REWRITE}~1:bot/redact.py"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        source = None  # not a git checkout: the old column stays empty
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "redact_before.py"
        if source is not None:
            path.write_text(source, encoding="utf-8")
        capped = hostile_texts(cap)
        for name, text in hostile_texts().items():
            old = old_seconds(path, capped[name], limit) if source is not None else None
            rows.append({"text": name, "chars": len(text), "current_ms": best(text, 3) * 1000,
                         "current_capped_ms": best(capped[name], 3) * 1000,
                         "before_capped_ms": None if old is None else old * 1000,
                         "before_over_limit": source is not None and old is None})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=24, help="normal questions per mode and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of alone / with hostile requests")
    parser.add_argument("--old-cap", type=int, default=8192, help="characters given to the old redaction")
    parser.add_argument("--old-limit", type=float, default=60, help="seconds allowed to the old redaction per text")
    args = parser.parse_args()
    if not RASA_MODEL.exists():
        sys.exit(f"no trained Rasa model at {RASA_MODEL}: run `make setup`")

    print(f"## Redaction of the hostile texts: current bot/redact.py and before {LINEAR_REWRITE} (ms)")
    print(f"the version before gets at most {args.old_cap:,} characters of each text (it grows with the square of "
          f"the input), {args.old_limit:.0f} s at most; the current one gets {args.old_cap:,} and all of it")
    rows = redaction(args.old_cap, args.old_limit)
    cap = f"{args.old_cap // 1024} KiB"
    print(f"{'text':<46} {'before ' + cap:>13} {'now ' + cap:>10} {'ratio':>7} {'now, whole':>11}")
    for row in rows:
        before = ("> limit" if row["before_over_limit"] else "n/a") if row["before_capped_ms"] is None \
            else f"{row['before_capped_ms']:.0f}"
        ratio = "" if row["before_capped_ms"] is None else f"{row['before_capped_ms'] / row['current_capped_ms']:.0f}x"
        print(f"{row['text']:<46} {before:>13} {row['current_capped_ms']:>10.1f} {ratio:>7} {row['current_ms']:>11.1f}")

    print(f"\n## A normal question's round trip, alone and with hostile requests in flight "
          f"({args.rounds} rounds x {args.repeats} questions each, alternating)")
    lat = latency(args.repeats, args.rounds)
    print(f"{'':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for mode, label in (("alone", "alone"), ("hostile", "3 hostile clients")):
        s = lat[mode]
        print(f"{label:<28} {s['p50_ms']:>8.0f} {s['p95_ms']:>8.0f} {s['max_ms']:>8.0f}")
    print(f"{'ratio (hostile / alone)':<28} {lat['ratio_p50']:>8.2f} {'':>8} {lat['ratio_max']:>8.2f}")
    h = lat["hostile_requests"]
    print(f"hostile requests answered meanwhile: {h['n']} ({', '.join(f'{k}: {v}' for k, v in h['statuses'].items())}),"
          f" p50 {h['p50_ms']:.0f} ms, max {h['max_ms']:.0f} ms")
    print(f"before the fix (issue 29, measured then, not here): {ISSUE_BEFORE}")

    table = [[label, lat[mode]["p50_ms"], lat[mode]["p95_ms"], lat[mode]["max_ms"]]
             for mode, label in (("alone", "alone"), ("hostile", "3 hostile clients"))]
    table.append(["ratio (hostile / alone)", f"{lat['ratio_p50']:.2f}", None, f"{lat['ratio_max']:.2f}"])
    path = figures.write("hostile", {"latency": table},
                         {**vars(args), "env": RAISED_LIMITS, "before_commit": f"{LINEAR_REWRITE}~1"},
                         {"redaction": rows, "latency": lat})
    print(f"figures written to {path}")


if __name__ == "__main__":
    main()
