"""INFOdoradca+ descriptions exported as text (``*.txt`` with a ``Kod: NNNNNN`` line): tasks with their knowledge
and skills, competences. Other text files (notes, licences) are not descriptions and are passed over."""

from __future__ import annotations

from pathlib import Path

from ..corpus import Corpus, description_passages, occupation
from ..infodoradca import SOURCE_KEY, looks_like_description, parse_text
from ..records import Description, Source
from . import SourceKind


def read(path: Path) -> Description | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: cannot be read as UTF-8 text ({e})") from e
    if not looks_like_description(text):
        return None
    return parse_text(text, str(path), Source(SOURCE_KEY, file=path.name))  # ParseError names file and line


def merge(corpus: Corpus, d: Description) -> None:
    if d.code in corpus.described:  # the same description in two folders counts once
        return
    corpus.described.add(d.code)
    occ = occupation(corpus, d.code, d.name)
    occ.sources.add(d.source)
    occ.competences = d.competences
    occ.passages[:0] = description_passages(d)  # the richer INFOdoradca+ description comes first


SOURCE: SourceKind = SourceKind("description", lambda path: path.suffix == ".txt", read, merge)
