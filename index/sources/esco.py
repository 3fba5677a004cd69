"""ESCO in Polish (``esco-kzis-*.csv``): names and skills of the ESCO occupation mapped to a KZiS code."""

from __future__ import annotations

from ..corpus import Corpus
from ..kzis import esco_fits, esco_source, load_esco
from ..records import Passage, Source
from . import SourceKind, named


def merge(corpus: Corpus, read: tuple[dict[str, list[str]], dict[str, list[str]], Source]) -> None:
    names, skills, base = read
    sources: dict[str, Source] = {}
    for code, ns in names.items():
        if code in corpus.occupations and ns:
            occ = corpus.occupations[code]
            sources[code] = esco_source(base, ns[0], esco_fits([occ.name, *occ.names], ns[0]))
            occ.names.update(ns)
    for code, labels in skills.items():
        occ = corpus.occupations.get(code)
        if occ is None:
            continue
        source = sources.get(code, base)
        occ.sources.add(source)
        occ.passages.extend(
            Passage(f"{code}/esco_skill/{i}", code, occ.name, "esco_skill", s, source) for i, s in enumerate(labels, 1)
        )


SOURCE = SourceKind("esco", named("esco-kzis", ".csv"), load_esco, merge)
