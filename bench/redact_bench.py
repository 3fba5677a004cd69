"""Benchmark of redaction (bot/redact.py) on hostile text: the time for 1, 8 and 64 KiB of each kind.

Redaction runs on every message, sender id and metadata string a client sends, before Rasa sees them, so its time
on text built to make regular expressions backtrack bounds what one request can cost the server. Issue 29 measured
the version before this one on letters: 1,000 characters 0.04 s, 4,000 0.8 s, 8,000 3.6 s (quadratic). The kinds
are those of tests/test_redact.py (runs of letters and digits, many "@", spaces, "a.a.a…", digit groups, ...) plus
random digits with spaces (each a distinct PESEL candidate). Each figure is the best of ``--repeat`` runs in this
process; the last column is 64 KiB / 8 KiB (linear growth: ~8; quadratic: ~64).

Run: `make bench` (or `.venv/bin/python bench/redact_bench.py [--repeat 3]`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bot"))
sys.path.insert(0, str(ROOT))

import figures  # noqa: E402  (bench/ is on the path when a bench runs)
from redact import redact  # noqa: E402

from tests.test_redact import HOSTILE, hostile  # noqa: E402

SIZES = (1024, 8 * 1024, 64 * 1024)


def texts(size: int) -> dict[str, str]:
    """Every hostile kind at ``size`` characters, and random spaced digits."""
    out = {kind: hostile(kind, size) for kind in HOSTILE}
    rng = random.Random(29)
    out["random spaced digits"] = " ".join(rng.choice("0123456789") for _ in range(size // 2 + 1))[:size]
    return out


def best(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        redact(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    by_size = {size: texts(size) for size in SIZES}
    print(f"redaction time, best of {args.repeat} (ms)")
    print(f"{'kind':<22}" + "".join(f"{s // 1024:>8} KiB" for s in SIZES) + f"{'64/8':>8}")
    worst = 0.0
    table = []
    for kind in by_size[SIZES[0]]:
        row = [best(by_size[size][kind], args.repeat) for size in SIZES]
        worst = max(worst, row[-1])
        print(f"{kind:<22}" + "".join(f"{t * 1000:>12.1f}" for t in row) + f"{row[2] / max(row[1], 1e-9):>8.1f}")
        table.append([kind, *(t * 1000 for t in row), row[2] / max(row[1], 1e-9)])
    print(f"slowest 64 KiB: {worst * 1000:.0f} ms (before: 8,000 letters took 3,600 ms, issue 29)")
    print(f"figures written to {figures.write('redact', {'times': table}, {'repeat': args.repeat})}")


if __name__ == "__main__":
    main()
