"""The GUS thesaurus of occupation synonyms (``gus-thesaurus.csv``)."""

from __future__ import annotations

from ..corpus import Corpus
from ..kzis import load_gus_thesaurus
from . import SourceKind, named


def merge(corpus: Corpus, synonyms: dict[str, list[str]]) -> None:
    for code, names in synonyms.items():
        if code in corpus.occupations:
            corpus.occupations[code].names.update(names)


SOURCE: SourceKind = SourceKind("gus", named("gus-thesaurus", ".csv"), load_gus_thesaurus, merge)
