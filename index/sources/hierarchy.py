"""The KZiS hierarchy (``kzis-hierarchy-*.tsv``): every occupation's code and name, and the group names."""

from __future__ import annotations

from ..corpus import Corpus
from ..kzis import load_hierarchy
from ..records import Occupation
from . import SourceKind, named


def merge(corpus: Corpus, hierarchy: dict[str, str]) -> None:
    for code, name in hierarchy.items():
        if len(code) == 6:
            corpus.occupations.setdefault(code, Occupation(code, name, group=code[:4]))
        else:
            corpus.groups[code] = name


SOURCE: SourceKind = SourceKind("hierarchy", named("kzis-hierarchy", ".tsv"), load_hierarchy, merge)
