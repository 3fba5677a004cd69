"""Related occupations (issue 30): the ranking built with the index, the team's labelled set and its floors, what two
occupations share and what a move leaves to learn, and the chat in Polish, Ukrainian and English."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from rasa_sdk.events import SlotSet

from actions.lookup_actions import ActionRelatedOccupations
from index import relatedness
from index.related import Relations
from index.search import Searcher

from .conftest import ROOT, needs_corpus
from .test_actions import run

sys.path.insert(0, str(ROOT / "bench"))
from related_bench import HELDOUT, LABELS, K, load, score  # the bench's own reading of the labelled sets

# Floors, a little below what bench/related_bench.py measured for the new ranking (precision@5, share of lists with
# an implausible occupation in the first five), fourth round: dev (100 occupations) 0.904 / 0.020 (the parameters
# were chosen on it), held-out 0.800 / 0.022 (0.796 before its 2 candidates in the first five that were unjudged at
# the measurement were judged; no earlier judgement changed); the mean vectors: dev 0.754 / 0.280, held-out
# 0.711 / 0.178. The precision target (0.9) is met on dev only (docs/related.md).
FLOORS = {LABELS: (0.88, 0.05), HELDOUT: (0.77, 0.05)}
UNJUDGED = {LABELS: 3, HELDOUT: 2}  # candidates in the first five with no label, at most (measured 0 and 0)


@pytest.mark.parametrize("path, size, groups", [(LABELS, 60, "0123456789"), (HELDOUT, 40, "123456789")])
def test_the_labelled_sets_cover_every_major_group_with_reasons(path, size: int, groups: str):
    """Major group 0 has three occupations, all in the dev set: the held-out set has none of it."""
    labelled = load(path)
    assert len(labelled) >= size and len({x.code for x in labelled}) == len(labelled)
    assert {x.code[0] for x in labelled} == set(groups)
    for x in labelled:
        assert len(x.verdict) >= 10, x.code  # the first ten of both rankings
        assert all(x.reason[c].strip() for c in x.verdict), x.code
        assert x.code not in x.verdict


def test_the_held_out_set_shares_no_occupation_with_the_dev_set():
    assert not {x.code for x in load(LABELS)} & {x.code for x in load(HELDOUT)}


@pytest.fixture(scope="module")
def relations(full_searcher: Searcher) -> Relations:
    """The index's ranking; ranked again in memory (~25 s) when relatedness.py changed since the index was built
    (``make test`` rebuilds it first, so only a test run by hand does this)."""
    rel = Relations(full_searcher)
    if not rel.built_by_this_code():
        rel.rerank()
    return rel


@needs_corpus
@pytest.mark.parametrize("path", [LABELS, HELDOUT], ids=["dev", "held-out"])
def test_the_new_ranking_meets_its_floors_and_beats_the_mean_vectors(relations: Relations, path):
    labelled = load(path)
    precision_floor, implausible_ceiling = FLOORS[path]
    new = score(labelled, {x.code: [r.code for r in relations.related(x.code, K)] for x in labelled})
    old = score(labelled, {x.code: [r.code for r in relations.related_by_mean(x.code, 10)] for x in labelled})
    assert new.precision >= precision_floor and new.implausible <= implausible_ceiling, new
    assert new.precision > old.precision + 0.05 and new.implausible < old.implausible / 2, (new, old)
    assert new.unlabelled <= UNJUDGED[path]  # the labels still describe what the ranking shows


def test_a_residual_group_is_no_signal_and_the_closest_ordinary_group_counts():
    """2292 (physiotherapists) is an ordinary unit group inside the residual minor group 229 ("inni specjaliści
    ochrony zdrowia"); 2299 ("... gdzie indziej niesklasyfikowani") is residual itself."""
    codes = ["229201", "229202", "229906", "229909", "513101", "513201", "512001"]
    bonus, _ = relatedness.hierarchy(codes)
    assert bonus[0, 1] == pytest.approx(relatedness.SAME_UNIT)  # the same physiotherapy unit group, in full
    assert bonus[2, 3] == bonus[0, 2] == pytest.approx(relatedness.SAME_SUBMAJOR)  # only the sub-major group 22
    assert bonus[4, 5] == pytest.approx(relatedness.SAME_MINOR)  # waiter and barista: minor group 513
    assert bonus[4, 6] == pytest.approx(relatedness.SAME_SUBMAJOR)


def test_a_move_up_the_skill_levels_counts_less_a_degree_once():
    """Shop assistant (5) -> food technician (3): one level; packer (9) -> technician: two; technician -> shop
    assistant: none (down); into group 2 only the degree step; managers (group 1) have no level."""
    codes = ["522301", "314403", "932101", "214503", "132103"]
    _, step = relatedness.hierarchy(codes)
    assert step[0, 1] == pytest.approx(relatedness.LEVEL_STEP)
    assert step[2, 1] == pytest.approx(2 * relatedness.LEVEL_STEP)
    assert step[2, 0] == pytest.approx(relatedness.LEVEL_STEP)
    assert step[1, 0] == 0 and step[1, 2] == 0
    assert step[1, 3] == pytest.approx(relatedness.DEGREE_STEP) and step[2, 3] == pytest.approx(relatedness.DEGREE_STEP)
    assert step[0, 4] == 0 and step[4, 0] == 0


def test_the_esco_overlap_is_put_on_the_statements_scale_keeping_its_order():
    """Label overlaps are small numbers (0.0-0.3) beside statement scores (0.0-0.9): mixed raw, a pair of
    occupations that both have ESCO skills loses against one without them for the same evidence."""
    rng = np.random.default_rng(30)
    n = 40
    overlap = np.where(rng.random((n, n)) < 0.6, 0.0, rng.random((n, n)) * 0.3).astype(np.float32)
    score = (rng.random((n, n)) * 0.9).astype(np.float32)
    both = np.zeros((n, n), dtype=bool)
    both[:30, :30] = True
    out = relatedness.calibrate(overlap, score, both)
    pairs = both & ~np.eye(n, dtype=bool)
    assert np.array_equal(out[~pairs], overlap[~pairs])  # only pairs that both have ESCO skills change
    a, b = overlap[pairs], out[pairs]
    assert np.all(np.diff(b[np.argsort(a, kind="stable")]) >= 0)  # the same order
    assert b[a == 0].max() == pytest.approx(score[pairs].min())  # no label in common: the lowest score
    assert b.max() >= np.sort(score[pairs])[-2] and b.max() > 2 * a.max()  # the largest near the top score


@needs_corpus
def test_the_words_of_the_work_bring_the_same_field_closer(relations: Relations):
    _, st = relations._load()
    codes = sorted(st.by_code)
    at = {c: i for i, c in enumerate(codes)}
    words = relatedness.word_cosine(st, codes)
    for a, near, far in (("516304", "931201", "211405"), ("513101", "513202", "333101")):  # Żałobnik: Grabarz,
        # Hydrolog; Kelner: Barman, Agent celny
        assert words[at[a], at[near]] > 0.5 and words[at[a], at[far]] < 0.05, (a, near, far)


@needs_corpus
def test_a_waiter_gets_restaurant_jobs_with_what_is_shared_and_what_to_learn(relations: Relations):
    related = relations.related("513101", 5)  # Kelner
    codes = [r.code for r in related]
    assert codes[0] == "513102" and "513202" in codes  # Technik usług kelnerskich, Barman
    assert "333101" not in [r.code for r in relations.related("513101", 20)]  # Agent celny: not at all
    first = related[0]
    assert first.same_group and 1 <= len(first.shared) <= 5 and len(first.to_learn) <= 5
    # shared: the target's own wording, from its description
    target = {p.text for p in relations.s.catalog.of("513102")}
    assert set(first.shared) <= target and set(first.to_learn) <= target
    assert not set(first.shared) & set(first.to_learn)


@needs_corpus
def test_a_move_lists_the_specific_statements_to_learn_and_not_the_generic_ones(relations: Relations):
    shared, learn = relations.move("513101", "512001")  # Kelner -> Kucharz
    texts = [p.text for p in learn]
    assert texts and not any("bhp" in t.lower() for t in texts)
    assert all(p.occupation_code == "512001" for p in shared + learn)
    assert relations.move("513101", "513101")[1] == []  # nothing to learn for the same job


@needs_corpus
def test_the_ranking_is_built_with_the_index(full_searcher: Searcher):
    folder = full_searcher.version.path
    manifest = full_searcher.version.manifest
    assert (folder / "related.jsonl").exists() and (folder / "statements.faiss").exists()
    assert {"related.jsonl", "statements.faiss", "statements.jsonl"} <= set(manifest["files"])
    assert manifest["related_seconds"] > 0 and "related_key" in manifest


@needs_corpus
@pytest.mark.parametrize("text, lang_words", [
    ("Co jeszcze mogę robić z takim doświadczeniem?", ("Zawody pokrewne – Kelner (KZiS 513101):", "wspólne: ",
                                                       "do douczenia: ")),
    ("jakie inne zawody są podobne do mojego?", ("Zawody pokrewne – Kelner (KZiS 513101):", "wspólne: ")),
    ("Яку ще роботу я можу робити?", ("Споріднені професії – Kelner (KZiS 513101):", "спільне: ")),
    ("What else could I do?", ("Related occupations – Kelner (KZiS 513101):", "shared: ")),
])
def test_the_chat_lists_five_related_jobs_with_a_line_shared_and_one_to_learn(corpus_searcher, text: str,
                                                                               lang_words: tuple[str, ...]):
    events, messages = run(ActionRelatedOccupations(), text, {"occupation_code": "513101"})
    (reply, buttons), = messages
    assert all(w in reply for w in lang_words), reply
    assert reply.count("\n• ") == 5 and len(buttons) == 5 and "Technik usług kelnerskich" in buttons[0]
    assert SlotSet("last_list", "related") in events and SlotSet("shown", 5.0) in events


@needs_corpus
@pytest.mark.parametrize("text, head", [
    ("a co musiałbym się douczyć, żeby zostać kucharzem?", "Z zawodu Kelner (KZiS 513101) do zawodu Kucharz"),
    ("Чого мені треба довчитися, щоб стати кухарем?", "З професії Kelner (KZiS 513101) до професії Kucharz"),
    ("What would I have to learn to become a cook?", "From Kelner (KZiS 513101) to Kucharz"),
])
def test_what_to_learn_to_become_another_occupation(corpus_searcher, text: str, head: str):
    """Asked in a conversation about a waiter: the learned model calls the message a move, the policy gives the
    move from the current occupation to the one named."""
    from actions.occupation_actions import ActionAnswerOccupation

    from .test_actions import run

    events, messages = run(ActionAnswerOccupation(), text, {"occupation_code": "513101", "language_noted": True})
    reply, buttons = messages[0]
    assert reply.startswith(head), reply
    source = reply.splitlines()[-1]  # the source line, in the reader's language
    assert "\n• " in reply and "psz.praca.gov.pl" in source and source.split(":")[0] in ("Źródło", "Джерело", "Source")
    lines = reply.splitlines()
    learn = lines[1:next(i for i, x in enumerate(lines[1:], 1) if not x.startswith("• "))]
    assert learn and not any("bhp" in x.lower() for x in learn)  # generic statements are not what to learn
    assert SlotSet("previous_code", "513101") in events and SlotSet("occupation_code", "512001") in events
    assert buttons == ["Kucharz (512001)"]
