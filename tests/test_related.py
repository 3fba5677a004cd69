"""Related occupations (issue 30): the ranking built with the index, the team's labelled set and its floors, what two
occupations share and what a move leaves to learn, and the chat in Polish, Ukrainian and English."""

from __future__ import annotations

import sys

import pytest
from rasa_sdk.events import SlotSet

from actions.lookup_actions import ActionRelatedOccupations
from index.related import Relations
from index.search import Searcher

from .conftest import ROOT, needs_corpus
from .test_actions import run

sys.path.insert(0, str(ROOT / "bench"))
from related_bench import HELDOUT, LABELS, K, load, score  # the bench's own reading of the labelled sets

# Floors, a little below what bench/related_bench.py measured for the new ranking (precision@5, share of lists with
# an implausible occupation in the first five): dev 0.894 / 0.016 (the parameters were chosen on it), held-out
# 0.787 / 0.044; the mean vectors: dev 0.735 / 0.323, held-out 0.711 / 0.178. The targets (0.9, 0.05) are
# met on neither set for precision (docs/related.md).
FLOORS = {LABELS: (0.87, 0.05), HELDOUT: (0.76, 0.07)}


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
    assert new.unlabelled <= 3  # the labels still describe what the ranking shows


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
    assert "\n• " in reply and "Opisy zawodów KZiS" in reply.splitlines()[-1]  # the source line
    lines = reply.splitlines()
    learn = lines[1:next(i for i, x in enumerate(lines[1:], 1) if not x.startswith("• "))]
    assert learn and not any("bhp" in x.lower() for x in learn)  # generic statements are not what to learn
    assert SlotSet("previous_code", "513101") in events and SlotSet("occupation_code", "512001") in events
    assert buttons == ["Kucharz (512001)"]