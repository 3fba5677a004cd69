"""index/translit.py: Ukrainian typed in Latin letters back into Cyrillic, Polish and English left alone.

The labelled set tests/data/latin-ukrainian.tsv (Latin-Ukrainian messages in several romanisations, Polish typed
without Polish letters, English) gives precision and recall floors; a table of exact cases pins Cyrillic outputs and
Polish, English, codes and short replies that must stay None. Real dictionaries (pymorphy3's Ukrainian, simplemma's
Polish and English), no embedding model.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import translit
from index.evaluate import load_sections_tsv
from index.translit import latin_ukrainian

SET = Path(__file__).resolve().parent / "data" / "latin-ukrainian.tsv"
# Measured on the set (314 messages: 134 Latin-Ukrainian, 137 Polish, 43 English): precision 1.000, recall 0.993
# (missed: "scho take doradca zawodowy", one Ukrainian word against a two-word Polish name), exact Cyrillic 128/134
# (e.g. "ya vodii" read "я водії": "водій" and "водії" are both spelt "vodii"). Three batches were written after the
# rules had been tuned and measured before being added: 20, 28 and 14 Latin-Ukrainian messages all found, none of
# the 24, 38 and 15 Polish and English ones taken, 19/20, 23/28 and 12/14 exact.
PRECISION_FLOOR = 0.99
RECALL_FLOOR = 0.98
EXACT_FLOOR = 0.95


def labelled() -> list[tuple[str, str, str, str]]:
    """(section, text, label, expected Cyrillic) of the set."""
    return load_sections_tsv(SET)


def test_the_set_has_what_it_should() -> None:
    rows = labelled()
    sections = [section for section, *_ in rows]
    assert sections.count("uk") >= 60 and sections.count("pl") >= 60 and sections.count("en") >= 30
    assert all(label == "uk" and cyr for section, _, label, cyr in rows if section == "uk")
    assert all(label == "-" and not cyr for section, _, label, cyr in rows if section != "uk")
    assert not any(translit.text.CYRILLIC.search(t) for _, t, _, _ in rows)  # the inputs are Latin only
    assert not any(translit.text.POLISH_LETTERS.search(t) for s, t, _, _ in rows if s == "pl")  # typed on a phone


def test_precision_and_recall_on_the_set() -> None:
    rows = labelled()
    outputs = [(latin_ukrainian(t), label, cyr, t) for _, t, label, cyr in rows]
    tp = sum(out is not None and label == "uk" for out, label, _, _ in outputs)
    fp = [t for out, label, _, t in outputs if out is not None and label != "uk"]
    fn = [t for out, label, _, t in outputs if out is None and label == "uk"]
    wrong = [(t, out, cyr) for out, label, cyr, t in outputs if label == "uk" and out is not None and out != cyr]
    precision, recall = tp / max(tp + len(fp), 1), tp / max(tp + len(fn), 1)
    exact = (tp - len(wrong)) / max(tp + len(fn), 1)
    print(f"\nprecision {precision:.3f}  recall {recall:.3f}  exact {exact:.3f}  ({len(rows)} messages)")
    print("taken for Ukrainian:", fp, "\nmissed:", fn, "\nother Cyrillic:", wrong)
    assert precision >= PRECISION_FLOOR, fp
    assert recall >= RECALL_FLOOR, fn
    assert exact >= EXACT_FLOOR, wrong


@pytest.mark.parametrize(("message", "expected"), [
    # the official 2010 transliteration, dropped ь and apostrophes restored
    ("Dobryi den. Ya ekskavatorshchyk, 7 rokiv dosvidu. Shcho treba vmity v Polshchi?",
     "Добрий день. Я екскаваторщик, 7 років досвіду. Що треба вміти в Польщі?"),
    ("yaki shche obovyazky?", "які ще обов'язки?"),
    ("pratsiuvala prybyralnytseiu v hoteli", "працювала прибиральницею в готелі"),
    ("Chym zaimaietsia lohist?", "Чим займається логіст?"),
    # ad-hoc and Polish-keyboard spellings
    ("ja pracjuju na budovi", "я працюю на будові"),
    ("szczo potribno dla kasyra", "що потрібно для касира"),
    ("scho treba znaty sadivnyku", "що треба знати садівнику"),
    ("Ia pratsiuiu kasyrkoiu", "Я працюю касиркою"),
    ("obov’iazky pomichnyka kukharia", "обов'язки помічника кухаря"),
    # Polish occupation names, acronyms, category letters and codes stay as typed
    ("shcho robyt murarz?", "що робить murarz?"),
    ("Shcho robyt Murarz-tynkarz?", "Що робить Murarz-tynkarz?"),
    ("ya pratsiuvala yak sprzątaczka", "я працювала як sprzątaczka"),
    ("Ya elektryk, maiu uprawnienia SEP", "Я електрик, маю uprawnienia SEP"),
    ("chy potribni prava katehorii C+E?", "чи потрібні права категорії C+E?"),
    ("shcho robyt profesiia 711202?", "що робить професія 711202?"),
    ("ya pratsiuvala yak sprzataczka", "я працювала як sprzataczka"),  # unaccented Polish: "sprzątaczka"
    ("hochu buty programistom", "хочу бути програмістом"),  # Polish words that are Ukrainian ones too
    ("Dobryi den. V Polshchi ya vpershe", "Добрий день. В Польщі я вперше"),  # a sentence's capital: a word
    ("SHCHO ROBYT ZVARNYK", "ЩО РОБИТЬ ЗВАРНИК"),  # Caps Lock, not acronyms
    ("dyakuyu", "дякую"),
    # Polish without Polish letters, Polish, English, codes, short replies, Cyrillic: None
    ("jezdze na widlaku w magazynie", None),
    ("co robi spawacz", None),
    ("czy trzeba miec prawo jazdy", None),
    ("czy trzeba miec uprawnienia na wozek", None),
    ("szukam pracy jako sprzataczka", None),
    ("Jeżdżę na wózku widłowym", None),
    ("ja tez", None),
    ("Mam na imie Olena", None),  # a Ukrainian name in a Polish sentence
    ("jak napisac cv", None),
    ("ok", None),
    ("dzieki", None),
    ("yes", None),
    ("What does a welder do?", None),
    ("711202", None),
    ("KZiS 711202", None),
    ("Що робить Murarz-tynkarz?", None),
    ("", None),
])
def test_exact_cases(message: str, expected: str | None) -> None:
    assert latin_ukrainian(message) == expected


def test_the_docstring_example_holds() -> None:
    assert doctest.testmod(translit, raise_on_error=False).failed == 0


def test_the_output_is_ready_for_the_ukrainian_pipeline() -> None:
    """The Cyrillic comes out the way the project's text functions treat Ukrainian: detected as Ukrainian and
    lemmatised by pymorphy3 (the instrumental "прибиральницею" to "прибиральниця")."""
    from index.text import language, lemma, words

    out = latin_ukrainian("pratsiuvala prybyralnytseiu v hoteli")
    assert out is not None and language(out) == "uk"
    assert [lemma(w) for w in words(out)] == ["працювати", "прибиральниця", "в", "готель"]


LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyz'ąćęłńóśźż")
MESSAGES = st.lists(
    st.one_of(st.text(LETTERS, min_size=1, max_size=14), st.sampled_from(["shcho", "robyt", "ya", "pratsiuvala",
                                                                          "7212", "C+E", "?", ",", "-"])),
    max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_only_words_change(message: str) -> None:
    """Whatever comes in, numbers, punctuation and spaces come out where they were, and words with Polish
    letters come out as typed."""
    out = latin_ukrainian(message)
    if out is not None:
        skeleton = re.compile(r"[^\W\d_]|'")  # letters (Latin in, Cyrillic out) and apostrophes may change
        assert skeleton.sub("", out) == skeleton.sub("", message)
        polish = [w for w in re.findall(r"[^\W\d_']+", message) if translit.text.POLISH_LETTERS.search(w)]
        assert all(w in out for w in polish)
