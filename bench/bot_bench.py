"""Benchmark of the running assistant over REST: round-trip latency and throughput, with server memory.

Starts its own Rasa and action servers on loopback (ports 16005/16055), then:
- latency: one sender, each message once per pass, messages that run the search action (a first
  question naming the occupation, specific follow-ups, section follow-ups); p50/p95 per message;
- throughput: 1, 5 and 20 concurrent senders for a bounded time (default 20 s per level), each a
  jobseeker after jobseeker: a conversation of 12 turns, then a new one (a new sender id); answers/s,
  errors, p50/p95;
- RSS and PSS of both servers (all processes of each) after warm-up and at the end.
Trade-off shown: answers/s against latency as concurrency grows (one Rasa worker, one action worker).

``--memory BEFORE_CHECKOUT``: the three servers (Rasa, actions, web look-up) of an earlier checkout and of this one,
alternating, each started fresh: cold look-up searches on the web, answers/s at 20 senders, then RSS and PSS
(shared pages counted once: /proc/<pid>/smaps_rollup) of each server after the load; figures side by side and in
build/bench/memory.json. BEFORE_CHECKOUT: e.g. ``git worktree add /work/tmp-mem-before <commit>`` with .venv,
.venv-rasa, models, build and web/node_modules linked from this checkout; ``--after`` another such checkout
instead of this one (e.g. the same commit plus only the change measured, when others edit this one meanwhile).

Run: `make bench-bot` (or `.venv/bin/python bench/bot_bench.py --seconds 20`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
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


def _summed_mb(pid: int, file: str, field: str) -> float:
    """A /proc memory field of a server summed over all its processes, in MB."""
    total = 0
    for proc in group(pid):
        try:
            lines = (proc / file).read_text().splitlines()
            total += int(next(x for x in lines if x.startswith(field)).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def rss_mb(pid: int) -> float:
    """Resident memory of a server, all its processes."""
    return _summed_mb(pid, "status", "VmRSS:")


def pss_mb(pid: int) -> float:
    """Proportional set size of a server, all its processes: a page shared by n processes counts 1/n in each, so
    the servers' sums add up to what they hold together."""
    return _summed_mb(pid, "smaps_rollup", "Pss:")


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
                r = session.post(urls[i % len(urls)],
                                 json={"sender": f"load-{senders}-{n}-{i // turns}", "message": text}, timeout=60)
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
    ap.add_argument("--memory", type=Path, metavar="BEFORE_CHECKOUT",
                    help="instead: the three servers' memory, 20 senders and cold look-ups, that checkout and this")
    ap.add_argument("--after", type=Path, default=ROOT, metavar="CHECKOUT",
                    help="--memory: the checkout to compare with BEFORE_CHECKOUT (default: this one)")
    ap.add_argument("--rounds", type=int, default=2, help="--memory: rounds, the two checkouts alternating")
    ap.add_argument("--memory-one", type=Path, help=argparse.SUPPRESS)  # one --memory round, figures to this file
    ap.add_argument("--cold-pairs", type=Path, help=argparse.SUPPRESS)  # --memory's paired cold searches, to this file
    args = ap.parse_args()
    if args.memory_one:
        args.memory_one.write_text(json.dumps(memory_round(args.seconds)))
        return
    if args.cold_pairs:
        args.cold_pairs.write_text(json.dumps(cold_pairs()))
        return
    if args.memory:
        memory(args.memory, args.after, args.seconds, args.rounds)
        return
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
                  f"first pass (question vectors not cached yet): p50 {statistics.median(cold):.0f} ms, "
                  f"max {max(cold):.0f} ms")
            print(f"\n## Throughput, {args.seconds:.0f} s per level (loopback, bounded)")
            print(f"{'senders':>7} {'answers/s':>9} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}   CPU ms per answer")
            for senders in (1, 5, 20):
                cpu0 = {n: cpu_seconds(p.pid) for n, p in bot.procs.items()}
                ok, errors, ts = load(bot, senders, args.seconds)
                cpu = ", ".join(f"{n} {(cpu_seconds(p.pid) - cpu0[n]) * 1000 / max(ok, 1):.1f}"
                                for n, p in bot.procs.items())
                p50 = statistics.median(ts) if ts else float("nan")
                print(f"{senders:7d} {ok / args.seconds:9.1f} {errors:6d} {p50:7.0f} {pct(ts, 95):7.0f}   {cpu}")
            rss1 = {n: rss_mb(p.pid) for n, p in bot.procs.items()}
            print("\n## RSS (MB) after warm-up -> at the end; PSS (shared pages counted once) at the end")
            for n, p in bot.procs.items():
                print(f"{n:8} {rss0[n]:7.0f} -> {rss1[n]:7.0f}   PSS {pss_mb(p.pid):7.0f}")


COLD_LOOKUPS = [  # none of them asked before in a round: each one's question vector is encoded by the call
    "Co robi piekarz?", "jakie zadania ma księgowa", "co musi umieć spawacz", "kierowca autobusu obowiązki",
    "umiejętności pielęgniarki", "czym zajmuje się fryzjer", "wiedza programisty", "zadania magazyniera",
    "co robi elektryk", "kompetencje nauczyciela przedszkola",
]
NO_RATE_LIMITS = {"DORADCA_RATE_PER_MINUTE": "0", "DORADCA_RATE_PER_ADDRESS": "0"}


def memory_round(seconds: float) -> dict:
    """One fresh assistant of the checkout this process imports from: the web's cold look-ups, 20 senders to the
    bot, then each server's RSS and PSS."""
    ports = Ports(rasa=16005, actions=16055, web=16000)
    with (tempfile.TemporaryDirectory() as tmp,
          Assistant(ports, tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs", extra_env=NO_RATE_LIMITS) as bot):
        t = time.perf_counter()
        bot.start_web()
        web_start = time.perf_counter() - t
        cold = []
        for q in COLD_LOOKUPS:
            t = time.perf_counter()
            r = requests.get(f"http://127.0.0.1:{ports.web}/api/search", params={"q": q, "k": 5}, timeout=60)
            cold.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and r.json()["hits"], r.text[:200]
        load(bot, 5, 3)  # warm
        cpu0 = {n: cpu_seconds(p.pid) for n, p in bot.procs.items()}
        ok, errors, times = load(bot, 20, seconds)
        # CPU per answer: what the machine's other load changes least (answers/s moves with it)
        servers = {n: {"rss_mb": round(rss_mb(p.pid), 1), "pss_mb": round(pss_mb(p.pid), 1),
                       "cpu_ms_per_answer": round((cpu_seconds(p.pid) - cpu0[n]) * 1000 / max(ok, 1), 1)}
                   for n, p in bot.procs.items()}
    return {"servers": servers, "answers_per_s_20": round(ok / seconds, 2), "errors_20": errors,
            "load_average": os.getloadavg()[0],
            "p50_ms_20": round(statistics.median(times), 1) if times else None,
            "cold_lookup_ms": [round(c, 1) for c in cold], "cold_lookup_first_ms": round(cold[0], 1),
            "cold_lookup_median_ms": round(statistics.median(cold), 1), "web_start_s": round(web_start, 1)}


def cold_pairs(n: int = 80) -> dict:
    """Cold searches (each question new to both) in this process's own searcher and through an action server's
    core (``index.remote``), in turn, the order alternating: what the hop to the core costs, with the machine's
    other load falling on both sides alike."""
    from index.remote import connect
    from index.search import Searcher

    ports = Ports(rasa=16005, actions=16055)
    with (tempfile.TemporaryDirectory() as tmp,
          Assistant(ports, tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs") as bot):
        os.environ["DORADCA_ACTIONS_SECRET"] = bot.actions_secret  # this process finds the core as the web does
        remote, own = connect(), Searcher.open()
        assert remote is not None, "the action server serves no core"
        own.search("Czym zajmuje się kucharz?")  # its lazy parts read, as the core's were by the warm-up
        names = sorted(o["name"] for o in own.occupations.values())[::25][:n]
        times: dict[str, list[float]] = {"own": [], "core": []}
        for i, name in enumerate(names):
            order = [("own", own), ("core", remote)][:: 1 if i % 2 else -1]
            for kind, s in order:
                t = time.perf_counter()
                s.search(f"co robi {name.lower()}?", k=5)
                times[kind].append((time.perf_counter() - t) * 1000)
    return {kind: round(statistics.median(ts), 1) for kind, ts in times.items()} | {"questions": len(names)}


def memory(before: Path, after: Path, seconds: float, rounds: int) -> None:
    """``memory_round`` of the two checkouts in turn, each in a process that imports its checkout's code
    (PYTHONPATH), side by side; figures to build/bench/memory.json."""
    checkouts = {"before": before.resolve(), "after": after.resolve()}
    runs: dict[str, list[dict]] = {mode: [] for mode in checkouts}
    print("the bot's per-sender and per-address rate limits are off in this run (DORADCA_RATE_PER_MINUTE=0, "
          "DORADCA_RATE_PER_ADDRESS=0): each of the 20 senders sends as fast as it can; the look-up API's are on")
    for _ in range(rounds):
        for mode, root in checkouts.items():
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "round.json"
                subprocess.run([sys.executable, __file__, "--memory-one", str(out), "--seconds", str(seconds)],
                               cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, check=True)
                runs[mode].append(json.loads(out.read_text()))
            r = runs[mode][-1]
            print(f"{mode} ({root}): " + ", ".join(
                f"{n} RSS {s['rss_mb']:.0f} PSS {s['pss_mb']:.0f}" for n, s in r["servers"].items())
                + f"; {r['answers_per_s_20']:.1f} answers/s; cold look-up median {r['cold_lookup_median_ms']:.0f} ms; "
                f"load average {r['load_average']:.1f}")
    summary = {mode: _median_round(rs) for mode, rs in runs.items()}
    print(f"\n## Three servers after {seconds:.0f} s of 20 senders (median of {rounds} rounds, alternating)")
    print(f"{'':34} {'before':>9} {'after':>9}")
    for name in summary["before"]["servers"]:
        for kind, label in (("rss_mb", "RSS MB"), ("pss_mb", "PSS MB"), ("cpu_ms_per_answer", "CPU ms per answer")):
            print(f"{name + ' ' + label:34} {summary['before']['servers'][name][kind]:9.1f} "
                  f"{summary['after']['servers'][name][kind]:9.1f}")
    for key, label in (("total_rss_mb", "three servers RSS MB"), ("total_pss_mb", "three servers PSS MB"),
                       ("answers_per_s_20", "answers/s at 20 senders"),
                       ("cold_lookup_first_ms", "first look-up after start, ms"),
                       ("cold_lookup_median_ms", "cold look-ups, median ms"), ("web_start_s", "web start, s")):
        print(f"{label:34} {summary['before'][key]:9.1f} {summary['after'][key]:9.1f}")
    ratio = summary["after"]["answers_per_s_20"] / summary["before"]["answers_per_s_20"]
    print(f"answers/s after / before: {ratio:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pairs.json"
        subprocess.run([sys.executable, __file__, "--cold-pairs", str(out)], cwd=checkouts["after"],
                       env={**os.environ, "PYTHONPATH": str(checkouts["after"])}, check=True)
        pairs = json.loads(out.read_text())
    print(f"cold search, median of {pairs['questions']} new questions, in turn: in the process's own searcher "
          f"{pairs['own']:.1f} ms, through the action server's core {pairs['core']:.1f} ms")
    folder = ROOT / "build" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "memory.json").write_text(json.dumps({
        "bench": "bot_bench.py --memory", "seconds": seconds, "rounds": rounds, "rate_limits_off": NO_RATE_LIMITS,
        "checkouts": {m: str(c) for m, c in checkouts.items()}, "summary": summary, "runs": runs,
        "cold_search_pairs_ms": pairs}, indent=2))
    print(f"figures: {folder / 'memory.json'}")


def _median_round(rounds: list[dict]) -> dict:
    """Each figure's median over the rounds, and the three servers' totals."""
    servers = {n: {k: statistics.median(r["servers"][n][k] for r in rounds)
                   for k in ("rss_mb", "pss_mb", "cpu_ms_per_answer")} for n in rounds[0]["servers"]}
    keys = ("answers_per_s_20", "cold_lookup_first_ms", "cold_lookup_median_ms", "web_start_s")
    return {"servers": servers, **{k: statistics.median(r[k] for r in rounds) for k in keys},
            "total_rss_mb": statistics.median(sum(s["rss_mb"] for s in r["servers"].values()) for r in rounds),
            "total_pss_mb": statistics.median(sum(s["pss_mb"] for s in r["servers"].values()) for r in rounds)}


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
    with (tempfile.TemporaryDirectory() as tmp,
          Assistant(Ports(rasa=16005, actions=16055), tracker_db=Path(tmp) / "t.db", log_dir=Path(tmp) / "logs",
                    extra_env={"DORADCA_RATE_PER_MINUTE": "0", "DORADCA_RATE_PER_ADDRESS": "0"}) as bot):
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
        for n, before in rss0.items():
            print(f"RSS {n}: {before:.0f} -> {rss1[n]:.0f} MB ({(rss1[n] / before - 1) * 100:+.1f} %)")


if __name__ == "__main__":
    main()
