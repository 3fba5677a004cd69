"""Code a whole file of job offers: a counsellor's spreadsheet in, the same spreadsheet with KZiS codes out.

``read_table`` finds the format (CSV with ``,`` ``;`` or tab, UTF-8 with or without BOM, UTF-16, Windows-1250;
.xlsx), the header row and the title and description columns; ``code_table`` codes every data row with the
classifier, exactly as ``doradca classify --jsonl`` codes one offer; ``write_table`` writes the input back with
every row in its order and all its columns, plus the codes, in the input's format (or the one asked for), with
no cell a spreadsheet would execute. Used by `doradca classify --file` and the web API's batch jobs.

Example::

    table = read_table(Path("oferty.csv").read_bytes())
    coded = code_table(table, searcher.classifier, k=3)
    Path("oferty-kody.csv").write_bytes(write_table(table, coded, k=3))
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal, Protocol

from .classify import MAX_DESCRIPTION, MAX_TITLE, Classification, Suggestion, check_offer

Format = Literal["csv", "xlsx"]

TITLE_HEADERS = ("title", "tytuł", "stanowisko", "nazwa stanowiska", "job.title")
DESCRIPTION_HEADERS = ("description", "opis", "opis stanowiska", "zakres obowiązków", "job.description")
HEADER_SEARCH_ROWS = 10  # an Excel sheet often has a caption or two above its header row
MAX_K = 10  # candidates per row: three columns each
XLSX_EXPANSION = 20  # an .xlsx may unpack to this many times its size (text compresses ~4-8x); more is a zip bomb
SEPARATORS = ",;\t"
UNSURE, SURE = "tak", "nie"
# what makes a spreadsheet read a cell as a formula (OWASP's list; a line feed too: an .xlsx reads a CR back as one)
ESCAPED_START = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")  # "-5", "+48": a number, never run; left as it is
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx cannot hold (openpyxl refuses them)


class BatchError(ValueError):
    """A file that cannot be coded; the message says what was found (exit code 2, HTTP 422). ``reason`` names the
    case for a client that says it in its own words (the look-up page, in Polish); ``found``: the first row's cells
    when a column is missing."""

    def __init__(self, message: str, reason: str = "unreadable", found: list[str] | None = None) -> None:
        super().__init__(message)
        self.reason, self.found = reason, found or []


class TooLarge(BatchError):
    """A file over the limits (HTTP 413)."""


class Classifier(Protocol):
    def classify(self, title: str, description: str | None = None, k: int = 3) -> Classification: ...


@dataclass(frozen=True)
class Limits:
    """Per-file limits (the web API's; the command line has none). ``None``: no limit."""

    max_bytes: int | None = None
    max_rows: int | None = None


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    encoding: str  # "utf-8-sig" (with BOM), "utf-8", "utf-16", "cp1250"
    lineterminator: str = "\r\n"

    @property
    def label(self) -> str:
        sep = {"\t": "tab", ",": "comma", ";": "semicolon"}[self.delimiter]
        enc = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16", "cp1250": "Windows-1250"}
        return f"CSV, {sep}-separated, {enc[self.encoding]}"


EXCEL_CSV = CsvFormat(";", "utf-8-sig")  # what Polish Excel opens with a double click: for an .xlsx written as CSV


@dataclass
class Table:
    """The sheet to code, as read: every row (captions above the header too), where the header is, which columns
    hold the title and description. For an .xlsx, ``source`` keeps the file to copy its other sheets."""

    kind: Format
    rows: list[list[Any]]
    header: int
    title: int
    description: int | None
    csv: CsvFormat | None = None
    sheet: str | None = None
    source: bytes | None = field(default=None, repr=False)

    @property
    def data_rows(self) -> range:
        return range(self.header + 1, len(self.rows))

    @property
    def row_count(self) -> int:
        return len(self.data_rows)

    @property
    def title_header(self) -> str:
        return cell_text(self.rows[self.header][self.title])

    @property
    def description_header(self) -> str | None:
        return None if self.description is None else cell_text(self.rows[self.header][self.description])

    def describe(self) -> str:
        """One line on what was found, for the terminal and the page."""
        kind = self.csv.label if self.csv else f".xlsx, sheet {self.sheet!r}"
        desc = f", description column {self.description_header!r}" if self.description is not None else \
            ", no description column (titles only)"
        return f"{kind}; {self.row_count:,} rows; title column {self.title_header!r}{desc}"


@dataclass(frozen=True)
class Coded:
    """One data row's result. ``unsure`` is None for a blank row (nothing to code, nothing written)."""

    line: int  # the row's number as the spreadsheet shows it (1-based, the header and captions counted)
    title: str
    candidates: tuple[Suggestion, ...]
    unsure: bool | None
    reason: str

    def to_json(self) -> dict:
        return {"line": self.line, "title": self.title, "unsure": self.unsure, "reason": self.reason,
                "candidates": [{"code": c.code, "name": c.name, "score": round(c.score, 4)} for c in self.candidates]}


# --- reading ------------------------------------------------------------------------------------------------------

def fold_header(text: object) -> str:
    """'Zakres  obowiązków:' -> 'zakres obowiazkow': case, Polish letters, spacing and a trailing colon do not
    matter (a header typed without Polish letters, or read from a file saved in another code page, still counts)."""
    s = unicodedata.normalize("NFKD", cell_text(text).lower().replace("ł", "l"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.replace("_", " ").split()).rstrip(":").strip()


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious '.0', dates as ISO, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _blank(row: list[Any]) -> bool:
    return all(not cell_text(v).strip() for v in row)


def _find(header: list[Any], names: tuple[str, ...] | str | None) -> int | None:
    """The first column whose header is one of ``names`` (or the one name given), compared folded."""
    if names is None:
        return None
    wanted = {fold_header(n) for n in ((names,) if isinstance(names, str) else names)}
    return next((i for i, v in enumerate(header) if fold_header(v) in wanted), None)


def _shown(row: list[Any]) -> str:
    cells = [cell_text(v).strip() for v in row]
    cells = [c if len(c) <= 40 else c[:39] + "…" for c in cells if c][:12]
    return ", ".join(repr(c) for c in cells) if cells else "nothing"


def _cells(row: list[Any]) -> list[str]:
    return [cell_text(v).strip()[:100] for v in row if cell_text(v).strip()][:30]


def _locate(rows: list[list[Any]], title_column: str | None,
            description_column: str | None) -> tuple[int, int, int | None]:
    """(header row, title column, description column) or BatchError saying what the first rows hold."""
    if not rows or all(_blank(r) for r in rows):
        raise BatchError("the file is empty: no rows with any text", "empty")
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        title = _find(row, title_column or TITLE_HEADERS)
        if title is not None:
            description = _find(row, description_column or DESCRIPTION_HEADERS)
            if description_column and description is None:
                raise BatchError(f"no column {description_column!r}: the header row has {_shown(row)}", "no_column",
                                 _cells(row))
            return i, title, description
    first = next(r for r in rows if not _blank(r))
    if title_column:
        raise BatchError(f"no column {title_column!r} in the first {HEADER_SEARCH_ROWS} rows; the first row has "
                         f"{_shown(first)}", "no_column", _cells(first))
    raise BatchError(f"no title column: the first row has {_shown(first)}; name the column with the job titles "
                     f"'stanowisko' (or {', '.join(repr(n) for n in TITLE_HEADERS if n != 'stanowisko')}), "
                     "or say which it is (--title-column NAME, or title_column in the API)", "no_title_column",
                     _cells(first))


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding. Tried in this order because each is strict: a BOM says what it is; UTF-8 fails
    on Windows-1250's Polish letters (Polish Excel's 'CSV' code page), which decodes nearly anything, so it comes
    last. (A statistical guess such as charset-normalizer's takes Polish text for ISO-8859-2 or Windows-1252, whose
    ś, ź, ą differ.)"""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with tabs
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        raise BatchError("not a text file (it holds NUL bytes): save the sheet as .xlsx or CSV", "binary")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise BatchError(f"the file starts as UTF-8 but is not ({e.reason} at byte {e.start})") from e
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250"), "cp1250"
    except UnicodeDecodeError as e:
        raise BatchError(f"unreadable text: neither UTF-8 nor Windows-1250 (byte {e.start})") from e


def _parse_csv(text: str, delimiter: str, stop: int | None = None) -> list[list[str]]:
    # Excel's quoting (") whatever the sniffer guessed about quotes: it guesses them wrong on short samples
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if stop is not None and len(rows) >= stop:
                break
    except csv.Error as e:
        raise BatchError(f"unreadable CSV at line {reader.line_num}: {e}") from e
    return rows


def _read_csv(data: bytes, title_column: str | None, description_column: str | None) -> Table:
    text, encoding = _decode(data)
    if not text.strip():
        raise BatchError("the file is empty", "empty")
    sample = text[:65536]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:  # one column, or too little text to tell
        first = sample.lstrip().splitlines()[0] if sample.strip() else ""
        sniffed = max(SEPARATORS, key=first.count) if any(s in first for s in SEPARATORS) else ","
    # the separator whose header row names a title column wins: the sniffer can be misled by commas in the
    # descriptions of a ';'-separated file
    error: BatchError | None = None
    for delimiter in [sniffed] + [s for s in SEPARATORS if s != sniffed]:
        try:
            _locate(_parse_csv(text, delimiter, HEADER_SEARCH_ROWS), title_column, description_column)
        except BatchError as e:
            error = error or e
            continue
        rows = _parse_csv(text, delimiter)
        header, title, description = _locate(rows, title_column, description_column)
        ending = "\r\n" if "\r\n" in sample else "\n"
        return Table("csv", rows, header, title, description, csv=CsvFormat(delimiter, encoding, ending))
    assert error is not None
    raise error


def _xlsx(data: bytes, limits: Limits):  # an openpyxl read-only workbook
    """Open an .xlsx read-only, after checking what it unpacks to (a 10 MB zip may unpack to gigabytes)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile as e:
        raise BatchError(f"unreadable .xlsx file ({e})") from e
    if "mimetype" in names and "content.xml" in names:
        raise BatchError("an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV", "ods")
    if "xl/workbook.xml" not in names:
        raise BatchError("a zip file, but not an Excel workbook (.xlsx)")
    if limits.max_bytes and unpacked > XLSX_EXPANSION * limits.max_bytes:
        raise TooLarge(f"the workbook unpacks to {unpacked / 1e6:.0f} MB; at most "
                       f"{XLSX_EXPANSION * limits.max_bytes / 1e6:.0f} MB", "too_large")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds (KeyError, ValueError, its own) for a damaged file
        raise BatchError(f"unreadable .xlsx file ({type(e).__name__})") from e


def _sheet_rows(ws: Any, stop: int | None = None) -> list[list[Any]]:
    rows = []
    for row in ws.iter_rows(values_only=True):
        rows.append(list(row))
        if stop is not None and len(rows) >= stop:
            break
    while rows and _blank(rows[-1]):  # formatting often reaches far below the last row with text
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([None] * (width - len(r)))
    return rows


def _read_xlsx(data: bytes, limits: Limits, title_column: str | None, description_column: str | None) -> Table:
    """The active sheet when it has a title column, else the first sheet that has one."""
    wb = _xlsx(data, limits)
    try:
        sheets = [wb.active] + [ws for ws in wb.worksheets if ws is not wb.active]
        error: BatchError | None = None
        for ws in sheets:
            try:
                _locate(_sheet_rows(ws, HEADER_SEARCH_ROWS), title_column, description_column)
            except BatchError as e:
                error = error or (BatchError(f"sheet {ws.title!r}: {e}", e.reason, e.found) if len(sheets) > 1 else e)
                continue
            stop = None if limits.max_rows is None else limits.max_rows + HEADER_SEARCH_ROWS + 1
            rows = _sheet_rows(ws, stop)  # stop reading past the limit: the check below refuses it anyway
            header, title, description = _locate(rows, title_column, description_column)
            return Table("xlsx", rows, header, title, description, sheet=ws.title, source=data)
        assert error is not None
        raise error
    finally:
        wb.close()


def read_table(data: bytes, limits: Limits = Limits(), title_column: str | None = None,
               description_column: str | None = None) -> Table:
    """Read a CSV or .xlsx file (told apart by content, not name); raises BatchError / TooLarge."""
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        raise TooLarge(f"the file has {len(data) / 1e6:.1f} MB; at most {limits.max_bytes / 1e6:g} MB per file",
                       "too_large")
    if not data.strip():
        raise BatchError("the file is empty", "empty")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BatchError("an old Excel file (.xls): save it as .xlsx (Excel workbook) or CSV", "xls")
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data, limits, title_column, description_column)
    else:
        table = _read_csv(data, title_column, description_column)
    if table.row_count == 0:
        raise BatchError(f"no rows below the header row ({_shown(table.rows[table.header])})", "no_rows")
    if limits.max_rows is not None and table.row_count > limits.max_rows:
        more = "more than " if table.kind == "xlsx" else ""
        raise TooLarge(f"the file has {more}{table.row_count:,} rows; at most {limits.max_rows:,} per file: "
                       "split it", "too_many_rows")
    return table


# --- coding -------------------------------------------------------------------------------------------------------

def _cell(row: list[Any], col: int | None) -> str:
    return cell_text(row[col]).strip() if col is not None and col < len(row) else ""


def _reason(title: str, best: Suggestion) -> str:
    """The coded ad or the name closest to the offer's title (the one that decided, as far as the evidence shows),
    else the official passage; short."""
    def closeness(text: str) -> float:
        return difflib.SequenceMatcher(None, fold_header(title), fold_header(text)).ratio()

    found = [e for e in best.evidence if e.kind in ("example", "name")]
    if found:
        e = max(found, key=lambda e: closeness(e.text))
    elif best.evidence:
        e = best.evidence[0]
    else:
        return ""
    label = {"example": "oferta zakodowana przez eksperta", "name": "nazwa zawodu", "passage": "opis zawodu"}
    text = " ".join(e.text.split())
    return f"{label[e.kind]}: „{text if len(text) <= 120 else text[:119] + '…'}”"


def code_row(table: Table, index: int, classifier: Classifier, k: int) -> Coded:
    """One data row, coded as `doradca classify --jsonl` codes one offer (same checks, same call)."""
    row = table.rows[index]
    title, description = _cell(row, table.title), _cell(row, table.description)
    if _blank(row):
        return Coded(index + 1, "", (), None, "")
    if not title and not description:
        return Coded(index + 1, "", (), True, "brak stanowiska i opisu oferty")
    try:  # a spreadsheet cell may be longer than an API call may; the classifier reads only the head anyway
        title, desc = check_offer(title[:MAX_TITLE], description[:MAX_DESCRIPTION] or None)
    except ValueError:
        return Coded(index + 1, title, (), True, "nie do zakodowania: brak słów w stanowisku i opisie")
    result = classifier.classify(title, desc, k)
    cands = tuple(result.candidates)
    if not cands:
        return Coded(index + 1, title, (), True, "brak kandydatów")
    return Coded(index + 1, title, cands, result.ambiguous, _reason(title or (desc or ""), cands[0]))


def code_table(table: Table, classifier: Classifier, k: int = 3, progress: Callable[[int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> list[Coded]:
    """Every data row in order; ``progress(n)`` after each row; stops early when ``cancelled()``."""
    if not 1 <= k <= MAX_K:
        raise BatchError(f"k must be a whole number from 1 to {MAX_K}")
    out = []
    for i in table.data_rows:
        if cancelled is not None and cancelled():
            break
        out.append(code_row(table, i, classifier, k))
        if progress is not None:
            progress(len(out))
    return out


def for_review(coded: list[Coded]) -> list[Coded]:
    """The rows a counsellor should look at first: the unsure ones, then the rest, each in file order; blank rows
    left out."""
    return sorted((c for c in coded if c.unsure is not None), key=lambda c: (not c.unsure, c.line))


# --- writing ------------------------------------------------------------------------------------------------------

def output_columns(k: int) -> list[str]:
    cols = [f"{name}_{i}" for i in range(1, k + 1) for name in ("kod", "zawod", "pewnosc")]
    return [*cols, "do_sprawdzenia", "uzasadnienie"]


def dangerous(text: str) -> bool:
    """Would a spreadsheet read this cell as a formula? (A plain number such as '-5' it reads as a number.)"""
    return text.startswith(ESCAPED_START) and not PLAIN_NUMBER.fullmatch(text)


def escape(text: str) -> str:
    """A cell that a spreadsheet would run as a formula gets an apostrophe in front (OWASP's advice for CSV)."""
    return "'" + text if dangerous(text) else text


def _values(c: Coded | None, k: int) -> list[Any]:
    """The added cells of one row: scores as fractions (the writer shows them as percentages)."""
    if c is None or c.unsure is None:
        return [None] * (3 * k + 2)
    cells: list[Any] = []
    for i in range(k):
        s = c.candidates[i] if i < len(c.candidates) else None
        cells += [s.code, s.name, round(s.score, 4)] if s else [None, None, None]
    return [*cells, UNSURE if c.unsure else SURE, c.reason]


def _layout(table: Table, k: int) -> tuple[list[int], int]:
    """Where each added column goes: a file coded before keeps its columns' places (they are overwritten, not
    repeated); the others are appended. Returns the positions and the new width."""
    header = table.rows[table.header]
    width = max(len(r) for r in table.rows)
    positions = []
    for name in output_columns(k):
        at = next((i for i, v in enumerate(header) if fold_header(v) == fold_header(name)), None)
        if at is None:
            at, width = width, width + 1
        positions.append(at)
    return positions, width


def coded_rows(table: Table, coded: list[Coded], k: int) -> Iterator[list[Any]]:
    """Every row of the table with the added columns filled in (captions above the header untouched)."""
    positions, width = _layout(table, k)
    by_index = {c.line - 1: c for c in coded}
    for i, row in enumerate(table.rows):
        if i < table.header:
            yield list(row)
            continue
        out = list(row) + [None] * (width - len(row))
        values = output_columns(k) if i == table.header else _values(by_index.get(i), k)
        for at, v in zip(positions, values):
            out[at] = v
        yield out


def _csv_cell(value: Any, score: bool) -> str:
    if score and isinstance(value, float):
        return f"{round(value * 100)}%"  # a percentage reads the same in every locale (0.83 is a date in some)
    return escape(cell_text(value))


def write_csv(table: Table, coded: list[Coded], k: int, fmt: CsvFormat) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=fmt.delimiter, quotechar='"', lineterminator=fmt.lineterminator)
    positions, _ = _layout(table, k)
    scores = {positions[3 * i + 2] for i in range(k)}
    for i, row in enumerate(coded_rows(table, coded, k)):
        writer.writerow([_csv_cell(v, i > table.header and j in scores) for j, v in enumerate(row)])
    # characters the input's code page lacks can come only from the added columns (names, coded ads): '?'
    return buf.getvalue().encode(fmt.encoding, errors="replace")


def _xlsx_cell(ws: Any, value: Any, percent: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = ILLEGAL_XML.sub("", value)
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # text stays text: openpyxl would store '=...' as a formula
        if dangerous(value):
            cell.quotePrefix = True  # Excel's own apostrophe: shown as typed, still text when edited
        return cell
    cell = WriteOnlyCell(ws, value=value)
    if percent and isinstance(value, float):
        cell.number_format = "0%"
    return cell


def write_xlsx(table: Table, coded: list[Coded], k: int) -> bytes:
    """A new workbook with the input's sheets in their order (values: formulas become the values Excel last
    computed), the coded sheet with the added columns, its header row frozen and filtered."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    source = _xlsx(table.source, Limits()) if table.kind == "xlsx" and table.source else None
    try:
        names = source.sheetnames if source else [table.sheet or "oferty"]
        for name in names:
            ws = wb.create_sheet(name)
            if name != (table.sheet or "oferty"):
                assert source is not None
                for row in source[name].iter_rows(values_only=True):
                    ws.append([_xlsx_cell(ws, v) for v in row])
                continue
            positions, width = _layout(table, k)
            scores = {positions[3 * i + 2] for i in range(k)}
            for at in positions:
                ws.column_dimensions[get_column_letter(at + 1)].width = 14
            ws.column_dimensions[get_column_letter(positions[-1] + 1)].width = 60
            ws.freeze_panes = f"A{table.header + 2}"
            ws.auto_filter.ref = f"A{table.header + 1}:{get_column_letter(width)}{table.header + 1}"
            for i, row in enumerate(coded_rows(table, coded, k)):
                ws.append([_xlsx_cell(ws, v, i > table.header and j in scores) for j, v in enumerate(row)])
    finally:
        if source is not None:
            source.close()
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_table(table: Table, coded: list[Coded], k: int, fmt: Format | CsvFormat | None = None) -> bytes:
    """The input with the added columns, in its own format unless ``fmt`` says otherwise ("csv": the input's CSV
    format, or semicolons and UTF-8 with BOM for an .xlsx; a CsvFormat: that one)."""
    fmt = fmt or table.kind
    if fmt == "xlsx":
        return write_xlsx(table, coded, k)
    if fmt == "csv":
        fmt = table.csv or EXCEL_CSV
    assert isinstance(fmt, CsvFormat)
    return write_csv(table, coded, k, fmt)


OUT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


def output_format(suffix: str, table: Table) -> Format | CsvFormat:
    """The format a file name asks for: .xlsx; .csv and .txt in the input's CSV format (an .xlsx's rows as Polish
    Excel's CSV); .tsv with tabs."""
    suffix = suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    base = table.csv or EXCEL_CSV
    return CsvFormat("\t", base.encoding, base.lineterminator) if suffix == ".tsv" else base


def summary(coded: list[Coded]) -> dict[str, int]:
    """Counts for the terminal and the page: rows coded sure, to check, blank."""
    return {"rows": len(coded), "sure": sum(c.unsure is False for c in coded),
            "unsure": sum(c.unsure is True for c in coded), "blank": sum(c.unsure is None for c in coded)}
