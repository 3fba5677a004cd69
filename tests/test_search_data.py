"""Search and CLI on the built-in data/ alone: runs on any clone, with the real model and faiss."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.search import QueryError, Searcher, shares_stem
from index.store import open_index

HIT_KEYS = {"rank", "score", "similarity", "match", "passage_id", "occupation_code", "occupation_name", "section",
            "task_id",
            "competence_id", "text", "source"}


@pytest.fixture(scope="module")
def searcher(data_index: Path, embedder) -> Searcher:
    return Searcher(open_index(data_index, embedder.name), embedder)


def test_seo_question_finds_the_z2_passages(searcher: Searcher):
    r = searcher.search("Czy trzeba znać SEO?", occupation="243108", k=5)
    assert r.hits[0].passage.task_id == "Z2" and "SEO" in r.hits[0].passage.text
    assert r.hits[0].passage.section == "knowledge"  # "znać" asks for knowledge


def test_question_naming_the_occupation_resolves_it(searcher: Searcher):
    r = searcher.search("Co musi wiedzieć specjalista do spraw mediów interaktywnych?", k=5)
    assert r.occupation is not None and r.occupation.code == "243108"
    assert [h.passage.section for h in r.hits] == ["knowledge"] * 5


@pytest.mark.parametrize(
    "question, section",
    [
        ("Jakie umiejętności są potrzebne?", "skill"),
        ("Czym się zajmuje ten specjalista?", "task"),
        ("Jakie kompetencje społeczne są ważne?", "social_competence"),
        ("Jakie są kompetencje kluczowe?", "key_competence"),
        ("What must they know?", "knowledge"),
    ],
)
def test_intent_ranks_its_section_first(searcher: Searcher, question: str, section: str):
    hits = searcher.search(question, occupation="243108", k=5).hits
    assert [h.passage.section for h in hits] == [section] * 5


def test_section_filter_and_hit_fields(searcher: Searcher):
    r = searcher.search("prawa autorskie", occupation="243108", section="skill", k=3)
    assert {h.passage.section for h in r.hits} == {"skill"}
    assert r.hits[0].passage.id == "243108/skill/Z3/5"
    out = r.to_json()
    assert set(out) == {"q", "occupation", "hits"}
    assert set(out["hits"][0]) == HIT_KEYS
    assert out["hits"][0]["source"] == "INFOdoradca+, MRPiPS / psz.praca.gov.pl"
    assert [h["rank"] for h in out["hits"]] == [1, 2, 3]
    assert out["hits"][0]["match"] == "strong" and out["hits"][0]["similarity"] > 0.8


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"question": ""}, "the question is empty"),
        ({"question": "   \n\t "}, "the question is empty"),
        ({"question": "a" * 10_000}, "too long \\(10000 characters; at most 2000\\)"),
        ({"question": "?!... ;;"}, "no words"),
        ({"question": "😀🔥👍"}, "no words"),
        ({"question": "kto?", "occupation": "999999"}, "unknown occupation code 999999"),
        ({"question": "kto?", "occupation": "12a"}, "6 digits"),
        ({"question": "kto?", "section": "hobby"}, "unknown section 'hobby'"),
        ({"question": "kto?", "k": 0}, "k must be"),
        ({"question": "kto?", "k": 10_000}, "k must be"),
        ({"question": None}, "must be text"),
    ],
)
def test_bad_input_gets_a_clear_message(searcher: Searcher, kwargs: dict, message: str):
    with pytest.raises(QueryError, match=message):
        searcher.search(**kwargs)


def _cli(args: list[str], index_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DORADCA_INDEX_DIR": str(index_dir), "DORADCA_CORPUS": ""}
    exe = Path(sys.executable).with_name("doradca")
    return subprocess.run([str(exe), *args], input=stdin, capture_output=True, text=True, env=env, timeout=300,
                          check=False)


def test_cli_jsonl_search_answers_every_line(data_index: Path):
    lines = [
        {"q": "Czy trzeba umieć robić zdjęcia?", "occupation": "243108", "section": None, "k": 2},
        {"q": "", "occupation": None, "section": None, "k": 3},
        "not an object",
        {"q": "Z kim współpracuje?", "occupation": "243108", "section": "task", "k": 1},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{broken json\n"
    p = _cli(["search", "--jsonl"], data_index, stdin)
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert p.returncode == 1  # some lines were bad; every line still got an answer
    assert len(out) == 5
    assert out[0]["q"] == lines[0]["q"] and len(out[0]["hits"]) == 2
    assert set(out[0]["hits"][0]) == HIT_KEYS and out[0]["occupation"]["code"] == "243108"
    assert out[0]["hits"][0]["section"] == "skill" and "zdję" in out[0]["hits"][0]["text"]
    assert out[1]["error"] == "line 2: the question is empty"
    assert "line 3" in out[2]["error"] and "line 5" in out[4]["error"]
    assert out[3]["hits"][0]["passage_id"] == "243108/task/Z3"


def test_cli_search_resolve_show_and_usage_errors(data_index: Path):
    p = _cli(["search", "Co musi wiedzieć specjalista ds. mediów interaktywnych?", "-k", "3", "--json"], data_index)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["occupation"]["code"] == "243108" and [h["section"] for h in out["hits"]] == ["knowledge"] * 3

    p = _cli(["resolve", "--jsonl"], data_index, '{"q": "specjalistka ds mediow interaktywnych", "k": 1}\n')
    out = json.loads(p.stdout)
    assert set(out) == {"q", "candidates", "ambiguous"} and out["ambiguous"] is False
    assert out["q"] == "specjalistka ds mediow interaktywnych"
    [cand] = out["candidates"]
    assert (cand["code"], cand["name"]) == ("243108", "Specjalista do spraw mediów interaktywnych")
    assert cand["score"] >= 0.5

    p = _cli(["show", "243108"], data_index)
    assert p.returncode == 0
    assert "Kompetencja Kz2: Doskonalenie i rozliczanie" in p.stdout
    assert "== wiedza (knowledge) ==" in p.stdout and "Źródło: INFOdoradca+" in p.stdout
    assert "[Z2] Sposoby mierzenia, planowania i optymalizacji" in p.stdout

    for args, message in [
        (["search"], "give a QUESTION or --jsonl"),
        (["search", "   "], "the question is empty"),
        (["show", "12"], "6 digits"),
        (["show", "999999"], "unknown occupation code 999999"),
        (["index", "build", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
    ]:
        p = _cli(args, data_index)
        assert p.returncode == 2 and message in p.stderr, (args, p.stderr)


def test_cli_without_index_names_the_command(tmp_path: Path):
    p = _cli(["search", "kto?"], tmp_path / "empty")
    assert p.returncode == 2
    assert "run `doradca index build`" in p.stderr


def test_the_query_cache_is_safe_from_many_threads(searcher: Searcher):
    """The web app encodes from FastAPI's thread pool: 8 threads x 80 new texts overflow the 512-entry cache."""
    from concurrent.futures import ThreadPoolExecutor

    def work(t: int) -> int:
        return sum(searcher.encode(f"pytanie {t} numer {i}").shape[0] == searcher.embedder.dim for i in range(80))

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(work, range(8))) == 640


def test_a_search_encodes_its_ranking_question_while_resolving(searcher: Searcher):
    """A question that names an occupation: the resolver's words and the question without them are both encoded,
    the second on a worker thread, guessed from the words before the resolver decided; the guess was right."""
    from index.text import name_text

    q = "Co musi wiedzieć specjalista do spraw mediów interaktywnych?"
    searcher._cache.clear()
    r = searcher.search(q, k=3)
    ranking = searcher.ranking_question(q, r.resolution)
    assert ranking == "Co musi wiedzieć ?"
    assert searcher.likely_ranking_question(q, searcher.resolver.lexical(q)) == ranking
    assert set(searcher._cache) == {name_text(q), ranking}
    seo = "Czy trzeba znać SEO?"  # names nothing: ranked whole
    assert searcher.likely_ranking_question(seo, searcher.resolver.lexical(seo)) == seo


def test_a_wrong_guess_of_the_ranking_question_changes_nothing(searcher: Searcher, monkeypatch: pytest.MonkeyPatch):
    q = "Jakie umiejętności ma specjalista do spraw mediów interaktywnych?"
    searcher._cache.clear()
    right = searcher.search(q, k=5)
    searcher._cache.clear()
    monkeypatch.setattr(searcher, "likely_ranking_question", lambda question, lexical: "zupełnie inne pytanie")
    wrong = searcher.search(q, k=5)
    assert "zupełnie inne pytanie" in searcher._cache  # it was encoded, and not used
    assert [(h.passage.id, round(h.score, 6)) for h in wrong.hits] == [(h.passage.id, round(h.score, 6))
                                                                          for h in right.hits]


def test_a_failed_encoding_is_not_cached(searcher: Searcher, monkeypatch: pytest.MonkeyPatch):
    real = searcher.embedder.queries
    monkeypatch.setattr(searcher.embedder, "queries", lambda texts: (_ for _ in ()).throw(RuntimeError("model gone")))
    with pytest.raises(RuntimeError, match="model gone"):
        searcher.encode("pytanie, które się nie uda")
    assert "pytanie, które się nie uda" not in searcher._cache
    later = searcher.encode_later("pytanie, które się nie uda")  # on the worker thread
    with pytest.raises(RuntimeError, match="model gone"):
        later.result()
    assert "pytanie, które się nie uda" not in searcher._cache
    monkeypatch.setattr(searcher.embedder, "queries", real)
    assert np.array_equal(searcher.encode("pytanie, które się nie uda"), real(["pytanie, które się nie uda"])[0])


def test_autocomplete_scores_say_how_much_of_the_name_was_typed(searcher: Searcher):
    # with only data/ loaded, a prefix or another occupation's name must not look like a sure match
    partial = searcher.catalog.suggest("spec")
    assert [c.code for c in partial] == ["243108"] and partial[0].score < 0.2
    whole = searcher.catalog.suggest("specjalista do spraw mediów interaktywnych")
    assert whole[0].score == 1.0
    assert searcher.catalog.suggest("piekarz") == []


def test_serving_searcher_runs_openmp_on_one_thread(data_index: Path, embedder):
    """The servers' searcher leaves one OpenMP thread per library: two threads per tree prediction spin for a
    core the other server holds (bench/bot_bench.py measured ~8 ms of CPU per prediction under load)."""
    from threadpoolctl import threadpool_info

    from index.config import Settings

    searcher = Searcher.open(Settings(index_dir=data_index, model=embedder.name))
    assert searcher.version.path == (data_index / "current").resolve()
    pools = [p for p in threadpool_info() if p["internal_api"] == "openmp"]
    assert pools and all(p["num_threads"] == 1 for p in pools)


@pytest.mark.parametrize("topic, tokens, shared", [
    ({"karmic"}, ("pomoc", "karmienie", "chory"), True),  # a verb and its noun: one stem
    ({"plytek"}, ("wykonywac", "plytka"), True),  # typed without Polish letters, not lemmatised
    ({"obsluga"}, ("obslugiwac", "kasa"), True),
    ({"prawo"}, ("prawny", "radca"), False),
    ({"gotowac"}, ("gotowy", "danie"), False),  # to cook is not ready: a stem shorter than four letters stays whole
    ({"przewoz"}, ("przewodnik",), False),
    ({"jazda"}, ("jazda",), True),  # the same lemma
    ({"sos"}, ("sosna",), False),  # short words match only whole
])
def test_a_passage_shares_a_topic_word_by_its_lemma_or_stem(topic: set[str], tokens: tuple[str, ...], shared: bool):
    assert shares_stem(topic, tokens) is shared


def test_words_spelt_alike_across_languages_are_counted_and_two_answer_sooner():
    from index.records import Passage, Source
    from index.search import COGNATE_FROM, COGNATES_FROM, Hit, cognates

    tokens = ("dokonywanie", "rezerwacji", "biletów", "teatrów", "restauracji")
    assert cognates({"restaurant", "theatre", "tickets"}, tokens) == 2  # "th" is the Polish "t"
    assert cognates({"documentation"}, ("dokumentacji",)) == 1 and cognates({"salary"}, tokens) == 0
    passage = Passage("1/task/1", "516902", "Asystent osobisty", "task", "…", Source("cite_kzis"))
    between = (COGNATES_FROM + COGNATE_FROM) / 2
    one = Hit(1, 1.0, passage, similarity=between, cross_lingual=True, cognate=True, cognates=1)
    two = Hit(1, 1.0, passage, similarity=between, cross_lingual=True, cognate=True, cognates=2)
    assert (one.match, two.match) == ("weak", "strong")


def test_a_name_is_cut_out_with_its_english_possessive():
    from index.search import strip_words

    assert strip_words("What does a truck driver's job involve?", ("truck", "driver")) == "What does a job involve?"
