"""Benchmark of the running assistant over REST: round-trip latency and throughput, with server memory.

Starts its own Rasa and action servers on loopback (ports 16005/16055), then:
- latency: one sender, each message once per pass, messages that run the search action (a first
  question naming the occupation, specific follow-ups, section follow-ups); p50/p95 per message;
- throughput: 1, 5 and 20 concurrent senders, each sending its conversation in a loop for a bounded
  time (default 20 s per level); answers/s, errors, p50/p95;
- RSS of both servers (all processes of each) after warm-up and at the end.
Trade-off shown: answers/s against latency as concurrency grows (one Rasa worker, one action worker).

Run: `make bench-bot` (or `.venv/bin/python bench/bot_bench.py --seconds 20`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import requests

from services.processes import Assistant, Ports

SEARCH_TURNS = [
    "Co musi wiedzieć specjalista do spraw mediów interaktywnych?",
    "a czy trzeba znać SEO?",
    "a czy trzeba znać prawo autorskie?",
    "a czy ta praca wymaga robienia zdjęć?",
    "a jakie umiejętności?",
    "jak prowadzić dyskusje na forach internetowych?",
]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all processes of its session (the servers fork workers)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[3]) != pid and int(proc.name) != pid and int(stat[4]) != pid:  # ppid, pgrp
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs), q)) if xs else float("nan")


def latency(bot: Assistant, passes: int) -> list[float]:
    times = []
    for i in range(passes):
        for text in SEARCH_TURNS:
            t = time.perf_counter()
            replies = bot.send(f"lat-{i}", text)
            times.append((time.perf_counter() - t) * 1000)
            assert replies
    return times


def load(bot: Assistant, senders: int, seconds: float, stamps: list[float] | None = None) -> tuple[int, int, list[float]]:
    """``senders`` threads, each sending its conversation in a loop until ``seconds`` have passed."""
    start = time.monotonic()
    stop = start + seconds
    lock = threading.Lock()
    ok, errors, times = 0, 0, []

    def worker(n: int) -> None:
        nonlocal ok, errors
        session = requests.Session()
        i = 0
        while time.monotonic() < stop:
            text = SEARCH_TURNS[i % len(SEARCH_TURNS)]
            t = time.perf_counter()
            try:
                r = session.post(bot.rest_url, json={"sender": f"load-{senders}-{n}", "message": text}, timeout=60)
                good = r.status_code == 200 and bool(r.json())
            except requests.RequestException:
                good = False
            dt = (time.perf_counter() - t) * 1000
            with lock:
                if good:
                    ok += 1
                    times.append(dt)
                    if stamps is not None:
                        stamps.append(time.monotonic() - start)
                else:
                    errors += 1
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(senders)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return ok, errors, times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20, help="duration of each concurrency level")
    ap.add_argument("--passes", type=int, default=10, help="latency passes over the search messages")
    ap.add_argument("--soak", type=int, default=0, help="instead: this many senders for --soak-seconds")
    ap.add_argument("--compare-patch", action="store_true",
                    help="instead: 20 senders with bot/rasa_patches.py off and on, alternating, 3 rounds")
    ap.add_argument("--soak-seconds", type=float, default=180)
    args = ap.parse_args()
    if args.soak:
        soak(args.soak, args.soak_seconds)
        return
    if args.compare_patch:
        compare_patch(args.seconds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        # the per-sender rate limit is off: each benchmark sender sends as fast as it can
        with Assistant(Ports(rasa=16005, actions=16055), tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs",
                       extra_env={"DORADCA_RATE_PER_MINUTE": "0"}) as bot:
            print(f"servers ready in {time.perf_counter() - t:.0f} s (action server warmed up)")
            for text in ("dzień dobry", "Czym zajmuje się kucharz?", "a czy musi znać przepisy sanitarne?"):
                bot.send("warm", text)  # other texts: the measured ones stay uncached in pass 1
            rss0 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            times = latency(bot, args.passes)
            cold = times[: len(SEARCH_TURNS)]
            print(f"\n## Round trip of search answers, 1 sender, {len(times)} messages ({args.passes} passes)")
            print(f"all: p50 {statistics.median(times):.0f} ms, p95 {pct(times, 95):.0f} ms; "
                  f"first pass (question vectors not cached yet): p50 {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms")
            print(f"\n## Throughput, {args.seconds:.0f} s per level (loopback, bounded)")
            print(f"{'senders':>7} {'answers/s':>9} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}")
            for senders in (1, 5, 20):
                ok, errors, ts = load(bot, senders, args.seconds)
                print(f"{senders:7d} {ok / args.seconds:9.1f} {errors:6d} {statistics.median(ts) if ts else float('nan'):7.0f} {pct(ts, 95):7.0f}")
            rss1 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            print("\n## RSS (MB) after warm-up -> at the end")
            for n in rss0:
                print(f"{n:8} {rss0[n]:7.0f} -> {rss1[n]:7.0f}")


def compare_patch(seconds: float, rounds: int = 3) -> None:
    """Answers/s at 20 senders without and with the schema-check patch, side by side (fresh servers each time)."""
    rates: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(rounds):
        for mode in ("off", "on"):
            with tempfile.TemporaryDirectory() as tmp:
                env = {"DORADCA_RATE_PER_MINUTE": "0", "DORADCA_RASA_PATCHES": "0" if mode == "off" else "1"}
                with Assistant(Ports(rasa=16005, actions=16055), tracker_db=Path(tmp) / "t.db",
                               log_dir=Path(tmp) / "logs", extra_env=env) as bot:
                    load(bot, 5, 3)
                    ok, errors, _ = load(bot, 20, seconds)
                    rates[mode].append(ok / seconds)
                    print(f"patch {mode}: {ok / seconds:.1f} answers/s, {errors} errors")
    off, on = statistics.median(rates["off"]), statistics.median(rates["on"])
    print(f"median answers/s at 20 senders: patch off {off:.1f}, on {on:.1f}, ratio {on / off:.2f}")


def soak(senders: int, seconds: float) -> None:
    """A bounded soak: p95 and memory at the start and at the end of the run (growth should stay under 10 %)."""
    with tempfile.TemporaryDirectory() as tmp:
        with Assistant(Ports(rasa=16005, actions=16055), tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs",
                       extra_env={"DORADCA_RATE_PER_MINUTE": "0"}) as bot:
            load(bot, 5, 5)
            rss0 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            stamps: list[float] = []
            ok, errors, times = load(bot, senders, seconds, stamps)
            rss1 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            window = min(30.0, seconds / 3)
            first = [t for t, s in zip(times, stamps) if s <= window]
            last = [t for t, s in zip(times, stamps) if s >= seconds - window]
            print(f"## Soak: {senders} senders for {seconds:.0f} s on loopback")
            print(f"answers {ok} ({ok / seconds:.1f}/s), errors {errors}")
            print(f"p95 first {window:.0f} s: {pct(first, 95):.0f} ms; last {window:.0f} s: {pct(last, 95):.0f} ms")
            for n in rss0:
                print(f"RSS {n}: {rss0[n]:.0f} -> {rss1[n]:.0f} MB ({(rss1[n] / rss0[n] - 1) * 100:+.1f} %)")


if __name__ == "__main__":
    main()
