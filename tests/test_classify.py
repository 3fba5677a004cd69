"""Recognising the occupation as people name it (job titles, ads, Ukrainian, English) and `doradca classify`."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import ROOT
from index.evaluate import classification_metrics, load_jsonl, resolution_metrics
from index.search import Searcher

from .conftest import CORPUS, needs_corpus

EVAL = ROOT.parent / "shared" / "eval"
OWN = ROOT / "bench" / "eval"
GLOSSARY = ROOT / "data" / "names" / "uk-en-names.csv"
POLISH_NAMES = ROOT / "data" / "names" / "pl-names.csv"  # the team's corrections of where GUS puts a Polish name


def top(s: Searcher, text: str) -> str | None:
    r = s.resolve(text, k=3)
    return r.best.code if r.best else None


# --- the team's own data: glossary and dev sets -------------------------------------------------------------

def test_own_dev_sets_are_large_enough_and_well_formed():
    uk, en = load_jsonl(OWN / "names-uk-dev.jsonl"), load_jsonl(OWN / "names-en-dev.jsonl")
    assert len(uk) >= 60 and len(en) >= 40
    for item in uk + en:
        assert set(item) == {"q", "code"} and len(item["code"]) == 6 and item["code"].isdigit()
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in x["q"]) for x in uk)  # Ukrainian is written in Cyrillic
    assert all(x["q"].isascii() for x in en)


def test_unlisted_dev_sets_name_occupations_the_glossary_does_not_list():
    uk, en = load_jsonl(OWN / "names-uk-unlisted-dev.jsonl"), load_jsonl(OWN / "names-en-unlisted-dev.jsonl")
    listed = {r["code"] for r in csv.DictReader(GLOSSARY.open(encoding="utf-8"))}
    assert len(uk) >= 30 and len(en) >= 30
    for item in uk + en:
        assert set(item) == {"q", "code"} and len(item["code"]) == 6 and item["code"].isdigit()
        assert item["code"] not in listed, item
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in x["q"]) for x in uk)
    assert all(x["q"].isascii() for x in en)


def test_unlisted_queries_hide_their_occupations_glossary_names():
    from index.fusion import unlisted_queries
    from index.jobads import GlossaryName
    from index.records import Name

    names = [Name("514101", "Fryzjer", "official"), Name("514101", "перукар", "synonym"),
             Name("514101", "hairdresser", "synonym"), Name("751201", "Cukiernik", "official"),
             Name("751201", "кондитер", "synonym")]
    glossary = [GlossaryName("514101", "uk", "перукар"), GlossaryName("514101", "en", "hairdresser"),
                GlossaryName("751201", "uk", "кондитер"), GlossaryName("999999", "uk", "нікого")]
    queries, hide = unlisted_queries(names, glossary)
    assert [code for _, code in queries] == ["514101", "514101", "751201"]  # a name no occupation has: left out
    assert "перукар" in queries[0][0] and "hairdresser" in queries[1][0]
    assert hide == [{1, 2}, {1, 2}, {4}]  # each of its occupation's glossary names; official names stay


def test_glossary_rows_are_complete_and_unambiguous():
    rows = list(csv.DictReader(GLOSSARY.open(encoding="utf-8")))
    assert len(rows) >= 100
    seen: dict[tuple[str, str], str] = {}
    for r in rows:
        assert r["code"].isdigit() and len(r["code"]) == 6, r
        assert r["uk"].strip() and r["en"].strip(), f"{r['code']} needs Ukrainian and English names"
        for lang in ("uk", "en"):
            for name in r[lang].split("|"):
                key = (lang, name.strip().lower())
                assert seen.setdefault(key, r["code"]) == r["code"], f"{key} names two occupations"


@needs_corpus
def test_glossary_codes_are_the_kzis_occupations_the_team_meant():
    from index.kzis import load_hierarchy

    hierarchy = {}
    for folder in CORPUS:
        for path in folder.rglob("kzis-hierarchy-*.tsv"):
            hierarchy.update(load_hierarchy(path))
    for path in (GLOSSARY, POLISH_NAMES):
        for r in csv.DictReader(path.open(encoding="utf-8")):
            assert hierarchy.get(r["code"]) == r["kzis_name"], f"{r['code']}: KZiS says {hierarchy.get(r['code'])!r}"


def test_the_team_s_polish_names_name_one_occupation_each():
    rows = list(csv.DictReader(POLISH_NAMES.open(encoding="utf-8")))
    names = [n.strip().lower() for r in rows for n in r["pl"].split("|")]
    assert rows and all(names) and len(names) == len(set(names))
    assert all(r["code"].isdigit() and len(r["code"]) == 6 for r in rows)


# --- resolution on the full corpus ----------------------------------------------------------------------------

@needs_corpus
@pytest.mark.parametrize("text, code", [
    ("Jestem kierowcą kat. C+E, co powinienem umieć?", "833202"),
    ("Pracowałem jako magazynier", "432103"),
    ("Я працювала касиркою в супермаркеті", "523002"),
    ("Водій навантажувача", "834401"),
    ("Кондитер — що треба вміти?", "751201"),  # not "konduktor"
    ("Що має знати штукатур?", "712303"),  # not "sztukator"
    ("Я покрівельник", "712101"),  # not "pokojowa"
    ("Що робить перукар?", "514101"),  # a hairdresser, not "perukarz" (wig-maker)
    ("What does a nurse do?", "222101"),
    ("What skills does a welder need?", "721204"),
    ("I was a nurse", "222101"),
    ("bus driver", "833101"),  # a glossary name word for word, though the fusion guessed otherwise
    ("Працював зварником на заводі", "721204"),  # most of a glossary name; the unsure fusion guessed Zbrojarz
    ("Які завдання у сантехніка?", "712601"),  # the plumber's genitive, also "plumbing": both readings are keys
    ("what does a bus driver need to know?", "833101"),
])
def test_names_people_use_resolve(full_searcher: Searcher, text: str, code: str):
    assert top(full_searcher, text) == code


@needs_corpus
@pytest.mark.parametrize("text", ["водій", "Я водій"])
def test_one_word_that_starts_several_names_asks_which(full_searcher: Searcher, text: str):
    """The glossary's Ukrainian drivers all start with "водій": the user's to choose, not the fusion's guess."""
    res = full_searcher.resolve(text)
    assert res.ambiguous and len(res.candidates) >= 3
    assert all(c.code.startswith("83") for c in res.candidates)  # drivers and operators of vehicles


@needs_corpus
def test_hidden_names_are_unknown_to_the_name_signals(full_searcher: Searcher):
    """Training on a glossary name as if it were unlisted: the name signals must not see that occupation's names."""
    sig = full_searcher.classifier.signals
    text = "Що робить перукар?"
    rows = {i for i, n in enumerate(sig.names)
            if n.code == "514101" and any("\u0400" <= ch <= "\u04ff" for ch in n.text)}
    assert rows
    qvec = full_searcher.encode(text).reshape(1, -1)
    seen, hidden = sig.scores([text], qvec)[0], sig.scores([text], qvec, hide=[rows])[0]
    assert "514101" in seen["lexical"] and "514101" not in hidden["lexical"]
    assert hidden["name_dense"].get("514101", 0.0) < seen["name_dense"]["514101"]
    assert hidden["passage_dense"] == seen["passage_dense"]  # the descriptions are not names: nothing hidden


@needs_corpus
def test_score_behaves_like_a_confidence(full_searcher: Searcher):
    """On held-apart job titles, confident answers are right far more often than unsure ones."""
    ads = load_jsonl(EVAL / "jobads-dev.jsonl")
    sure, unsure = [], []
    for a in ads:
        best = full_searcher.classifier.classify(a["title"], None, 1).candidates[0]
        (sure if best.score >= 0.7 else unsure if best.score < 0.4 else []).append(best.code == a["code"])
    assert len(sure) >= 30 and len(unsure) >= 30
    # measured 0.757 (session 10), 0.736-0.742 after the glossary grew to 543 occupations (its English names meet
    # some Polish titles); unsure ones ~0.2
    assert sum(sure) / len(sure) >= 0.7
    assert sum(unsure) / len(unsure) <= 0.5


@needs_corpus
def test_dev_sets_keep_their_measured_level(full_searcher: Searcher):
    """Floors a little under the figures `make bench` printed (docs/figures.md, "Recognising the occupation"): a
    regression fails here."""
    ads = load_jsonl(EVAL / "jobads-dev.jsonl")
    assert resolution_metrics(full_searcher, load_jsonl(EVAL / "resolve-dev.jsonl"))["acc@1"] >= 0.95
    assert resolution_metrics(full_searcher, load_jsonl(OWN / "names-uk-dev.jsonl"))["acc@1"] >= 0.9
    assert resolution_metrics(full_searcher, load_jsonl(OWN / "names-en-dev.jsonl"))["acc@1"] >= 0.9
    # names the glossary does not list (measured 0.615 / 0.487; before the passage signal and the training on
    # hidden glossary names: 0.103 / 0.179)
    assert resolution_metrics(full_searcher, load_jsonl(OWN / "names-uk-unlisted-dev.jsonl"))["acc@1"] >= 0.5
    assert resolution_metrics(full_searcher, load_jsonl(OWN / "names-en-unlisted-dev.jsonl"))["acc@1"] >= 0.4
    # The int8 model's vectors depend on the batch a text was embedded in, so a fresh build moves these by a few
    # hundredths (docs/figures.md); the floors leave that room. Before the fusion: 0.42 / 0.53 and 0.39 / 0.54.
    titles = classification_metrics(full_searcher, ads, whole=False)
    # measured 0.577-0.603 / 0.727-0.760 in earlier builds, 0.560 / 0.747 at session 11's start, 0.543-0.563 /
    # 0.753-0.763 on its builds with the glossary of 543 occupations (one retrained fusion: ±3 titles is its noise)
    assert titles["acc@1"] >= 0.54 and titles["acc@3"] >= 0.71
    whole = classification_metrics(full_searcher, ads, whole=True)
    # measured 0.577-0.617 / 0.760-0.777 (0.600 / 0.767 with the count of coded ads from the other folds,
    # index/fusion.py; 0.523-0.563 / 0.703-0.743 with "all but the ad itself", docs/figures.md #31)
    assert whole["acc@1"] >= 0.56 and whole["acc@3"] >= 0.73


# --- the classify contract: CLI and library -------------------------------------------------------------------

@needs_corpus
def test_classify_gives_candidates_with_evidence(full_searcher: Searcher):
    out = full_searcher.classifier.classify("Kierowca C+E w ruchu krajowym", "Przewóz towarów ciągnikiem siodłowym "
                                            "z naczepą, trasy krajowe, wymagane prawo jazdy kat. C+E.", 3).to_json()
    assert set(out) == {"title", "candidates", "ambiguous"}
    assert out["candidates"][0]["code"] == "833202"
    assert len(out["candidates"]) == 3
    first = out["candidates"][0]
    assert set(first) == {"code", "name", "score", "evidence"} and 0 < first["score"] <= 1
    kinds = {e["kind"] for e in first["evidence"]}
    assert {"example", "name", "passage"} <= kinds
    assert all(e["code"] == "833202" for e in first["evidence"])
    scores = [c["score"] for c in out["candidates"]]
    assert scores == sorted(scores, reverse=True)


@needs_corpus
@pytest.mark.parametrize("title, code", [
    ("Specjalista ds. mediów interaktywnych", "243108"),  # int8 vectors flipped the fusion to 243107 here
    ("Specjalista do spraw mediów społecznościowych", "243110"),
    ("Magazynier", "432103"),
])
def test_a_bare_title_that_is_an_official_name_gets_that_code_first(full_searcher: Searcher, title: str, code: str):
    out = full_searcher.classifier.classify(title, None, 3)
    assert out.candidates[0].code == code


def doradca(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ)  # the same settings as the full_searcher fixture: the project's full index
    exe = Path(sys.executable).with_name("doradca")
    return subprocess.run([str(exe), *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300, check=False)


def test_classify_without_title_or_description_is_a_usage_error():
    r = doradca("classify", "   ")
    assert r.returncode == 2 and "title" in r.stderr


@needs_corpus
def test_classify_cli_json_and_jsonl():
    long_description = "Obsługa klientów w sklepie, wykładanie towaru, praca na kasie. " * 400  # ~25,000 characters
    r = doradca("classify", "Sprzedawca", "--description", "-", "--json", "-k", "2", stdin=long_description[:19_999])
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["title"] == "Sprzedawca" and len(out["candidates"]) == 2
    lines = [{"title": "Spawacz MIG/MAG", "description": None, "k": 1}, {"title": "", "description": None},
             {"title": "Księgowa", "description": "Prowadzenie ksiąg rachunkowych", "k": 2}]
    r = doradca("classify", "--jsonl", stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    assert r.returncode == 1  # one line failed; the others were answered
    outs = [json.loads(x) for x in r.stdout.splitlines()]
    assert outs[0]["candidates"][0]["code"] == "721204" and len(outs[0]["candidates"]) == 1
    assert set(outs[1]) == {"title", "error"}
    assert outs[2]["candidates"][0]["code"] == "331301"
    too_long = doradca("classify", "Sprzedawca", "--description", "-", stdin=long_description)
    assert too_long.returncode == 2 and "too long" in too_long.stderr
