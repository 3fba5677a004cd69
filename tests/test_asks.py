"""The labelled set of what a message asks (data/asks/, index/asks.py) and its guide (docs/asks-labels.md)."""

from __future__ import annotations

import re
from collections import defaultdict

import yaml

from index.asks import DATA, KINDS, LANGS, by_split, examples, split_of
from index.config import ROOT
from index.text import fold

# the forms of one occupation's name: a template that differs from another only by them is the same message
SAME_NAME = re.compile(r"\{(?:nom|gen|dat|ins|loc|a)(2?)\}")


def _key(template: str) -> str:
    """A template as a reader sees it: folded, without punctuation, every form of a name as one."""
    text = SAME_NAME.sub(r"{X\1}", fold(template))
    return " ".join(re.sub(r"[^\w{}]+", " ", text).split())


def test_no_template_is_written_twice():
    """A message written twice, with other punctuation or another case of the name, may sit on both sides of the
    split (the hash sees different strings): held-out accuracy would then count a training message."""
    repeated = []
    for lang in LANGS:
        seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for kind, templates in yaml.safe_load((DATA / f"{lang}.yml").read_text(encoding="utf-8")).items():
            for t in templates:
                seen[_key(str(t))].append((kind, str(t)))
        repeated += [(lang, rows) for rows in seen.values() if len(rows) > 1]
    assert not repeated, repeated


def test_the_guide_defines_every_kind():
    guide = (ROOT / "docs" / "asks-labels.md").read_text(encoding="utf-8")
    missing = [k for k in KINDS if f"| `{k}` |" not in guide]
    assert not missing, f"docs/asks-labels.md has no row for {missing}"


def test_every_kind_is_learned_and_held_out_in_every_language():
    """Each language has training messages of every kind, and its dev and test parts are not empty: the split by
    template hash keeps 70/15/15 only in the large, so a kind written by too few templates shows here."""
    parts = by_split(examples())
    for lang in LANGS:
        learned = {e.kind for e in parts["train"] if e.lang == lang}
        assert learned == set(KINDS), (lang, sorted(set(KINDS) - learned))
        for part in ("dev", "test"):
            assert sum(e.lang == lang for e in parts[part]) > 200, (lang, part)


def test_held_out_templates_are_about_a_sixth_each():
    """The hash keeps roughly 70/15/15 of the templates of each language (templates added only where they hash
    to train tilt it a little, never to an empty or a dominant held-out part)."""
    for lang in LANGS:
        templates = {e.template for e in examples() if e.lang == lang}
        share = {p: sum(split_of(lang, t) == p for t in templates) / len(templates) for p in ("train", "dev", "test")}
        assert 0.6 < share["train"] < 0.8 and 0.1 < share["dev"] < 0.2 and 0.1 < share["test"] < 0.2, (lang, share)
