"""The benchmarks' JSON and the generated tables of docs/ (bench/figures.py): every marked block names a declared
table and has its columns as header, every bench of `make bench` writes JSON with the one schema, a real (fast)
bench run writes JSON that validates, and the renderer writes exactly the blocks' format."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import figures  # bench/ is not a package: on the path above

PYTHON = sys.executable
HEADLINE_DOCS = ("figures.md", "understanding.md", "related.md")


def doc_blocks() -> list[tuple[str, str, str, str]]:
    """(docs file, bench, table, the block's markdown) of every generated block in docs/."""
    return [(path.name, *block) for path in sorted(figures.DOCS.glob("*.md"))
            for block in figures.blocks(path.read_text(encoding="utf-8"))]


def cells(line: str) -> list[str]:
    """The cells of one markdown table row (an escaped \\| stays in its cell)."""
    assert line.startswith("| ") and line.endswith(" |"), line
    return [c.replace("\\|", "|") for c in re.split(r" (?<!\\)\| ", line[2:-2])]


BLOCKS = [pytest.param(*b, id=f"{b[0]}:{b[1]}/{b[2]}") for b in doc_blocks()]


def test_the_headline_tables_are_generated_blocks():
    found = {name for name, *_ in doc_blocks()}
    assert set(HEADLINE_DOCS) <= found, f"docs without a generated table: {set(HEADLINE_DOCS) - found}"


@pytest.mark.parametrize("where,bench,table,body", BLOCKS)
def test_each_block_is_a_declared_table_with_its_columns(where: str, bench: str, table: str, body: str):
    assert table in figures.TABLES.get(bench, {}), f"{where}: {bench}/{table} is not declared in bench/figures.py"
    declared = figures.TABLES[bench][table].columns
    header, rule, *rows = body.splitlines()
    assert header == "| " + " | ".join(declared) + " |", f"{where}: {bench}/{table}'s header is not its columns"
    assert rule == "|" + "---|" * len(declared) and rows, where
    assert all(len(cells(r)) == len(declared) for r in rows), f"{where}: a row of {bench}/{table} has other cells"


@pytest.mark.parametrize("where,bench,table,body", BLOCKS)
def test_the_renderer_writes_exactly_the_blocks_format(where: str, bench: str, table: str, body: str):
    """A block rendered from rows holding its own cells is the block as the docs hold it, byte for byte."""
    rows = [cells(r) for r in body.splitlines()[2:]]
    text = f"prose\n<!-- bench:{bench}/{table} -->\n{body}\n<!-- /bench -->\nmore prose\n"
    doc = {"bench": bench, "tables": {table: {"rows": rows}}}
    assert figures.regenerate(text, {bench: doc}) == text


def test_the_docs_match_the_last_runs_schema():
    """Where build/bench holds a bench's JSON in the current schema, it validates and its table's columns are the
    block's header (the numbers may differ: the blocks keep their figures until `make docs-figures`)."""
    last = figures.last_results(figures.out_dir()) if figures.out_dir().is_dir() else {}
    for where, bench, table, body in doc_blocks():
        if bench in last and table in last[bench]["tables"]:
            columns = last[bench]["tables"][table]["columns"]
            assert body.splitlines()[0] == "| " + " | ".join(columns) + " |", f"{where}: {bench}/{table}"


def make_bench_scripts() -> list[Path]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^bench: .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "no bench target in the Makefile"
    return [ROOT / p for p in re.findall(r"(bench/\w+\.py)", recipe.group(1))]


def test_every_bench_of_make_bench_writes_a_declared_json():
    scripts = make_bench_scripts()
    assert len(scripts) >= 10
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        names = re.findall(r"figures\.write\(\s*[\"'](\w+)[\"']", source)
        assert names and all(n in figures.TABLES for n in names), f"{script.name} writes no declared JSON"


def test_the_schema_check_can_fail():
    good = {"schema": 1, "bench": "redact", "at": "2026-12-06T00:00:00+0000", "machine": {"cpus": 2},
            "settings": {}, "tables": {"times": {"title": figures.TABLES["redact"]["times"].title,
                                                 "columns": list(figures.TABLES["redact"]["times"].columns),
                                                 "rows": [["letters", 1.0, 8.0, 64.0, 8.0]]}}}
    assert figures.validate(good) == []
    short = json.loads(json.dumps(good))
    short["tables"]["times"]["rows"][0].pop()
    renamed = json.loads(json.dumps(good))
    renamed["tables"]["times"]["columns"][0] = "text"
    old_format = {"bench": "hostile", "when": "2026-12-06T15:58:25+0000", "latency": {}}  # as written before
    for bad in (short, renamed, old_format, {**good, "tables": {"other": good["tables"]["times"]}}):
        assert figures.validate(bad) != [], bad


def test_a_real_bench_run_writes_json_that_validates_and_renders(tmp_path: Path):
    """bench/redact_bench.py (a few seconds) run for real into a folder of its own; its JSON validates, and a block
    naming its table is rewritten from it with the prose around it untouched; `figures.py --check` reads it."""
    env = {**os.environ, "DORADCA_BENCH_DIR": str(tmp_path)}
    run = subprocess.run([PYTHON, str(ROOT / "bench" / "redact_bench.py"), "--repeat", "1"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "slowest 64 KiB" in run.stdout
    doc = json.loads((tmp_path / "redact.json").read_text(encoding="utf-8"))
    assert figures.validate(doc) == []
    assert doc["machine"]["cpus"] == os.cpu_count() and doc["settings"] == {"repeat": 1}
    rows = doc["tables"]["times"]["rows"]
    assert len(rows) >= 20 and all(r[3] > 0 for r in rows)  # every hostile kind timed at 64 KiB

    text = "Before.\n\n<!-- bench:redact/times -->\n| old |\n<!-- /bench -->\n\nAfter, by hand.\n"
    new = figures.regenerate(text, figures.last_results(tmp_path))
    assert new.startswith("Before.\n\n<!-- bench:redact/times -->\n| kind | 1 KiB | 8 KiB | 64 KiB | 64 / 8 |\n")
    assert new.endswith("<!-- /bench -->\n\nAfter, by hand.\n")
    (_, _, body), = figures.blocks(new)
    assert len(body.splitlines()) == 2 + len(rows) and f"| {rows[0][0]} | " in body
    check = subprocess.run([PYTHON, str(ROOT / "bench" / "figures.py"), "--check"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "memory_steps/steps: no JSON yet, kept" in check.stdout
