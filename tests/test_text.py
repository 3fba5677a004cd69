"""Match keys of words (index/text.py): compound names, whose parts inflect and have female forms."""

from __future__ import annotations

import pytest

from index.text import keys


@pytest.mark.parametrize("typed, name", [
    ("betoniarzem-zbrojarzem", "betoniarz-zbrojarz"),  # instrumental of both parts
    ("malarką-tapeciarką", "malarz-tapeciarz"),  # female, instrumental
    ("murarka-tynkarka", "murarz-tynkarz"),
])
def test_a_compound_meets_its_name_however_its_parts_are_inflected(typed: str, name: str):
    assert keys(typed) & keys(name)


def test_a_compound_does_not_meet_another_compound():
    assert not keys("malarza-tapeciarza") & keys("malarz-lakiernik")


@pytest.mark.parametrize("word", ["-", "a-", "-a", "a--b"])
def test_hyphens_at_the_edges_are_words_like_any_other(word: str):
    assert word in keys(word)  # its folded surface, without raising on an empty part
