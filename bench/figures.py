"""The benchmarks' figures as JSON, and the tables in docs/ generated from them.

Every bench that `make bench` runs ends with ``figures.write("<bench>", {"<table>": rows})``: it writes
build/bench/<bench>.json with one schema (below). The tables a bench writes are declared here, once, with their
title and columns, so the docs, the benches and the test (tests/test_bench_figures.py) agree on them.

A table in docs/*.md between ``<!-- bench:<bench>/<table> -->`` and ``<!-- /bench -->`` is generated: `make
docs-figures` (this file run as a script) replaces each such block with the table rendered from the last run's
JSON; a block whose bench has not written JSON yet is left as it is. The prose and the history tables around the
blocks are written by hand and never regenerated.

Schema of build/bench/<bench>.json::

    {"schema": 1, "bench": "memory_steps", "at": "2026-12-06T22:40:00+0000",
     "machine": {"cpus": 2, "cpu": "...", "memory_mb": 7940, "python": "3.11.9", "platform": "...", "commit": "..."},
     "settings": {...},                     # what the run was asked to do (free form)
     "tables": {"steps": {"title": "...", "columns": ["step", "MB"], "rows": [["numpy", "+20"], ...]}},
     "extra": {...}}                        # the bench's own detail (free form, optional)

A cell is a string, a number or null (rendered "–"); a float is rendered with the table's ``digits``.

    .venv/bin/python bench/figures.py [--check]    # rewrite the blocks in docs/ (--check: only say which differ)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMA = 1
Cell = str | int | float | None


def out_dir() -> Path:
    """build/bench, or DORADCA_BENCH_DIR (a test's own folder)."""
    return Path(os.environ.get("DORADCA_BENCH_DIR") or ROOT / "build" / "bench")


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    digits: int = 3  # decimals of a float cell


# bench -> table -> its declaration. A docs block names one of these; its header row is the columns.
TABLES: dict[str, dict[str, Table]] = {
    "redact": {"times": Table("Redaction time of hostile text, best of the repeats (ms)",
                              ("kind", "1 KiB", "8 KiB", "64 KiB", "64 / 8"), 1)},
    "hostile": {"latency": Table("A normal question's round trip, alone and with hostile requests in flight (ms)",
                                 ("", "p50 ms", "p95 ms", "max ms"), 0)},
    "search": {"retrieval": Table("Retrieval on retrieval-dev.jsonl (top 10), shipped hybrid search",
                                  ("mode", "topic hit@1", "topic hit@5", "MRR@10", "section p@5")),
               "latency": Table("Cold search, one query at a time (ms)", ("measure", "p50 ms", "p95 ms"), 1)},
    "resolve": {"accuracy": Table("Recognising the occupation: acc@1 / acc@3 / acc@1 at 4 digits",
                                  ("method", "set", "n", "acc@1", "acc@3", "acc@1, 4 digits"))},
    "answer": {"planner": Table("Answers: the shipped planner on the labelled follow-up questions",
                                ("planner", "answerable: answered from the right section",
                                 "unanswerable: declined"), 2)},
    "backend": {"metrics": Table("Embedding backends side by side", ("metric", "backend", "value"))},
    "memory_steps": {"steps": Table("Memory of one serving process, step by step (RSS growth)", ("step", "MB"), 0)},
    "asks": {"accuracy": Table("What a message asks: accuracy per language", ("", "pl", "uk", "en", "all"))},
    "translit": {
        "times": Table("Ukrainian in Latin letters: time per message (µs), median and 90th percentile",
                       ("messages", "n", "new p50", "new p90", "cold p50", "cold p90", "warm p50", "warm p90"), 0),
        "quality": Table("Ukrainian in Latin letters on the team's set",
                         ("precision", "recall", "exact Cyrillic", "messages"))},
    "conversation": {"scores": Table("The labelled conversations: share of turns that meet their label",
                                     ("set", "all", "pl", "uk", "en", "jobseeker", "counsellor",
                                      "false \"no information\"", "turns"))},
    "batch": {"speed": Table("Coding a whole file: rows per second, one process",
                             ("offers", "format", "rows/s", "read ms", "write ms"), 1)},
    "related": {"rankings": Table("Related occupations: precision and clean lists in the top 5",
                                  ("ranking", "dev p@5", "dev clean@5", "held-out p@5", "held-out clean@5",
                                   "held-out unjudged in top 5"))},
}


def machine() -> dict[str, object]:
    """The facts a figure depends on: cores, CPU, memory, Python, the commit measured."""
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(encoding="utf-8"))
    git = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True,
                         check=False)
    return {"cpus": os.cpu_count(), "cpu": cpu.group(1).strip() if cpu else None,
            "memory_mb": int(mem.group(1)) // 1024 if mem else None, "python": platform.python_version(),
            "platform": platform.platform(), "commit": git.stdout.strip() or None}


def write(bench: str, tables: dict[str, list[list[Cell]]], settings: dict | None = None,
          extra: dict | None = None) -> Path:
    """Write build/bench/<bench>.json; the tables' titles and columns are the declared ones."""
    doc = {"schema": SCHEMA, "bench": bench, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
           "settings": settings or {},
           "tables": {name: {"title": TABLES[bench][name].title, "columns": list(TABLES[bench][name].columns),
                             "rows": [list(r) for r in rows]} for name, rows in tables.items()}}
    if extra:
        doc["extra"] = extra
    problems = validate(doc)
    if problems:
        raise ValueError(f"{bench}: {problems}")
    path = out_dir() / f"{bench}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def validate(doc: dict) -> list[str]:
    """What is wrong with a bench's JSON (nothing: an empty list)."""
    problems = []
    if doc.get("schema") != SCHEMA:
        return [f"schema {doc.get('schema')!r}, not {SCHEMA}"]
    bench = doc.get("bench")
    if bench not in TABLES:
        return [f"undeclared bench {bench!r}"]
    if not isinstance(doc.get("at"), str) or not isinstance(doc.get("settings"), dict):
        problems.append("'at' must be a string and 'settings' an object")
    if not isinstance(doc.get("machine"), dict) or not isinstance(doc["machine"].get("cpus"), int):
        problems.append("'machine' must say the number of cpus")
    tables = doc.get("tables")
    if not isinstance(tables, dict) or not tables:
        return [*problems, "no tables"]
    for name, table in tables.items():
        declared = TABLES[bench].get(name)
        if declared is None:
            problems.append(f"undeclared table {bench}/{name}")
            continue
        if table.get("columns") != list(declared.columns) or table.get("title") != declared.title:
            problems.append(f"{bench}/{name}: title or columns differ from the declared ones")
        rows = table.get("rows")
        if not isinstance(rows, list) or not rows:
            problems.append(f"{bench}/{name}: no rows")
            continue
        problems += [f"{bench}/{name}: bad row {row!r}" for row in rows if not good_row(row, len(declared.columns))]
    return problems


def good_row(row: object, width: int) -> bool:
    return isinstance(row, list) and len(row) == width and all(
        c is None or (isinstance(c, str | int | float) and not isinstance(c, bool)) for c in row)


def cell(value: Cell, digits: int) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value.replace("|", "\\|").replace("\n", " ")


def render(bench: str, name: str, rows: list[list[Cell]]) -> str:
    """The block's markdown table (header, separator, rows), as docs/*.md holds it."""
    table = TABLES[bench][name]
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(c, table.digits) for c in row) + " |" for row in rows]
    return "\n".join(lines)


BLOCK = re.compile(r"(<!-- bench:(?P<bench>[a-z_]+)/(?P<table>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /bench -->)", re.DOTALL)


def blocks(text: str) -> list[tuple[str, str, str]]:
    """The generated blocks of a markdown text: (bench, table, the table's markdown)."""
    return [(m["bench"], m["table"], m["body"].rstrip("\n")) for m in BLOCK.finditer(text)]


def regenerate(text: str, results: dict[str, dict]) -> str:
    """The markdown with each block whose bench has results replaced by the table rendered from them."""
    def replace(m: re.Match) -> str:
        doc = results.get(m["bench"])
        if doc is None or m["table"] not in doc["tables"]:
            return m.group(0)
        return m.group(1) + render(m["bench"], m["table"], doc["tables"][m["table"]]["rows"]) + "\n" + m.group(5)

    return BLOCK.sub(replace, text)


def last_results(folder: Path) -> dict[str, dict]:
    """bench -> its last JSON, for the files in ``folder`` written with this schema."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:  # a run cut short: say so, render the others
            print(f"{path}: not JSON ({e}), skipped")
            continue
        problems = validate(doc) if isinstance(doc, dict) and doc.get("schema") == SCHEMA else None
        if problems:
            print(f"{path}: {'; '.join(problems)}, skipped")
        elif problems is not None:
            out[doc["bench"]] = doc
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="rewrite the generated tables of docs/*.md from build/bench/*.json")
    ap.add_argument("--check", action="store_true", help="only list the blocks that differ from the last run")
    args = ap.parse_args()
    results = last_results(out_dir())
    stale = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        new = regenerate(text, results)
        for (bench, table, old), (_, _, now) in zip(blocks(text), blocks(new)):
            state = "no JSON yet, kept" if bench not in results else ("differs" if old != now else "up to date")
            print(f"{path.relative_to(ROOT)}: {bench}/{table}: {state}")
            stale += [f"{bench}/{table}"] if old != now else []
        if new != text and not args.check:
            path.write_text(new, encoding="utf-8")
    if args.check and stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
