"""Whole files of job offers through the web: the /api/batch jobs on a real uvicorn server, and the look-up page's
upload panel in Debian's Chromium (upload, progress, download, a refused file)."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from index.batch import output_columns
from index.config import ROOT
from services.processes import Assistant, Ports

from .conftest import free_port, needs_corpus
from .test_batch import csv_bytes, rows_of, xlsx_bytes

PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
UPLOADS = 40  # per hour in this server; the last test uses them up
LIMITS = {"DORADCA_BATCH_MAX_ROWS": "200", "DORADCA_BATCH_MAX_BYTES": "300000", "DORADCA_BATCH_KEEP_SECONDS": "8",
          "DORADCA_BATCH_UPLOADS_PER_HOUR": str(UPLOADS)}
MARKER = "Zbieracz truskawek ZQX"  # a title whose traces are looked for in the logs
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "screenshots"
pytestmark = needs_corpus  # codes checked against the full index


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("batch-web")
    bot = Assistant(Ports(rasa=free_port(), actions=free_port(), web=PORT), log_dir=tmp / "logs", extra_env=LIMITS)
    bot.start_web()
    yield bot
    bot.stop()


def upload(data: bytes, **params: object) -> requests.Response:
    return requests.post(f"{BASE}/api/batch", params=params, data=data, timeout=60,
                         headers={"Content-Type": "application/octet-stream"})


def finished(job_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        job = requests.get(f"{BASE}/api/batch/{job_id}", timeout=30).json()
        seen.append(job["done"])
        if job["state"] in ("done", "failed"):
            job["seen"] = seen
            return job
        time.sleep(0.2)
    raise AssertionError(f"job not finished in {timeout} s: {seen[-5:]}")


# --- the API -------------------------------------------------------------------------------------------------------

def test_upload_progress_result_in_the_format_sent(web):
    offers = [*rows_of(), ["4", "", "", "Firma bez oferty"], ["5", MARKER, "", ""]]
    r = upload(csv_bytes(offers, ";", "cp1250"), k=2)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] in ("queued", "running") and job["rows"] == 5 and job["format"] == "csv"
    assert job["found"].startswith("CSV, semicolon-separated, Windows-1250; 5 rows; title column 'Stanowisko'")
    assert r.headers["Cache-Control"] == "no-store"
    job = finished(job["id"])
    assert job["state"] == "done" and job["done"] == 5 and job["counts"]["rows"] == 5
    assert job["seen"] == sorted(job["seen"])  # progress only goes forward
    preview = job["preview"]
    assert [p["unsure"] for p in preview] == sorted((p["unsure"] for p in preview), reverse=True)  # to check first
    assert preview[0]["line"] == 5 and preview[0]["reason"] == "brak stanowiska i opisu oferty"
    spawacz = next(p for p in preview if p["title"].startswith("Spawacz"))
    assert spawacz["candidates"][0]["code"] == "721204" and len(spawacz["candidates"]) == 2 and spawacz["reason"]
    file = requests.get(f"{BASE}{job['result']}", timeout=30)
    assert file.status_code == 200 and file.headers["Content-Type"] == "text/csv; charset=windows-1250"
    assert file.headers["Content-Disposition"] == 'attachment; filename="oferty-kody.csv"'
    rows = list(csv.reader(io.StringIO(file.content.decode("cp1250"), newline=""), delimiter=";"))
    assert rows[0] == offers[0] + output_columns(2) and [r[:4] for r in rows] == offers
    assert job["expires_at"].endswith("Z")


def test_an_xlsx_comes_back_as_xlsx_or_as_asked(web):
    data = xlsx_bytes([["Nazwa stanowiska", "Zakres obowiązków"], ["Magazynier", "Wózek widłowy, kompletacja"]])
    job = finished(upload(data).json()["id"])
    file = requests.get(f"{BASE}{job['result']}", timeout=30)
    assert file.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(file.content)).active
    assert [c.value for c in ws[2]][:3] == ["Magazynier", "Wózek widłowy, kompletacja", "432103"]
    job = finished(upload(data, format="csv").json()["id"])
    text = requests.get(f"{BASE}{job['result']}", timeout=30).content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("Magazynier;Wózek widłowy, kompletacja;432103;")


@pytest.mark.parametrize("data, params, status, reason", [
    (b"", {}, 422, "empty"),
    ("Firma;Miasto\r\nABC;Koło\r\n".encode("cp1250"), {}, 422, "no_title_column"),
    (csv_bytes(rows_of()), {"title_column": "Nazwa"}, 422, "no_column"),
    (b"\xd0\xcf\x11\xe0" + bytes(64), {}, 422, "xls"),
    (csv_bytes([["Stanowisko"]] + [[f"Kucharz {i}"] for i in range(201)]), {}, 413, "too_many_rows"),
    (b"stanowisko\n" + b"Kucharz\n" * 40_000, {}, 413, "too_large"),  # over 300,000 bytes: refused before reading
])
def test_files_over_the_limits_or_without_a_title_column_are_refused(web, data: bytes, params: dict, status: int,
                                                                      reason: str):
    r = upload(data, **params)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["reason"] == reason and body["detail"]
    if reason == "no_title_column":
        assert body["found"] == ["Firma", "Miasto"] and "'Firma', 'Miasto'" in body["detail"]


def test_bad_parameters_and_unknown_jobs(web):
    assert upload(csv_bytes(rows_of()), k=11).status_code == 422
    assert upload(csv_bytes(rows_of()), format="pdf").status_code == 422
    unknown = "A" * 24
    assert requests.get(f"{BASE}/api/batch/{unknown}", timeout=30).status_code == 404
    assert requests.get(f"{BASE}/api/batch/{unknown}/result", timeout=30).status_code == 404
    assert requests.delete(f"{BASE}/api/batch/{unknown}", timeout=30).status_code == 404
    assert requests.get(f"{BASE}/api/batch/short", timeout=30).status_code == 422
    form = requests.post(f"{BASE}/api/batch", files={"file": ("o.csv", csv_bytes(rows_of()))}, timeout=30)
    assert form.status_code == 415 and form.json()["reason"] == "multipart"


def test_the_chat_limit_stays_on_the_other_routes(web):
    """The upload route has its own body limit; /api/classify keeps the 64 KiB one."""
    big = {"title": "Spawacz", "description": "x" * 70_000}
    assert requests.post(f"{BASE}/api/classify", json=big, timeout=30).status_code == 413
    rows = [["Stanowisko", "Opis"]] + [["Spawacz", "Spawanie konstrukcji stalowych. " * 50] for _ in range(100)]
    data = csv_bytes(rows)
    assert 65536 < len(data) < 300_000 and upload(data, k=1).status_code == 202


def test_polling_has_a_generous_rate_and_a_deleted_job_is_gone(web):
    job = finished(upload(csv_bytes(rows_of()), k=1).json()["id"])
    assert all(requests.get(f"{BASE}/api/batch/{job['id']}", timeout=30).status_code == 200 for _ in range(60))
    assert requests.delete(f"{BASE}/api/batch/{job['id']}", timeout=30).status_code == 204
    assert requests.get(f"{BASE}{job['result']}", timeout=30).status_code == 404


def test_jobs_and_files_are_deleted_after_their_time_and_nothing_is_logged(web):
    """DORADCA_BATCH_KEEP_SECONDS is 8 here (an hour by default): the sweeper deletes the job unasked."""
    job = finished(upload(csv_bytes([*rows_of(), ["9", MARKER, "", ""]]), k=1).json()["id"])
    assert requests.get(f"{BASE}{job['result']}", timeout=30).status_code == 200
    time.sleep(8 + 3)  # the sweeper runs every 2 s with this setting
    assert requests.get(f"{BASE}/api/batch/{job['id']}", timeout=30).status_code == 404
    assert requests.get(f"{BASE}{job['result']}", timeout=30).status_code == 404
    logs = "".join(p.read_text(errors="replace") for p in (web.log_dir).glob("*.log"))
    assert MARKER not in logs and "Spawacz" not in logs and "Firma 1" not in logs


def test_openapi_describes_the_jobs(web):
    spec = requests.get(f"{BASE}/openapi.json", timeout=30).json()
    post = spec["paths"]["/api/batch"]["post"]
    assert set(post["requestBody"]["content"]) >= {"application/octet-stream", "text/csv"}
    assert {"202", "413", "422", "429"} <= set(post["responses"])
    assert {"/api/batch/{job_id}", "/api/batch/{job_id}/result"} <= set(spec["paths"])


# --- the look-up page in Chromium -----------------------------------------------------------------------------

def page_at(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="pl-PL", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{BASE}/lookup")
    return page


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"]} for v in result["violations"] if v["impact"] in ("serious",
                                                                                                    "critical")]


@pytest.mark.parametrize("width", [1280, 360])
def test_page_uploads_shows_progress_and_downloads_the_coded_file(web, browser, tmp_path: Path, width: int):
    offers = rows_of() + [["4", "Specjalista", "", ""]] + [[str(i), f"Kucharz {i}", "Gotowanie zup", ""]
                                                         for i in range(5, 45)]
    src = tmp_path / "oferty grudzień.xlsx"
    src.write_bytes(xlsx_bytes(offers))
    page = page_at(browser, width)
    assert "do 0,3 MB i 200 wierszy" in " ".join(page.inner_text("#batch-limits").split())  # the limits in force
    page.set_input_files("#batch-file", str(src))
    page.get_by_role("button", name="Zakoduj plik").click()
    page.locator("#batch-status", has_text="Koduję oferty").wait_for(timeout=30_000)  # 44 rows take a few seconds
    assert page.is_visible("#batch-progress")
    link = page.get_by_role("link", name="Pobierz zakodowany plik")
    link.wait_for(timeout=180_000)
    assert "Wiersze: 44, do sprawdzenia:" in page.inner_text("#batch-status")
    assert page.evaluate("document.getElementById('batch-progress').value") == 44
    first = page.locator("#batch-preview tbody tr").first
    assert first.locator("td").nth(3).inner_text() == "tak"  # the unsure rows come first
    assert page.locator("#batch-preview tbody tr", has_text="721204 Spawacz").count() == 1
    with page.expect_download() as d:
        link.click()
    download = d.value
    assert download.suggested_filename == "oferty grudzień-kody.xlsx"
    ws = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert ws.max_row == 45 and [c.value for c in ws[1]] == offers[0] + output_columns(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lookup-batch-{width}.png"), full_page=True)
    if AXE.exists():
        assert axe_violations(page) == []


def test_page_says_why_a_file_is_refused(web, browser, tmp_path: Path):
    page = page_at(browser, 1280)
    page.get_by_role("button", name="Zakoduj plik").click()
    page.locator("#batch-status", has_text="Wybierz plik").wait_for()
    src = tmp_path / "pracodawcy.csv"
    src.write_bytes("Firma;Miasto;Telefon\r\nABC;Koło;600100200\r\n".encode("cp1250"))
    page.set_input_files("#batch-file", str(src))
    page.get_by_role("button", name="Zakoduj plik").click()
    status = page.locator("#batch-status", has_text="nie ma kolumny ze stanowiskiem")
    status.wait_for(timeout=30_000)
    assert "Pierwszy wiersz pliku: Firma · Miasto · Telefon" in status.inner_text()
    assert page.is_hidden("#batch-download") and page.is_hidden("#batch-preview-box")
    big = tmp_path / "duzy.csv"
    big.write_bytes(b"stanowisko\n" + b"Kucharz\n" * 40_000)
    page.set_input_files("#batch-file", str(big))
    page.get_by_role("button", name="Zakoduj plik").click()
    page.locator("#batch-status", has_text="Plik jest za duży: najwyżej 0,3 MB").wait_for()


def test_uploads_have_their_own_rate_limit(web):
    """Last in this module: it uses up this server's uploads for the hour."""
    statuses = [upload(b"Firma\r\nABC\r\n").status_code for _ in range(UPLOADS + 1)]
    assert statuses[-1] == 429 and set(statuses) == {422, 429}
    r = upload(csv_bytes(rows_of()))
    assert r.status_code == 429 and r.json()["reason"] == "rate_limited" and r.headers["Retry-After"]
    assert requests.post(f"{BASE}/api/classify", json={"title": "Spawacz"}, timeout=30).status_code == 200
