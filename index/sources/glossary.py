"""Glossaries of names in real use (``*-names.csv``: ``code,kzis_name`` and ``uk``, ``en`` or ``pl``), such as the
team's own in data/."""

from __future__ import annotations

from ..corpus import Corpus
from ..jobads import GlossaryName, load_glossary
from . import SourceKind


def merge(corpus: Corpus, names: list[GlossaryName]) -> None:
    for g in names:
        if g.code not in corpus.occupations:
            continue
        corpus.occupations[g.code].names.add(g.text)
        if g.lang != "pl":
            corpus.glossary.append(g)  # the fusion learns from these how a name the glossary lacks reads
            continue
        # the team's Polish name is that occupation's alone: the same synonym elsewhere (GUS) is taken away
        for occ in corpus.occupations.values():
            if occ.code != g.code:
                occ.names = {n for n in occ.names if n.casefold() != g.text.casefold()}


SOURCE: SourceKind = SourceKind("glossary", lambda path: path.name.endswith("-names.csv"), load_glossary, merge)
