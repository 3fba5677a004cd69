"""Official descriptions of the KZiS groups (``kzis-desc-level*.csv``)."""

from __future__ import annotations

from ..corpus import Corpus
from ..kzis import load_group_descriptions
from . import SourceKind, named


def merge(corpus: Corpus, summaries: dict[str, str]) -> None:
    corpus.group_summaries.update(summaries)


SOURCE: SourceKind = SourceKind("groups", named("kzis-desc-level", ".csv"), load_group_descriptions, merge)
