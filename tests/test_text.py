"""index/text.py: match keys of words (compound names, whose parts inflect and have female forms) and the language
of a message."""

from __future__ import annotations

import pytest

from index.text import keys, language, name_words, polish_letters


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


@pytest.mark.parametrize("text, default, settled, lang", [
    ("receptionist", "pl", False, "en"),  # a first message, no function word, a word only English has
    ("cheers", "uk", False, "en"),
    ("Key Account Manager", "pl", True, "pl"),  # in a Polish conversation an English job title changes nothing
    ("kucharz", "uk", False, "uk"),  # a Polish name alone keeps the conversation's language
    ("a zmywacz naczyń?", "uk", True, "uk"),  # ... with Polish letters too, once the conversation has a language
    ("Dzień dobry, szukam informacji", "uk", True, "pl"),  # a Polish sentence is Polish
    ("zmywacz naczyń", "pl", False, "pl"),
    ("Pomoc kuchenna, obowiązki", "en", True, "en"),
    ("barista", "pl", False, "pl"),  # a word both languages have decides nothing
    ("hotel front desk", "pl", False, "en"),  # "hotel" is Polish too, "desk" is not: English words only
    ("forklift operator", "pl", False, "en"),
    ("operator koparki", "pl", False, "pl"),  # "koparki" is no English word
    ("bus driver", "pl", False, "pl"),  # simplemma has both words in Polish: nothing decides it
    ("Що робить кухар?", "en", True, "uk"),
    ("What does a spawacz do?", "pl", True, "en"),
])
def test_the_language_of_a_message(text: str, default: str, settled: bool, lang: str):
    assert language(text, default=default, settled=settled) == lang


@pytest.mark.parametrize("cyrillic, latin", [
    ("Тракторист", "traktoryst"),  # Polish: traktorzysta
    ("столяр", "stolar"),  # я after a consonant: the vowel alone, as in "stolarz"
    ("Юрист", "juryst"),  # ю at a word's start: "ju"
    ("обв'язки", "obwjazky"),  # the apostrophe drops, the iotation stays
    ("кухар-кондитер", "kuchar-kondyter"),  # и is "y"
    ("Kucharz і кухар", "kucharz i kuchar"),  # Latin letters unchanged
])
def test_cyrillic_is_spelt_as_a_polish_cognate_would_be(cyrillic: str, latin: str):
    assert polish_letters(cyrillic) == latin


def test_a_ukrainian_word_keys_every_lemma_it_may_have():
    assert {"сантехніка", "сантехнік"} <= keys("сантехніка")  # plumbing, and the plumber's genitive
    assert keys("зварником") >= {"зварник"}


@pytest.mark.parametrize("word, stem", [("barbera", "barber"), ("dispatcherem", "dispatcher"),
                                        ("tradera", "trader")])
def test_a_borrowed_word_polish_inflects_keys_as_its_stem(word: str, stem: str):
    assert stem in keys(word)


def test_a_polish_word_the_dictionary_knows_gets_no_stripped_stem():
    assert "kierowc" not in keys("kierowca")


def test_colloquial_short_forms_are_expanded():
    from index.text import expand

    assert expand("czy kurier musi mieć prawko?") == "czy kurier musi mieć prawo jazdy?"


def test_glossary_words_mean_the_same_across_languages():
    from index.equivalents import word_groups, words_like
    from index.text import folded_lemma

    assert all(len(g) >= 2 and len({folded_lemma(w.lower()) for w in g}) >= 2 for g in word_groups())
    keys = [k for g in word_groups() for k in {folded_lemma(w.lower()) for w in g}]
    assert len(keys) == len(set(keys)), "a word (folded lemma) is in two groups"
    assert folded_lemma("grzejnik") in words_like({folded_lemma("kaloryfer")})
    assert folded_lemma("okno") in words_like({folded_lemma("вікно")})


@pytest.mark.parametrize("text, words", [
    ("jak to się nazywa po polsku?", []),  # not Filolog polski
    ("shyla odiah, a po polsky?", ["shyla", "odiah"]),  # Latin-typed Ukrainian "по-польськи"
    ("як це називається польською?", []),
    ("як це по-польськи?", []),
    ("як це називається польською мовою?", []),
    ("main tasks?", []),  # not Manikiurzystka
    ("filolog polski", ["filolog", "polski"]),  # the name itself keeps its words
    ("what does a nanny do daily?", ["nanny"]),
    ("What does a truck driver's job involve?", ["truck", "driver"]),  # the possessive is no part of the name
    ("які обов'язки у м'ясника?", ["м'ясника"]),  # the Ukrainian apostrophe stays
])
def test_words_of_the_question_name_nothing(text: str, words: list[str]):
    assert name_words(text) == words
