"""`doradca corpus fetch` against a loopback mirror of the upstream files (../shared/upstream), with faults injected."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from index import fetch as fetch_module
from index.config import ROOT, Settings
from index.fetch import ADS, DICTIONARY, FILES, fetch, read_ads

from .conftest import free_port

UPSTREAM = ROOT.parent / "shared" / "upstream"
REPO = f"OJALAB/job-ads-datasets/{fetch_module.COMMIT}"
SHARED_DICTIONARY = ROOT.parent / "shared" / "corpus" / "kzis-ojalab" / "kzis-dictionary-2024-07-10.csv"
DORADCA = str(Path(sys.executable).parent / "doradca")
needs_upstream = pytest.mark.skipif(not (UPSTREAM / REPO).is_dir(), reason="needs ../shared/upstream beside the clone")


class Mirror(ThreadingHTTPServer):
    """Serves the upstream copies; ``faults`` maps a file's path in the repository to how the server misbehaves."""

    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.faults: dict[str, str] = {}
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{REPO}/"


class Handler(BaseHTTPRequestHandler):
    server: Mirror

    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        pass

    def do_GET(self) -> None:  # the http.server API
        path = self.path.removeprefix(f"/{REPO}/")
        self.server.requests.append((path, self.headers.get("Range")))
        fault = self.server.faults.get(path, "")
        file = UPSTREAM / REPO / path
        if fault == "500":
            return self.send_error(500)
        if not file.is_file():
            return self.send_error(404)
        body = file.read_bytes()
        start = int(self.headers["Range"].removeprefix("bytes=").rstrip("-")) if self.headers.get("Range") else 0
        if fault == "corrupt":
            body = body[:-4] + b"XXXX"
        if fault == "truncated":
            body = body[: len(body) // 2]  # a short file, sent whole
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if fault == "drop" or (fault == "drop-once" and not start):
            self.wfile.write(body[start: start + (len(body) - start) // 3])  # stops mid-file: the connection closes
            self.close_connection = True
            return
        self.wfile.write(body[start:])


@pytest.fixture()
def mirror() -> Iterator[Mirror]:
    server = Mirror(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _item(path: str) -> fetch_module.Upstream:
    return next(f for f in FILES if f.path == path)


GUS = "data/gus-thesaurus.csv"


@needs_upstream
def test_fetch_converts_descriptions_row_for_row_and_a_second_run_downloads_nothing(mirror: Mirror,
                                                                                    tmp_path: Path) -> None:
    report = fetch(tmp_path, mirror.url)
    # the job-ad spreadsheets are not in the shared copy of the repository: they fail by name, the rest is kept
    assert set(report.failed) == {"raw/kom2-new-sep-done.xlsx", "raw/kom3-new-sep-done.xlsx", ADS}
    assert "HTTP 404" in report.failed["raw/kom2-new-sep-done.xlsx"]
    assert len(report.downloaded) == 8 and report.converted == [f"{DICTIONARY} (2912 rows)"]
    with (tmp_path / DICTIONARY).open(encoding="utf-8", newline="") as mine, \
            SHARED_DICTIONARY.open(encoding="utf-8", newline="") as theirs:
        assert list(csv.reader(mine)) == list(csv.reader(theirs))
    assert not list(tmp_path.rglob("*.part")) and not list(tmp_path.rglob("*.tmp"))

    asked = len(mirror.requests)
    again = fetch(tmp_path, mirror.url)
    assert again.downloaded == [] and again.converted == [] and len(again.up_to_date) == 9
    assert [p for p, _ in mirror.requests[asked:]] == [f.path for f in FILES if f.path.endswith(".xlsx")]


@needs_upstream
def test_corpus_the_loaders_read(mirror: Mirror, tmp_path: Path) -> None:
    from index.corpus import load_corpus

    fetch(tmp_path, mirror.url)
    corpus = load_corpus([tmp_path])
    assert len(corpus.occupations) >= 2900 and not corpus.problems
    assert corpus.occupations["512001"].passages  # Kucharz, from the converted dictionary


@needs_upstream
def test_wrong_checksum_keeps_the_file_in_use(mirror: Mirror, tmp_path: Path) -> None:
    item = _item(GUS)
    target = tmp_path / item.target
    target.parent.mkdir(parents=True)
    target.write_text("an older copy\n")
    mirror.faults[GUS] = "corrupt"
    report = fetch(tmp_path, mirror.url, (item,))
    assert report.failed[item.target].startswith("wrong sha256")
    assert target.read_text() == "an older copy\n"
    assert not list(tmp_path.rglob("*.part"))


@needs_upstream
def test_truncated_body_is_refused(mirror: Mirror, tmp_path: Path) -> None:
    item = _item(GUS)
    mirror.faults[GUS] = "truncated"
    report = fetch(tmp_path, mirror.url, (item,))
    assert report.failed[item.target].startswith("wrong size")
    assert not (tmp_path / item.target).exists() and not list(tmp_path.rglob("*.part"))


@needs_upstream
def test_server_stopping_mid_file_is_resumed(mirror: Mirror, tmp_path: Path) -> None:
    item = _item(GUS)
    mirror.faults[GUS] = "drop-once"
    report = fetch(tmp_path, mirror.url, (item,))
    assert report.downloaded == [item.target], report.failed
    assert fetch_module.sha256_of(tmp_path / item.target) == item.sha256
    assert any(r and r.startswith("bytes=") for _, r in mirror.requests)  # the second request asked for the rest


@needs_upstream
def test_server_that_always_stops_mid_file_fails_without_a_file_in_use(mirror: Mirror, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module.time, "sleep", lambda _s: None)
    item = _item(GUS)
    mirror.faults[GUS] = "drop"
    report = fetch(tmp_path, mirror.url, (item,))
    assert report.failed[item.target].startswith("download failed")
    assert not (tmp_path / item.target).exists()


@needs_upstream
def test_server_errors_and_missing_files_are_named(mirror: Mirror, tmp_path: Path) -> None:
    mirror.faults[GUS] = "500"
    missing = replace(_item(GUS), path="data/no-such-file.csv", target="kzis-ojalab/no-such-file.csv")
    report = fetch(tmp_path, mirror.url, (_item(GUS), missing))
    assert report.failed[_item(GUS).target] == "download failed: server error: too many 500 error responses"
    assert "HTTP 404" in report.failed[missing.target]


def test_unreachable_mirror_fails_fast_and_names_every_file(tmp_path: Path) -> None:
    started = time.monotonic()
    report = fetch(tmp_path, f"http://127.0.0.1:{free_port()}/")
    assert set(report.failed) == {f.target for f in FILES} | {DICTIONARY, ADS}
    assert report.failed[FILES[0].target].startswith("download failed: cannot connect")
    assert all(report.failed[f.target].startswith("not tried") for f in FILES[1:])
    assert time.monotonic() - started < 20
    assert not list(tmp_path.iterdir())  # not even an empty folder that would look like a fetched corpus


def _workbook(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_spreadsheet_conversion(tmp_path: Path) -> None:
    from index.jobads import load_examples

    kom2 = _workbook(tmp_path / "kom2-new-sep-done.xlsx",
                     ["ID_unit", "job.title", "job.description", "kod zawodu", "pensja"], [
        [1001, "Oficer\nzawodowy", "Pisz na jan.kowalski@example.pl lub dzwoń 600 100 200.", 11001, "5000 zł"],
        [1002, "Kucharz", "x" * 5000, "512001", None],
        [1003, "Bez kodu", "opis", None, None],
        [1004.0, "Zły kod", "opis", "12345678", None],
    ])
    kom3 = _workbook(tmp_path / "kom3-new-sep-done.xlsx", ["ID_unit", "job.title", "job.description", "kod", "nazwa"], [
        [2001, "Magazynier", "Tel. +48 601-200-300, praca od zaraz", 432107, "Magazynier"],
    ])
    target = tmp_path / "out" / "hand-coded-ads.jsonl"
    assert fetch_module.ads_to_jsonl([kom2, kom3], target) == 3
    ads = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert ads[0] == {"id": "1001", "title": "Oficer zawodowy", "description": "Pisz na [email] lub dzwoń [tel].",
                      "code": "011001", "coder": "kom2"}
    assert len(ads[1]["description"]) == 4000
    assert ads[2] == {"id": "2001", "title": "Magazynier", "description": "Tel. [tel], praca od zaraz",
                      "code": "432107", "coder": "kom3"}
    assert [e.code for e in load_examples(target)] == ["011001", "512001", "432107"]


def test_spreadsheet_without_the_expected_columns_is_named(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "kom2-x.xlsx", ["title", "kod"], [["Kucharz", 512001]])
    with pytest.raises(fetch_module.FetchError, match=r"kom2-x.xlsx: no column job.title, job.description, ID_unit"):
        list(read_ads(book))


def test_corpus_in_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from index import config

    fetched = tmp_path / "corpus"
    monkeypatch.setattr(config, "FETCHED_CORPUS", fetched)
    assert Settings(corpus=None).corpus_paths() == []  # nothing fetched, nothing set
    fetched.mkdir()
    assert Settings(corpus=None).corpus_paths() == [fetched]
    assert Settings(corpus="").corpus_paths() == []  # set but empty: the built-in data/ only
    assert Settings(corpus=f"{tmp_path}/a:{tmp_path}/b").corpus_paths() == [tmp_path / "a", tmp_path / "b"]


@needs_upstream
def test_cli_reports_failures_by_name_and_exit_code(mirror: Mirror, tmp_path: Path) -> None:
    done = subprocess.run([DORADCA, "corpus", "fetch", "--url", mirror.url,
                           "--dest", str(tmp_path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "FAILED      raw/kom3-new-sep-done.xlsx: not on the server (HTTP 404" in done.stderr
    assert "8 downloaded, 1 converted, 3 failed" in done.stdout and "doi:10.18150/SX0E7G" in done.stdout
    helped = subprocess.run([DORADCA, "corpus", "fetch", "--help"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "400"}, check=False)
    assert "doi:10.18150/SX0E7G" in helped.stdout and "DORADCA_CORPUS_URL" in helped.stdout
