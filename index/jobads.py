"""Loaders for names people really use: expert-coded job ads and the team's glossary of Ukrainian/English names.

- ``hand-coded-ads*.jsonl`` (OJA Lab, doi:10.18150/SX0E7G): real Polish job ads, each with the 6-digit KZiS
  code an occupational-classification expert gave it. They are examples of how occupations are named, never
  passages shown as a description.
- ``*-names.csv`` (``data/names/``, written and reviewed by the team): ``code,kzis_name`` and a column per
  language (``uk``, ``en``, ``pl``) with ``|`` between the forms of a name (male, female, colloquial). A Polish
  name there is the team's correction of where the GUS thesaurus puts it ("ochroniarz": 541307, as the experts
  coded such ads, not the technician 541315).

Example::

    examples = load_examples(Path("../shared/corpus/jobads-oja/hand-coded-ads.jsonl"))
    examples[0].title, examples[0].code      # ('Elektro-Mechanik', '741201')
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

CODE6 = re.compile(r"^\d{6}$")
MAX_DESCRIPTION = 4000  # what the classifier reads of an ad; the converted files are already cut there
REPOST_PREFIX = 300  # an ad with the same title and the same start of its description is the same ad posted again


@dataclass(frozen=True)
class Example:
    """One expert-coded job advertisement."""

    id: str
    title: str
    description: str
    code: str


@dataclass(frozen=True)
class GlossaryName:
    code: str
    lang: str
    text: str


def load_examples(path: Path) -> list[Example]:
    """Read a JSON-lines file of coded ads; a line without a title or a 6-digit code is an error naming the line."""
    out: list[Example] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            code, title = str(row.get("code", "")).strip(), (row.get("title") or "").strip()
            if not CODE6.match(code) or not title:
                raise ValueError(f"line {n}: a coded ad needs a title and a 6-digit code")
            desc = (row.get("description") or "")[:MAX_DESCRIPTION]
            out.append(Example(str(row.get("id", n)), title, desc, code))
    return out


def repost_key(title: str, description: str | None) -> tuple[str, str]:
    """What a repost shares with its original: the title and the description's first ``REPOST_PREFIX`` characters
    (case and spacing aside)."""
    return " ".join(title.split()).casefold(), " ".join((description or "")[:REPOST_PREFIX].split()).casefold()


def repost_groups(examples: list[Example]) -> list[int]:
    """Each example's group: the index of the first example it reposts (itself when it is the first). A repost
    and its original must sit on one side of every split, or the held-out one is found by its own copy."""
    first: dict[tuple[str, str], int] = {}
    return [first.setdefault(repost_key(e.title, e.description), i) for i, e in enumerate(examples)]


def load_glossary(path: Path) -> list[GlossaryName]:
    out: list[GlossaryName] = []
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), 2):
            code = (row.get("code") or "").strip()
            if not CODE6.match(code):
                raise ValueError(f"line {n}: code must have 6 digits, got {code!r}")
            for lang in ("uk", "en", "pl"):
                out.extend(GlossaryName(code, lang, name.strip()) for name in (row.get(lang) or "").split("|")
                           if name.strip())
    return out
