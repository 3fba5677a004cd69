"""Parser for INFOdoradca+ descriptions exported as text (tab 3: tasks and competences).

The export keeps the page's reading order: a task list (``• Z1 ...``), competence
lines (``Kompetencja zawodowa Kz1: NAME obejmuje zestaw zadań zawodowych Z1, Z2, ...``),
then one block per task: its id alone on a line, its statement, the WIEDZA and
UMIEJĘTNOŚCI headings, and the bullets of both lists, knowledge first. Each list ends
with the bullet that ends in '.', the others end in ';'.

Example::

    from index.infodoradca import parse_file
    d = parse_file(Path("data/243108.txt"))
    d.tasks[1].knowledge[8]   # 'Sposoby mierzenia ... działań SEO i SEM, ...'
"""

from __future__ import annotations

import re
from pathlib import Path

from .records import Competence, Description, Source, Task

SOURCE_KEY = "cite_infodoradca"  # the catalog's sentence naming INFOdoradca+ (index/sentences.py: cite)

BULLET = re.compile(r"^\s*[•·▪●]\s*(.+?)\s*$")
CODE = re.compile(r"^\s*Kod:\s*(\d{6})\s*$")
TASK_ITEM = re.compile(r"^(Z\d+)\s+(.+)$")
TASK_HEAD = re.compile(r"^\s*(Z\d+)\s*$")
COMPETENCE = re.compile(
    r"^\s*Kompetencja zawodowa (Kz\d+):\s*(.+?)\s+obejmuje zestaw zadań zawodowych\s+(.+?)(?:,\s*do realizacji|\.|$)"
)
KNOWLEDGE_HEAD = re.compile(r"^\s*WIEDZA\b")
SKILLS_HEAD = re.compile(r"^\s*UMIEJĘTNOŚCI\b")
SOCIAL_HEAD = re.compile(r"pracownik jest gotów do:\s*$")
KEY_AXIS = re.compile(r"^\s*5 4 3 2 1 0\s+(.+)$")

# Words after which a number is a real number, not a footnote pointing at the description's own list of terms.
NUMBER_GOVERNORS = {
    "art", "ust", "pkt", "nr", "par", "poz", "rys", "tab", "rozdz", "załącznik", "do", "od", "po", "co",
    "ponad", "powyżej", "poniżej", "przez", "około", "ok", "min", "max", "niż", "najmniej", "najwyżej",
    "poziom", "poziomu", "poziomie", "klasy", "klasa", "kategorii", "kategoria", "stopnia", "stopień",
    "grupy", "grupa", "wiek", "wieku", "wersji", "wersja", "edycji", "rok", "roku", "lat", "z", "kz",
}
# Words after which a number keeps its meaning (units, counts).
UNITS = {
    "lat", "lata", "rok", "roku", "miesięcy", "miesiące", "tygodni", "dni", "dnia", "godzin",
    "godziny", "godz", "h", "min", "minut", "sekund", "s", "kg", "g", "t", "km", "m", "cm", "mm", "l",
    "zł", "euro", "%", "osób", "osoby", "razy", "stopni", "°c", "x", "v", "kv", "kw", "mb", "gb",
}
FOOTNOTE = re.compile(r"(?<=[^\W\d_])(\s+)(\d{1,2})(?=[\s;,.:)]|$)")


class ParseError(ValueError):
    """A description that does not follow the format; names the file and line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def strip_footnotes(text: str) -> str:
    """Remove footnote numbers ("marketingową 24 zleceniodawcy": the description's list of terms) but keep real
    numbers."""

    def keep_or_drop(m: re.Match[str]) -> str:
        before = text[: m.start()].split()
        prev = before[-1].lower().rstrip(".") if before else ""
        after = text[m.end() :].split()
        nxt = after[0].lower().strip(".,;:)") if after else ""
        if prev in NUMBER_GOVERNORS or nxt in UNITS or len(prev) < 3 or (prev.isupper() and len(prev) < 3):
            return m.group(0)
        return ""

    return FOOTNOTE.sub(keep_or_drop, text)


def parse_file(path: Path, source: Source | None = None) -> Description:
    """Parse one description file; raises ParseError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ParseError(str(path), 1, f"not UTF-8 text ({e.reason})") from e
    return parse_text(text, str(path), source or Source(SOURCE_KEY, file=path.name))


def looks_like_description(text: str) -> bool:
    """True for an INFOdoradca+ tab-3 export (a 'Kod:' line and task blocks)."""
    return bool(re.search(r"^\s*Kod:\s*\d{6}\s*$", text, re.MULTILINE)) and "WIEDZA" in text


class _Lines:
    """Cursor over non-empty lines that remembers their line numbers for errors."""

    def __init__(self, text: str, file: str) -> None:
        self.items = [(i + 1, ln.rstrip()) for i, ln in enumerate(text.splitlines()) if ln.strip()]
        self.pos = 0
        self.file = file

    def error(self, message: str, at: int | None = None) -> ParseError:
        idx = self.pos if at is None else at
        line = self.items[min(idx, len(self.items) - 1)][0] if self.items else 1
        return ParseError(self.file, line, message)


def parse_text(text: str, file: str, source: Source) -> Description:
    lines = _Lines(text, file)
    items = lines.items
    code_at = next((i for i, (_, ln) in enumerate(items) if CODE.match(ln)), None)
    if code_at is None:
        raise ParseError(file, 1, "no 'Kod: NNNNNN' line: not an INFOdoradca+ description")
    if code_at == 0:
        raise lines.error("the occupation name must stand on the line before 'Kod:'", 0)
    code = CODE.match(items[code_at][1]).group(1)  # type: ignore[union-attr]
    name = items[code_at - 1][1].strip()

    tasks: dict[str, Task] = {}
    competences: list[Competence] = []
    social: list[str] = []
    key: list[str] = []
    i = code_at + 1
    while i < len(items):
        lineno, ln = items[i]
        bullet = BULLET.match(ln)
        if bullet and (m := TASK_ITEM.match(bullet.group(1))) and not tasks.get(m.group(1)):
            tasks[m.group(1)] = Task(m.group(1), _clean(m.group(2)))
        elif m := COMPETENCE.match(ln):
            ids = re.findall(r"Z\d+", m.group(3))
            if not ids:
                raise ParseError(file, lineno, f"competence {m.group(1)} names no tasks")
            competences.append(Competence(m.group(1), _clean(m.group(2)), ids))
        elif (m := TASK_HEAD.match(ln)) and i + 1 < len(items) and not BULLET.match(items[i + 1][1]):
            i = _task_block(lines, i, m.group(1), tasks)
            continue
        elif SOCIAL_HEAD.search(ln):
            i, social = _bullets(items, i + 1, until_period=False)
            continue
        elif m := KEY_AXIS.match(ln):
            key = split_key_competences(m.group(1))
        i += 1

    if not tasks:
        raise ParseError(file, items[code_at][0], "no tasks (' • Z1 ...') after the 'Kod:' line")
    for comp in competences:
        for tid in comp.task_ids:
            if tid not in tasks:
                raise ParseError(file, items[code_at][0], f"competence {comp.id} names unknown task {tid}")
            tasks[tid].competence_id = comp.id
    for t in tasks.values():
        if not t.knowledge and not t.skills:
            raise ParseError(file, items[code_at][0], f"task {t.id} has no block with WIEDZA/UMIEJĘTNOŚCI lists")
    ordered = sorted(tasks.values(), key=lambda t: int(t.id[1:]))
    return Description(code, name, ordered, competences, social, key, source)


def _task_block(lines: _Lines, i: int, task_id: str, tasks: dict[str, Task]) -> int:
    """Read 'Z2 / statement / WIEDZA / UMIEJĘTNOŚCI / bullets...'; return the index after it."""
    items = lines.items
    task = tasks.get(task_id)
    if task is None:
        raise lines.error(f"task block {task_id} is not in the task list", i)
    j = i + 2  # past the id and the statement
    heads = 0
    while j < len(items) and (KNOWLEDGE_HEAD.match(items[j][1]) or SKILLS_HEAD.match(items[j][1])):
        heads += 1
        j += 1
    if heads == 0:
        raise lines.error(f"task {task_id}: expected the WIEDZA and UMIEJĘTNOŚCI headings", i + 2)
    j, task.knowledge = _bullets(items, j)
    if not task.knowledge:
        raise lines.error(f"task {task_id}: no knowledge bullets", j)
    if not task.knowledge[-1].endswith(".") and j < len(items) and not BULLET.match(items[j][1]):
        raise lines.error(f"task {task_id}: the knowledge list does not end with a bullet ending in '.'", j)
    j, task.skills = _bullets(items, j)
    return j


def _bullets(items: list[tuple[int, str]], j: int, until_period: bool = True) -> tuple[int, list[str]]:
    """Collect bullets from j; a list ends with its first bullet ending in '.' (if until_period)."""
    out: list[str] = []
    while j < len(items) and (m := BULLET.match(items[j][1])):
        text = _clean(m.group(1))
        out.append(text.rstrip(";").rstrip())
        j += 1
        if until_period and text.endswith("."):
            break
    return j, out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", strip_footnotes(text)).strip()


def split_key_competences(axis: str) -> list[str]:
    """Split the radar chart's axis labels: each competence name starts with a capital letter."""
    parts = re.split(r"\s+(?=[A-ZĄĆĘŁŃÓŚŹŻ])", axis.strip())
    return [p.strip() for p in parts if p.strip()]
