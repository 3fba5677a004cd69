"""Benchmark of the running assistant over REST: round-trip latency and throughput, with server memory.

Starts its own Rasa and action servers on loopback (ports 16005/16055), then:
- latency: one sender, each message once per pass, messages that run the search action (a first
  question naming the occupation, specific follow-ups, section follow-ups); p50/p95 per message;
- throughput: 1, 5 and 20 concurrent senders for a bounded time (default 20 s per level), each a
  jobseeker after jobseeker: a conversation of 12 turns, then a new one (a new sender id); answers/s,
  errors, p50/p95;
- RSS of both servers (all processes of each) after warm-up and at the end.
Trade-off shown: answers/s against latency as concurrency grows (one Rasa worker, one action worker).

Run: `make bench-bot` (or `.venv/bin/python bench/bot_bench.py --seconds 20`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import requests

from index.config import ROOT
from services.processes import RASA_MODEL, Assistant, Ports

SEARCH_TURNS = [
    "Co musi wiedzieć specjalista do spraw mediów interaktywnych?",
    "a czy trzeba znać SEO?",
    "a czy trzeba znać prawo autorskie?",
    "a czy ta praca wymaga robienia zdjęć?",
    "a jakie umiejętności?",
    "jak prowadzić dyskusje na forach internetowych?",
]


def group(pid: int) -> Iterator[Path]:
    """The /proc folders of a process and all processes of its session (the servers fork workers)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(proc.name) == pid or int(stat[3]) == pid:  # the servers start sessions of their own
            yield proc


def rss_mb(pid: int) -> float:
    """Resident memory of a server, all its processes."""
    total = 0
    for proc in group(pid):
        try:
            total += int(next(x for x in (proc / "status").read_text().splitlines() if x.startswith("VmRSS:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a server, all its processes."""
    ticks = 0
    for proc in group(pid):
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(stat[11]) + int(stat[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


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


TURNS_PER_CONVERSATION = 12


def load(bot: Assistant | list[Assistant], senders: int, seconds: float, stamps: list[float] | None = None,
         turns: int = TURNS_PER_CONVERSATION) -> tuple[int, int, list[float]]:
    """``senders`` threads until ``seconds`` have passed, each holding conversations of ``turns`` turns.

    With several servers, each message goes to the next server in turn (as a load balancer without
    sticky sessions would send it).
    """
    urls = [b.rest_url for b in (bot if isinstance(bot, list) else [bot])]
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
                r = session.post(urls[i % len(urls)], json={"sender": f"load-{senders}-{n}-{i // turns}", "message": text}, timeout=60)
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
    ap.add_argument("--compare-sync", action="store_true",
                    help="instead: 20 senders with DORADCA_TRACKER_SYNC full and normal, alternating, 3 rounds")
    ap.add_argument("--compare-model", type=Path, metavar="MODEL.tar.gz",
                    help="instead: 20 senders with this trained Rasa model and the shipped one, alternating, 3 rounds")
    ap.add_argument("--soak-seconds", type=float, default=180)
    ap.add_argument("--compare-scaled", action="store_true",
                    help="instead: 20 senders on 1 Rasa + 1 action server (SQLite; PostgreSQL + Redis) and on 2 + 2")
    ap.add_argument("--long", type=int, default=0,
                    help="instead: one conversation of this many turns, Rasa patches off and on, side by side")
    args = ap.parse_args()
    if args.long:
        long_conversation(args.long)
        return
    if args.compare_scaled:
        compare_scaled(args.seconds)
        return
    if args.soak:
        soak(args.soak, args.soak_seconds)
        return
    if args.compare_patch:
        compare("patches", PATCHES, args.seconds)
        return
    if args.compare_sync:
        compare("tracker sync", SYNC, args.seconds)
        return
    if args.compare_model:
        compare("Rasa model", {"other": {}, "shipped": {}}, args.seconds,
                models={"other": args.compare_model, "shipped": RASA_MODEL})
        return
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        # the per-sender rate limit is off: each benchmark sender sends as fast as it can
        with Assistant(Ports(rasa=16005, actions=16055), tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs",
                       extra_env={"DORADCA_RATE_PER_MINUTE": "0", "DORADCA_RATE_PER_ADDRESS": "0"}) as bot:
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
            print(f"{'senders':>7} {'answers/s':>9} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}   CPU ms per answer")
            for senders in (1, 5, 20):
                cpu0 = {n: cpu_seconds(p.pid) for n, p in bot.procs.items()}
                ok, errors, ts = load(bot, senders, args.seconds)
                cpu = ", ".join(f"{n} {(cpu_seconds(p.pid) - cpu0[n]) * 1000 / max(ok, 1):.1f}" for n, p in bot.procs.items())
                print(f"{senders:7d} {ok / args.seconds:9.1f} {errors:6d} {statistics.median(ts) if ts else float('nan'):7.0f} "
                      f"{pct(ts, 95):7.0f}   {cpu}")
            rss1 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            print("\n## RSS (MB) after warm-up -> at the end")
            for n in rss0:
                print(f"{n:8} {rss0[n]:7.0f} -> {rss1[n]:7.0f}")


PATCHES = {"off": {"DORADCA_RASA_PATCHES": "0"}, "on": {"DORADCA_RASA_PATCHES": "1"}}
SYNC = {"full": {"DORADCA_TRACKER_SYNC": "full"}, "normal": {"DORADCA_TRACKER_SYNC": "normal"}}


def alternating(modes: dict[str, dict[str, str]], rounds: int,
                models: dict[str, Path] | None = None) -> Iterator[tuple[str, Assistant]]:
    """Fresh servers for each round and mode, the modes in turn: (mode, running assistant); ``models``: the
    trained Rasa model of each mode (default: the shipped one)."""
    for _ in range(rounds):
        for mode, mode_env in modes.items():
            with tempfile.TemporaryDirectory() as tmp:
                env = {"DORADCA_RATE_PER_MINUTE": "0", "DORADCA_RATE_PER_ADDRESS": "0", **mode_env}
                with Assistant(Ports(rasa=16005, actions=16055), tracker_db=Path(tmp) / "t.db",
                               log_dir=Path(tmp) / "logs", extra_env=env,
                               model=(models or {}).get(mode, RASA_MODEL)) as bot:
                    yield mode, bot


def compare(name: str, modes: dict[str, dict[str, str]], seconds: float, rounds: int = 3,
            models: dict[str, Path] | None = None) -> None:
    """Answers/s at 20 senders in each mode, side by side (fresh servers each time, modes alternating), with the
    CPU each server used per answer and the Rasa server's RSS."""
    rates: dict[str, list[float]] = {mode: [] for mode in modes}
    for mode, bot in alternating(modes, rounds, models):
        load(bot, 5, 3)
        cpu0 = {n: cpu_seconds(p.pid) for n, p in bot.procs.items()}
        ok, errors, _ = load(bot, 20, seconds)
        rates[mode].append(ok / seconds)
        cpu = ", ".join(f"{n} {(cpu_seconds(p.pid) - cpu0[n]) * 1000 / max(ok, 1):.1f}" for n, p in bot.procs.items())
        rss = ", ".join(f"{n} {rss_mb(p.pid):.0f}" for n, p in bot.procs.items())
        print(f"{name} {mode}: {ok / seconds:.1f} answers/s, {errors} errors; CPU ms per answer: {cpu}; RSS MB: {rss}")
    (a, ra), (b, rb) = ((mode, statistics.median(r)) for mode, r in rates.items())
    print(f"median answers/s at 20 senders: {name} {a} {ra:.1f}, {b} {rb:.1f}, ratio {rb / ra:.2f}")


def compare_scaled(seconds: float, rounds: int = 2) -> None:
    """Answers/s at 20 senders: one server pair on SQLite, one on PostgreSQL + Redis, two on PostgreSQL + Redis."""
    from services.backing import Postgres, Redis

    layouts = {"1+1 SQLite": (1, False), "1+1 PostgreSQL+Redis": (1, True), "2+2 PostgreSQL+Redis": (2, True)}
    rates: dict[str, list[float]] = {name: [] for name in layouts}
    p95s: dict[str, list[float]] = {name: [] for name in layouts}
    with Postgres(port=16432) as pg, Redis(port=16479) as redis:
        for _ in range(rounds):
            for name, (pairs, shared) in layouts.items():
                with tempfile.TemporaryDirectory() as tmp:
                    env = {"DORADCA_RATE_PER_MINUTE": "0", "DORADCA_RATE_PER_ADDRESS": "0",
                           **(pg.env() | redis.env() if shared else {})}
                    endpoints = ROOT / "bot" / ("endpoints-scaled.yml" if shared else "endpoints.yml")
                    servers = [Assistant(Ports(rasa=16005 + i, actions=16055 + i), tracker_db=Path(tmp) / "t.db",
                                         log_dir=Path(tmp) / f"logs{i}", endpoints=endpoints, extra_env=env)
                               for i in range(pairs)]
                    try:
                        for server in servers:
                            server.start()
                        load(servers, 5, 3)
                        ok, errors, times = load(servers, 20, seconds)
                    finally:
                        for server in servers:
                            server.stop()
                rates[name].append(ok / seconds)
                p95s[name].append(pct(times, 95))
                print(f"{name}: {ok / seconds:.1f} answers/s, p95 {pct(times, 95):.0f} ms, {errors} errors")
    base = statistics.median(rates["1+1 SQLite"])
    print(f"## 20 senders, {seconds:.0f} s, {rounds} rounds alternating (median)")
    for name in layouts:
        rate = statistics.median(rates[name])
        print(f"{name:22} {rate:6.1f} answers/s  p95 {statistics.median(p95s[name]):5.0f} ms  ratio {rate / base:.2f}")


def long_conversation(turns: int, rounds: int = 2) -> None:
    """Latency as one conversation grows (Rasa replays it on every message), patches off and on, alternating."""
    medians: dict[str, list[list[float]]] = {"off": [], "on": []}
    bucket = 20
    for mode, bot in alternating(PATCHES, rounds):
        for text in SEARCH_TURNS:
            bot.send("warm", text)
        times = []
        for i in range(turns):
            t = time.perf_counter()
            bot.send("long", SEARCH_TURNS[i % len(SEARCH_TURNS)])
            times.append((time.perf_counter() - t) * 1000)
        medians[mode].append([statistics.median(times[a:a + bucket]) for a in range(0, turns, bucket)])
    print(f"## One conversation of {turns} turns: median ms per {bucket} turns ({rounds} rounds, median of rounds)")
    print(f"{'turns':>9} {'patch off':>9} {'patch on':>9} {'ratio':>6}")
    for k in range(len(medians["on"][0])):
        off = statistics.median(r[k] for r in medians["off"])
        on = statistics.median(r[k] for r in medians["on"])
        print(f"{k * bucket + 1:4d}-{min(turns, (k + 1) * bucket):<4d} {off:9.0f} {on:9.0f} {off / on:6.2f}")


def soak(senders: int, seconds: float) -> None:
    """A bounded soak: p95 and memory at the start and at the end of the run (growth should stay under 10 %)."""
    with tempfile.TemporaryDirectory() as tmp:
        with Assistant(Ports(rasa=16005, actions=16055), tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs",
                       extra_env={"DORADCA_RATE_PER_MINUTE": "0", "DORADCA_RATE_PER_ADDRESS": "0"}) as bot:
            load(bot, 5, 5)
            rss0 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            stamps: list[float] = []
            ok, errors, times = load(bot, senders, seconds, stamps)
            rss1 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            window = min(30.0, seconds / 3)
            p95 = [pct([t for t, s in zip(times, stamps) if a <= s < a + window], 95)
                   for a in np.arange(0, seconds - window / 2, window)]
            print(f"## Soak: {senders} senders for {seconds:.0f} s on loopback, "
                  f"conversations of {TURNS_PER_CONVERSATION} turns")
            print(f"answers {ok} ({ok / seconds:.1f}/s), errors {errors}")
            print(f"p95 ms per {window:.0f} s window: " + ", ".join(f"{x:.0f}" for x in p95))
            print(f"p95 first window -> last window: {p95[0]:.0f} -> {p95[-1]:.0f} ms "
                  f"({(p95[-1] / p95[0] - 1) * 100:+.1f} %)")
            for n in rss0:
                print(f"RSS {n}: {rss0[n]:.0f} -> {rss1[n]:.0f} MB ({(rss1[n] / rss0[n] - 1) * 100:+.1f} %)")


if __name__ == "__main__":
    main()
