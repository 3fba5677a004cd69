"""Glossaries of names in real use (``*-names.csv``: ``code,kzis_name,uk,en``), such as the team's own in data/."""

from __future__ import annotations

from ..corpus import Corpus
from ..jobads import GlossaryName, load_glossary
from . import SourceKind


def merge(corpus: Corpus, names: list[GlossaryName]) -> None:
    for g in names:
        if g.code in corpus.occupations:
            corpus.occupations[g.code].names.add(g.text)
            corpus.glossary.append(g)


SOURCE: SourceKind = SourceKind("glossary", lambda path: path.name.endswith("-names.csv"), load_glossary, merge)
