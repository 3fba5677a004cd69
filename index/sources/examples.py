"""Job ads coded into KZiS by experts (``hand-coded-ads*.jsonl``): how occupations are named in real life."""

from __future__ import annotations

from ..corpus import Corpus
from ..jobads import Example, load_examples
from . import SourceKind, named


def merge(corpus: Corpus, examples: list[Example]) -> None:
    corpus.examples.extend(e for e in examples if e.code in corpus.occupations)


SOURCE: SourceKind = SourceKind("examples", named("hand-coded-ads", ".jsonl"), load_examples, merge)
