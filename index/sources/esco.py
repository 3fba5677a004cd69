"""ESCO in Polish (``esco-kzis-*.csv``): names and skills of the ESCO occupations mapped to a KZiS code.

Only an ESCO occupation that is the same job as the KZiS occupation is merged (``kzis.esco_same_job``): the
crosswalk maps some codes to a different job (Kierowca ciągnika siodłowego to "kierowca betoniarki"), whose skills
("rodzaje pomp do betonu") and names would mislead.
"""

from __future__ import annotations

from ..corpus import Corpus
from ..kzis import EscoOccupation, esco_same_job, esco_source, load_esco
from ..records import Passage, Source
from . import SourceKind, named


def merge(corpus: Corpus, read: tuple[list[EscoOccupation], Source]) -> None:
    esco, base = read
    shown: dict[str, dict[str, Source]] = {}  # code -> skill -> the ESCO occupation it comes from, in file order
    for e in esco:
        occ = corpus.occupations.get(e.code)
        # the KZiS names as merged so far: the official name and the GUS synonyms
        if occ is None or not esco_same_job(e.code, [occ.name, *occ.names], e):
            continue
        occ.names.update(n for n in (e.name, *e.alt_names) if n)
        source = esco_source(base, e.name)
        skills = shown.setdefault(e.code, {})
        for s in e.skills:
            skills.setdefault(s, source)
    for code, skills in shown.items():
        occ = corpus.occupations[code]
        occ.sources.update(set(skills.values()))
        occ.passages.extend(
            Passage(f"{code}/esco_skill/{i}", code, occ.name, "esco_skill", s, source)
            for i, (s, source) in enumerate(skills.items(), 1)
        )


SOURCE: SourceKind = SourceKind("esco", named("esco-kzis", ".csv"), load_esco, merge)
