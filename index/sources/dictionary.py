"""The KZiS occupation descriptions (``kzis-dictionary-*.csv``): summary, tasks, training of each occupation."""

from __future__ import annotations

from ..corpus import Corpus, occupation
from ..kzis import KzisEntry, load_dictionary
from ..records import Passage, Source
from . import SourceKind, named


def merge(corpus: Corpus, read: tuple[list[KzisEntry], Source]) -> None:
    entries, source = read
    for e in entries:
        occ = occupation(corpus, e.code, e.name)
        occ.name = e.name
        occ.sources.add(source)

        def mk(section: str, i: int, text: str, tid: str | None = None, e: KzisEntry = e) -> Passage:
            return Passage(f"{e.code}/{section}/kzis/{i}", e.code, e.name, section, text, source, task_id=tid)

        if e.synthesis:
            occ.passages.append(mk("overview", 1, e.synthesis))
        occ.passages.extend(mk("task", i, t, f"kzis{i}") for i, t in enumerate(e.tasks, 1))
        occ.passages.extend(mk("training", i, t) for i, t in enumerate(e.training, 1))


SOURCE: SourceKind = SourceKind("dictionary", named("kzis-dictionary", ".csv"), load_dictionary, merge)
