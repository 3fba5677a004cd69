"""Download the corpus's public sources, check them against pinned checksums, convert them into the loaders' layout.

The sources are files of the public GitHub repository OJALAB/job-ads-datasets at a pinned commit (Beręsewicz, Pater
et al., OJA Lab; cite doi:10.18150/SX0E7G): the KZiS occupation descriptions (MRiPS, psz.praca.gov.pl), GUS synonyms,
ESCO-PL (© European Union), the KZiS hierarchy and group descriptions, the KZiS-ESCO crosswalk, and two spreadsheets
of job ads coded into KZiS by experts. Each file is fetched into ``<name>.part`` (resumed with an HTTP Range request
when a connection breaks), checked for size and sha256, and only then renamed over the file in use; a file that
fails is reported with the reason and the others are kept.

Example::

    report = fetch(Path("corpus"))            # from raw.githubusercontent.com
    report = fetch(Path("corpus"), "http://127.0.0.1:8000/")   # from an office's mirror
    report.failed   # {} when everything arrived
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from tqdm import tqdm
from urllib3.util.retry import Retry

from .files import sha256_of

COMMIT = "0d70fc198fcc77e797eecc30d721cf3e2c456d8e"
DEFAULT_URL = f"https://raw.githubusercontent.com/OJALAB/job-ads-datasets/{COMMIT}/"
CITATION = (
    "OJALAB/job-ads-datasets (Beręsewicz, Pater et al., OJA Lab, Poznań University of Economics), commit "
    f"{COMMIT[:12]}; cite: Beręsewicz, M.; Pater, R. (2024), RepOD, doi:10.18150/SX0E7G. The repository states no "
    "licence. Contents: KZiS and its occupation descriptions (MRiPS / psz.praca.gov.pl; the classification is a legal "
    "act), GUS synonyms (Statistics Poland), ESCO-PL (© European Union, reuse with attribution, Decision "
    "2011/833/EU), job ads coded by the OJA Lab experts."
)
TIMEOUT = (10, 60)  # seconds to connect, seconds between bytes
ATTEMPTS = 4  # downloads that break mid-file are resumed this many times
CHUNK = 1 << 16


class FetchError(Exception):
    """One file could not be fetched or converted; the message says why."""


@dataclass(frozen=True)
class Upstream:
    """One file of the repository: where it lives there, its pinned size and sha256, where it goes here."""

    path: str
    size: int
    sha256: str
    target: str  # relative to the corpus folder; files that need converting land under raw/


# Sizes and checksums of the pinned commit's files.
FILES = (
    Upstream("data-raw/slownik-2024-07-10.rds", 1343183,
             "97037a978b4d37703c6c66f3a17d89c8d581f6afbde2605b1c66d2d760258075", "raw/slownik-2024-07-10.rds"),
    Upstream("data/gus-thesaurus.csv", 218644,
             "b00d755102a8795a84c68c11ef4461842042307c70e83dfb1bf17f8b48de9a5c", "kzis-ojalab/gus-thesaurus.csv"),
    Upstream("data/esco-kzis-selected.csv", 1193961,
             "fdb62a549e402888c30159b4dc09d2586b15f7b7293ceb44973e5ae9579477c0", "kzis-ojalab/esco-kzis-selected.csv"),
    Upstream("data/kzis-hierarchy-2023.tsv", 150134,
             "85b38819514b677a80f54741608c44021c6c326ef0ec0342e440df4b4d021a18", "kzis-ojalab/kzis-hierarchy-2023.tsv"),
    Upstream("data/kzis-desc-level2.csv", 46022,
             "dda49c126113b21ac7ec095792015a5a3bc3dc088f9d3611a380111263190118", "kzis-ojalab/kzis-desc-level2.csv"),
    Upstream("data/kzis-desc-level3.csv", 161627,
             "bc6b5b3dfbf6a32c89c145d3b873b07b7246cc8858080fff77ebb3de7117da6e", "kzis-ojalab/kzis-desc-level3.csv"),
    Upstream("data/kzis-desc-level4.csv", 678605,
             "a1c657703ebcaf9f600d9a93d931e09d11e71505912fbaa1674984d07d09c4e8", "kzis-ojalab/kzis-desc-level4.csv"),
    Upstream("data-raw/kzis_esco_crosswalk.csv", 200158,
             "ed801f0f85f1ec1816d0a26fb6511afeb5c5d0aba3e172a77bdf48cbaada6c4e", "kzis-ojalab/kzis_esco_crosswalk.csv"),
    Upstream("data-raw/hand-coded/kom2-new-sep-done.xlsx", 2720474,
             "adade4400212de931033bf1019fc7d0a0c844f6c7321663a16311b0548a2033f", "raw/kom2-new-sep-done.xlsx"),
    Upstream("data-raw/hand-coded/kom3-new-sep-done.xlsx", 2747938,
             "16630e7f0951971ccb82651aaff81ddb54a56bb4306ebecc5adb66dd31a544e5", "raw/kom3-new-sep-done.xlsx"),
)


@dataclass
class Report:
    downloaded: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file -> reason


def _good(path: Path, item: Upstream) -> bool:
    return path.is_file() and path.stat().st_size == item.size and sha256_of(path) == item.sha256


def _session() -> requests.Session:
    # urllib3 retries refused connections and 5xx answers with backoff; a body broken mid-file is resumed below
    retry = Retry(total=2, backoff_factor=0.3, status_forcelist=(500, 502, 503, 504), allowed_methods={"GET"})
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def _replace(tmp: Path, target: Path) -> None:
    """Make ``tmp`` the file in use in one step, durable before the rename."""
    with tmp.open("rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)


def download(session: requests.Session, url: str, item: Upstream, target: Path) -> None:
    """Fetch one file into ``target`` (resuming ``target.part``); raise FetchError with the reason."""
    part = target.with_name(target.name + ".part")
    for attempt in range(ATTEMPTS):
        have = part.stat().st_size if part.exists() else 0
        if have >= item.size:  # a complete or overlong part failed its check before: start over
            part.unlink()
            have = 0
        got = 0
        try:
            with session.get(url, headers={"Range": f"bytes={have}-"} if have else {}, stream=True,
                             timeout=TIMEOUT) as r:
                if r.status_code == 404:
                    raise FetchError(f"not on the server (HTTP 404: {url})")
                r.raise_for_status()
                target.parent.mkdir(parents=True, exist_ok=True)  # only once there is something to write
                resumed = r.status_code == 206
                with part.open("ab" if resumed else "wb") as f, tqdm(
                    total=item.size, initial=have if resumed else 0, unit="B", unit_scale=True,
                    desc=Path(item.path).name, leave=False, disable=None,
                ) as bar:
                    for chunk in r.iter_content(CHUNK):
                        f.write(chunk)
                        got += len(chunk)
                        bar.update(len(chunk))
            break
        except requests.RequestException as e:
            # a connection that never delivered a byte is not retried again: urllib3 already did
            if got == 0 or attempt == ATTEMPTS - 1:
                raise FetchError(f"download failed: {_reason(e)}") from e
            time.sleep(0.5 * (attempt + 1))
    size = part.stat().st_size
    if size != item.size:
        part.unlink()
        raise FetchError(f"wrong size: {size} bytes, expected {item.size}")
    if (digest := sha256_of(part)) != item.sha256:
        part.unlink()
        raise FetchError(f"wrong sha256: {digest}, expected {item.sha256}")
    _replace(part, target)


def _reason(e: requests.RequestException) -> str:
    if isinstance(e, requests.exceptions.RetryError):  # urllib3 gave up on 5xx answers
        return f"server error: {getattr(e.args[0], 'reason', e)}"
    if isinstance(e, requests.HTTPError) and e.response is not None:
        return f"HTTP {e.response.status_code} from {e.response.url}"
    if isinstance(e, requests.ConnectionError) and not isinstance(e, requests.exceptions.ChunkedEncodingError):
        return f"cannot connect ({type(e).__name__}: {str(e)[:160]})"
    return f"{type(e).__name__}: {str(e)[:160]}"


# --- conversions ------------------------------------------------------------------------------------------------

DICTIONARY_COLUMNS = ["code", "name", "synthesis", "tasks1", "tasks2"]
DICTIONARY = "kzis-ojalab/kzis-dictionary-2024-07-10.csv"
ADS = "jobads-oja/hand-coded-ads.jsonl"


def _write_atomic(target: Path, write: Callable[[Path], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    write(tmp)
    _replace(tmp, target)


def dictionary_to_csv(rds: Path, target: Path) -> int:
    """The R data frame of occupation descriptions as CSV (``code,name,synthesis,tasks1,tasks2``); returns rows."""
    import pyreadr  # only the fetch needs it (and pandas under it)

    frame = next(iter(pyreadr.read_r(str(rds)).values()))
    if list(frame.columns) != DICTIONARY_COLUMNS:
        raise FetchError(f"{rds.name}: columns {list(frame.columns)}, expected {DICTIONARY_COLUMNS}")
    rows = frame.fillna("").astype(str).values.tolist()

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(DICTIONARY_COLUMNS)
            w.writerows(rows)

    _write_atomic(target, write)
    return len(rows)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 9-digit Polish numbers in the usual groupings, with an optional +48/0048 prefix
PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)48[\s-]?)?"
                   r"(?:\d{3}[\s-]?\d{3}[\s-]?\d{3}|\d{2}[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2})(?!\d)")
DESCRIPTION_LIMIT = 4000
# the experts' code column is named differently in the two spreadsheets
TITLE, DESCRIPTION, ID, CODES = "job.title", "job.description", "ID_unit", ("kod zawodu", "kod")


def clean(text: object) -> str:
    """One line of text without e-mail addresses or phone numbers (as the corpus's SOURCE.md describes)."""
    if text is None:
        return ""
    folded = " ".join(str(text).split())
    return PHONE.sub("[tel]", EMAIL.sub("[email]", folded))


def _cell_code(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = str(value).strip() if value is not None else ""
    if code.isdigit() and len(code) <= 6:
        return code.zfill(6)  # spreadsheets keep codes as numbers and drop the leading zero
    return None


def read_ads(workbook: Path) -> Iterator[dict[str, str]]:
    """The coded ads of one expert's spreadsheet as corpus records (rows without a 6-digit code are skipped)."""
    from openpyxl import load_workbook

    book = load_workbook(workbook, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        code_column = next((c for c in CODES if c in header), None)
        missing = [c for c in (TITLE, DESCRIPTION, ID) if c not in header] + ([] if code_column else [CODES[0]])
        if missing:
            raise FetchError(f"{workbook.name}: no column {', '.join(missing)}")
        assert code_column is not None  # else it is among the missing
        at = {name: header.index(name) for name in (TITLE, DESCRIPTION, ID, code_column)}
        coder = workbook.name.split("-")[0]
        for row in rows:
            code, title = _cell_code(row[at[code_column]]), clean(row[at[TITLE]])
            if code is None or not title:
                continue
            ident = row[at[ID]]
            yield {
                "id": str(int(ident)) if isinstance(ident, float) and ident.is_integer() else str(ident),
                "title": title,
                "description": clean(row[at[DESCRIPTION]])[:DESCRIPTION_LIMIT],
                "code": code,
                "coder": coder,
            }
    finally:
        book.close()


def ads_to_jsonl(workbooks: list[Path], target: Path) -> int:
    """Both experts' spreadsheets as one JSON-lines file; returns the number of ads."""
    ads = [ad for wb in workbooks for ad in read_ads(wb)]

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(ad, ensure_ascii=False) + "\n" for ad in ads)

    _write_atomic(target, write)
    return len(ads)


@dataclass(frozen=True)
class Conversion:
    inputs: tuple[str, ...]  # Upstream.target paths
    target: str
    convert: Callable[[list[Path], Path], int]


CONVERSIONS = (
    Conversion(("raw/slownik-2024-07-10.rds",), DICTIONARY, lambda paths, t: dictionary_to_csv(paths[0], t)),
    Conversion(("raw/kom2-new-sep-done.xlsx", "raw/kom3-new-sep-done.xlsx"), ADS, ads_to_jsonl),
)


# --- the whole fetch ------------------------------------------------------------------------------------------------

def fetch(dest: Path, base_url: str = DEFAULT_URL, files: tuple[Upstream, ...] = FILES) -> Report:
    """Bring ``dest`` up to date with the pinned sources; files already present and intact are not downloaded."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    report, fresh = Report(), set()
    session = _session()
    unreachable: str | None = None
    for item in files:
        target = dest / item.target
        if _good(target, item):
            report.up_to_date.append(item.target)
            continue
        if unreachable:
            report.failed[item.target] = f"not tried: {unreachable}"
            continue
        try:
            download(session, base + item.path, item, target)
        except FetchError as e:
            report.failed[item.target] = str(e)
            if "cannot connect" in str(e):  # the mirror is down: do not wait for it once per file
                unreachable = f"{base} could not be reached"
            continue
        report.downloaded.append(item.target)
        fresh.add(item.target)
    for conv in CONVERSIONS:
        if set(conv.inputs) <= {f.target for f in files}:  # a partial fetch converts only what it covers
            _convert(dest, conv, fresh, report)
    return report


def _convert(dest: Path, conv: Conversion, fresh: set[str], report: Report) -> None:
    target = dest / conv.target
    if missing := [i for i in conv.inputs if i in report.failed]:
        report.failed[conv.target] = f"not converted: {', '.join(missing)} missing"
        return
    if target.exists() and not fresh.intersection(conv.inputs):
        report.up_to_date.append(conv.target)
        return
    try:
        rows = conv.convert([dest / i for i in conv.inputs], target)
    except (FetchError, OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        report.failed[conv.target] = f"conversion failed: {e}"
        return
    report.converted.append(f"{conv.target} ({rows} rows)")
