"""The team's labelled conversations through the real Rasa and action servers: the share of turns that meet their
label stays above its floor, per language and user group, and no turn gets a false "no information"."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.conversations import EVAL, Conversation, Result, Turn, judge, load, play, summary
from services.processes import RASA, RASA_MODEL, Assistant, Ports

from .conftest import HAVE_CORPUS, NO_CORPUS, free_port

# Measured on the development set (bench/conversation_bench.py prints it); a floor a little under the measure
# (the target is 0.95: these floors keep what was reached; a fresh index build retrains the resolver and
# moves cells by a few hundredths, a small group's by a turn or two). Measured 2026-12-08, session 14, after 90 more
# conversations (489 turns) written by helpers who had not seen the bot, the last 30 joined unchanged (first played
# at 0.756): all 0.919, pl 0.939, uk 0.888, en 0.902, jobseeker 0.910, counsellor 0.968, 15 false "no information"
# of 1,587 turns (13 on the build before, another fusion).
FLOORS = {"all": 0.89, "pl": 0.91, "uk": 0.86, "en": 0.87, "jobseeker": 0.88, "counsellor": 0.94}
MAX_FALSE_NO_INFORMATION = 18  # measured 15 of 1,587 turns; the target is 0


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    if not RASA.exists() or not RASA_MODEL.exists():
        pytest.skip("needs .venv-rasa and a trained model: run `make setup`")
    if not HAVE_CORPUS:
        pytest.skip(NO_CORPUS)
    tmp: Path = tmp_path_factory.mktemp("conversations")
    with Assistant(Ports(rasa=free_port(), actions=free_port(), rasa_metrics=0, actions_metrics=0),
                   tracker_db=tmp / "conversations.db", log_dir=tmp / "logs",
                   extra_env={"DORADCA_RATE_PER_MINUTE": "1000", "DORADCA_RATE_PER_ADDRESS": "0"}) as bot:
        return play(bot.send, load(EVAL / "conversations.yml"), prefix="test")


@pytest.mark.parametrize("group", list(FLOORS))
def test_share_of_turns_that_meet_their_label(results: list[Result], group: str) -> None:
    share = summary(results)[group]
    failures = [f"{r.conversation.id} {r.message[:60]!r}: {'; '.join(r.problems)}" for r in results
                if not r.ok and group in ("all", r.conversation.lang, r.conversation.user)]
    assert share >= FLOORS[group], f"{group}: {share:.3f} < {FLOORS[group]}\n" + "\n".join(failures[:40])


def test_false_no_information_stays_rare(results: list[Result]) -> None:
    false = [f"{r.conversation.id} {r.message!r} -> {r.reply[:200]!r}" for r in results
             if "false 'no information'" in r.problems]
    assert len(false) <= MAX_FALSE_NO_INFORMATION, "\n".join(false)


PL = Conversation("t", "pl", "jobseeker", [])
UK = Conversation("t", "uk", "jobseeker", [])
LISTING = ("Spawacz (KZiS 721204) – zadania zawodowe:\n• Przygotowuje elementy do spawania\n"
           "Źródło: Spawacz, kod KZiS 721204, sekcja: zadania zawodowe; Klasyfikacja zawodów")


def test_the_judge_reads_a_listing_and_its_code() -> None:
    r = judge(PL, Turn("co robi spawacz", None, ["passages"], ["721204"]), "", LISTING, [])
    assert r.ok and "passages" in r.kinds


def test_the_judge_catches_a_false_no_information_a_repeat_and_the_wrong_language() -> None:
    decline = ("W opisie zawodu Spawacz (721204) nie ma informacji na ten temat – przeszukałem wszystkie jego części. "
               "Opis zawiera: zadania zawodowe.")
    assert "false 'no information'" in judge(PL, Turn("x", None, ["passages"], []), "", decline, []).problems
    bullets = tuple(line for line in LISTING.splitlines() if line.startswith("• "))
    assert "repeats an earlier list word for word" in judge(PL, Turn("x", None, ["passages"], []), "", LISTING,
                                                            [bullets]).problems
    assert any("not uk" in p for p in judge(UK, Turn("x", None, ["passages"], []), "", LISTING, []).problems)


def test_a_description_s_own_words_are_not_the_bot_s_sentences() -> None:
    en = Conversation("en-x", "en", "jobseeker", [])
    listing = ("Pracownik call center (KZiS 422201) – tasks:\n"
               "• W centrach obsługi występują zróżnicowane zadania zawodowe.\n"
               "Source: Pracownik call center, KZiS code 422201, section: tasks; Klasyfikacja zawodów")
    assert judge(en, Turn("x", None, ["passages"], ["422201"]), "", listing, []).ok
    assert not judge(en, Turn("x", None, ["passages"], []), "", listing.replace("• W", "W"), []).ok


def test_a_choice_names_its_occupations_in_its_buttons_and_only_a_choice_does() -> None:
    choice = "Nazwa „spawacz” pasuje do kilku zawodów. Który masz na myśli?"
    titles = ("Spawacz (721204)", "Spawacz ręczny gazowy (721206)")
    turn = Turn("spawacz", None, ["choose"], ["721206"])
    assert judge(PL, turn, "", choice, [], titles).ok, judge(PL, turn, "", choice, [], titles).problems
    assert "does not name 721206" in judge(PL, turn, "", choice, [], ()).problems
    listing = Turn("co robi spawacz", None, ["passages"], ["721206"])
    assert "does not name 721206" in judge(PL, listing, "", LISTING, [], titles).problems


def test_the_judge_wants_the_expected_kind() -> None:
    r = judge(PL, Turn("ile zarabia", None, ["route"], []), "", LISTING, [])
    assert r.problems and r.problems[0].startswith("expected route")


def test_the_sets_are_large_enough_and_apart() -> None:
    dev, held = load(EVAL / "conversations.yml"), load(EVAL / "conversations-heldout.yml")
    assert len(dev) >= 60 and sum(len(c.turns) for c in dev) >= 300
    assert {c.lang for c in dev} == {"pl", "uk", "en"} and {c.user for c in dev} == {"jobseeker", "counsellor"}
    # no question of one set is in the other (short replies such as "dziękuję" or "więcej" may be in both)
    questions = [{t.say for c in cs for t in c.turns if t.say and len(t.say.split()) >= 4} for cs in (dev, held)]
    assert not questions[0] & questions[1]
