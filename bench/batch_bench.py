"""Benchmark of coding a whole file of job offers (`doradca classify --file`, the look-up page's upload).

Prints rows per second for a file of job titles only and a file of whole offers (title + description), coded in
one process as the command and the web job do (one row after another; the encoder uses every core), with the
time to read and write the file apart; and acc@1 / acc@3 of the first three codes read back from the coded
file, for the 300 expert-coded dev ads written as a spreadsheet, next to the same ads through
`doradca classify --jsonl`: the two paths must give the same codes row for row.

Run: `make bench` or `.venv/bin/python bench/batch_bench.py [--eval DIR] [--format csv|xlsx]`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import figures  # bench/ is on the path when a bench runs

from index.batch import code_table, read_table, write_table
from index.evaluate import load_jsonl
from index.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
DOR = Path(sys.executable).with_name("doradca")


def spreadsheet(ads: list[dict], whole: bool, fmt: str) -> bytes:
    """The dev ads as a counsellor's file: Polish headers, the expert's code in a column of its own."""
    header = ["Lp", "Stanowisko"] + (["Opis"] if whole else []) + ["Kod eksperta"]
    rows = [header] + [[str(i), a["title"]] + ([a["description"]] if whole else []) + [a["code"]]
                       for i, a in enumerate(ads, 1)]
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # (the ads hold characters Windows-1250 lacks)


def codes_from_file(path: Path) -> list[list[str]]:
    """kod_1..kod_3 of every row, read back from the written file the way a counsellor's sheet would be."""
    table = read_table(path.read_bytes(), title_column="Stanowisko")
    header = [str(h) for h in table.rows[table.header]]
    cols = [header.index(f"kod_{i}") for i in (1, 2, 3)]
    return [[str(table.rows[r][c] or "") for c in cols if table.rows[r][c]] for r in table.data_rows]


def accuracy(predicted: list[list[str]], gold: list[str]) -> tuple[float, float]:
    n = len(gold)
    return (sum(p[:1] == [g] for p, g in zip(predicted, gold)) / n,
            sum(g in p[:3] for p, g in zip(predicted, gold)) / n)


def jsonl_codes(ads: list[dict], whole: bool) -> list[list[str]]:
    lines = "\n".join(json.dumps({"title": a["title"], "description": a["description"] if whole else None, "k": 3})
                      for a in ads)
    out = subprocess.run([str(DOR), "classify", "--jsonl"], input=lines, capture_output=True, text=True, cwd=ROOT,
                         check=False, timeout=3600)
    return [[c["code"] for c in json.loads(x).get("candidates", [])] for x in out.stdout.splitlines()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=Path(os.environ.get("DORADCA_EVAL", EVAL)))
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="the dev ads' file for the accuracy")
    args = ap.parse_args()
    ads = load_jsonl(args.eval / "jobads-dev.jsonl")
    gold = [a["code"] for a in ads]
    t0 = time.perf_counter()
    searcher = Searcher.open()  # as the command and the web process (one OpenMP thread per pool)
    print(f"searcher ready in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} cores; {len(ads)} dev ads "
          f"({args.eval / 'jobads-dev.jsonl'})")

    print("\n## Speed: rows per second, one process, rows coded one after another (as `classify --file` and the "
          "web job)")
    speed, accuracies = [], {}
    for whole in (False, True):
        for fmt in ("csv", "xlsx"):
            data = spreadsheet(ads, whole, fmt)
            t1 = time.perf_counter()
            table = read_table(data)
            t2 = time.perf_counter()
            searcher._cache.clear()  # cold: every text encoded, as in a new file
            coded = code_table(table, searcher.classifier, 3)
            t3 = time.perf_counter()
            write_table(table, coded, 3)
            t4 = time.perf_counter()
            kind = "whole offers" if whole else "titles only"
            print(f"{kind:13} {fmt:5} {len(ads) / (t3 - t2):6.1f} rows/s coding; read {1000 * (t2 - t1):5.0f} ms, "
                  f"write {1000 * (t4 - t3):5.0f} ms ({len(data) / 1e6:.2f} MB); whole file {len(ads) / (t4 - t1):6.1f}"
                  " rows/s")
            speed.append([kind, fmt, len(ads) / (t3 - t2), 1000 * (t2 - t1), 1000 * (t4 - t3)])

    print(f"\n## Accuracy of the coded file ({args.format}, read back) and of `doradca classify --jsonl`, same ads")
    with tempfile.TemporaryDirectory() as tmp:
        for whole in (False, True):
            src = Path(tmp) / f"oferty.{args.format}"
            src.write_bytes(spreadsheet(ads, whole, args.format))
            out = Path(tmp) / f"kody.{args.format}"
            t1 = time.perf_counter()
            run = subprocess.run([str(DOR), "classify", "--file", str(src), "--out", str(out)], capture_output=True,
                                 text=True, cwd=ROOT, check=False, timeout=3600)
            took = time.perf_counter() - t1
            if run.returncode != 0:
                print(f"classify --file failed ({run.returncode}): {run.stderr[-500:]}")
                continue
            from_file, from_jsonl = codes_from_file(out), jsonl_codes(ads, whole)
            a1, a3 = accuracy(from_file, gold)
            j1, j3 = accuracy(from_jsonl, gold)
            same = sum(f == j for f, j in zip(from_file, from_jsonl))
            kind = "whole offers" if whole else "titles only"
            accuracies[kind] = {"file": [a1, a3], "jsonl": [j1, j3], "same_rows": same, "rows": len(ads)}
            print(f"{kind:13} file: acc@1 {a1:.3f}  acc@3 {a3:.3f}   --jsonl: acc@1 {j1:.3f}  acc@3 {j3:.3f}   "
                  f"same codes in {same}/{len(ads)} rows; `classify --file` took {took:.1f} s with loading")
    path = figures.write("batch", {"speed": speed}, {"format": args.format, "ads": len(ads)},
                         {"accuracy": accuracies})
    print(f"figures written to {path}")


if __name__ == "__main__":
    main()
