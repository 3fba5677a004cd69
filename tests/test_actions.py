"""Action tests: real Trackers, the real searcher; exact events and messages."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.chitchat_actions import ActionContactCounsellor, ActionGreet, ActionOutOfScope
from actions.occupation_actions import (
    ActionAnswerOccupation,
    ActionChooseOccupation,
    ActionFindOccupations,
    ActionShowMore,
)

from .conftest import needs_corpus

SLOTS = {"occupation_code": None, "last_question": None, "last_section": None, "shown": 0.0, "language": "pl",
         "language_noted": False}
SOURCE = ("Źródło: Specjalista do spraw mediów interaktywnych, kod KZiS 243108, sekcja: {}; INFOdoradca+, "
          "MRPiPS / psz.praca.gov.pl")
Z1 = "Zadanie: Wspieranie procesu tworzenia i wdrażanie strategii kampanii marketingowych w mediach interaktywnych."


def run(action, text: str, slots: dict | None = None, intent: str = "ask_occupation", entities: list | None = None):
    tracker = Tracker("t1", {**SLOTS, **(slots or {})},
                      {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
                      [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, [(m["text"], [b["title"] for b in m["buttons"]]) for m in dispatcher.messages]


def test_knowledge_question_lists_the_section_in_description_order(data_searcher):
    events, messages = run(ActionAnswerOccupation(), "Co musi wiedzieć specjalista do spraw mediów interaktywnych?")
    assert events == [
        SlotSet("occupation_code", "243108"),
        SlotSet("last_ask", "knowledge"),
        SlotSet("last_question", "Co musi wiedzieć ?"),
        SlotSet("last_section", "knowledge"),
        SlotSet("shown", 5.0),
        SlotSet("last_list", "section"),
        SlotSet("seen", ["243108:knowledge:5"]),
    ]
    assert messages == [("\n".join([
        "Specjalista do spraw mediów interaktywnych (KZiS 243108) – co trzeba wiedzieć:",
        "",
        Z1,
        "• Aktualną strategię marketingową zleceniodawcy oraz rolę mediów interaktywnych w tej strategii",
        "• Specyfikę działania zleceniodawcy oraz rynek docelowy dla jego produktów i usług",
        ("• Produkty i usługi oferowane przez zleceniodawcę oraz metody klasyfikacji tych produktów i usług "
         "w kontekście strategii promocji i reklamy w mediach interaktywnych"),
        ("• Sposoby funkcjonowania konkurencji w określonej dziedzinie oraz stosowanych przez nią metod komunikacji w "
        "mediach interaktywnych"),
        "• Sposoby konstruowania strategii kampanii marketingowych w mediach interaktywnych",
        "",
        SOURCE.format("wiedza"),
        "Napisz „więcej”, aby zobaczyć kolejne fragmenty.",
    ]), [])]


def test_a_chat_question_encodes_what_its_answer_ranks_by_while_resolving(data_searcher, monkeypatch):
    """The answer ranks by the question without the occupation's name: resolving started encoding it on the worker."""
    started = []
    real = data_searcher.encode_later
    monkeypatch.setattr(data_searcher, "encode_later", lambda text: started.append(text) or real(text))
    events, _ = run(ActionAnswerOccupation(), "Co musi wiedzieć specjalista do spraw mediów interaktywnych?")
    assert SlotSet("last_question", "Co musi wiedzieć ?") in events
    assert started == ["Co musi wiedzieć ?"]


def test_more_continues_the_listing(data_searcher):
    slots = {"occupation_code": "243108", "last_question": "Co musi wiedzieć ?", "last_section": "knowledge",
             "shown": 10.0,
             "last_list": "section"}
    events, messages = run(ActionShowMore(), "więcej", slots, intent="ask_more")
    assert events == [SlotSet("shown", 15.0), SlotSet("seen", ["243108:knowledge:15"])]
    text = messages[0][0]
    assert ("• Przepisy prawa związane z możliwością komunikacji przedsiębiorstwa z otoczeniem poprzez media "
            "interaktywne.") in text
    assert "\nZadanie: Przygotowywanie i prowadzenie kampanii marketingowej" in text
    assert "• Schemat funkcjonowania mediów interaktywnych" in text
    assert text.count("• ") == 5


def test_show_all_then_nothing_more(data_searcher):
    slots = {"occupation_code": "243108", "last_question": "Co musi wiedzieć ?", "last_section": "knowledge",
             "shown": 50.0,
             "last_list": "section"}
    events, messages = run(ActionShowMore(), "pokaż wszystko", slots, intent="ask_more")
    assert events == [SlotSet("shown", 54.0), SlotSet("seen", ["243108:knowledge:54"])]
    assert messages[0][0].count("• ") == 4
    events, messages = run(ActionShowMore(), "więcej", {**slots, "shown": 54.0}, intent="ask_more")
    assert events == [SlotSet("last_list", None)]  # nothing left to continue
    assert messages == [("To już wszystkie fragmenty opisu pasujące do pytania.",
                         ["Zadania zawodowe", "Co trzeba umieć", "Kompetencje społeczne", "Kompetencje kluczowe"])]


def test_follow_up_keeps_the_occupation_and_answers_from_z3(data_searcher):
    events, messages = run(ActionAnswerOccupation(), "a czy trzeba znać prawo autorskie?",
                           {"occupation_code": "243108"})
    assert events == [SlotSet("last_ask", "specific"), SlotSet("last_question", "a czy trzeba znać prawo autorskie?"),
                      SlotSet("shown", 1.0), SlotSet("last_list", "passages")]
    assert messages == [("\n".join([
        "Specjalista do spraw mediów interaktywnych (KZiS 243108) – co trzeba wiedzieć:",
        "",
        ("Zadanie: Współpracowanie z komórkami organizacyjnymi zajmującymi się obsługą klienta oraz z plastykami, "
        "fotografami, grafikami, blogerami, mediami."),
        ("• Przepisy prawa związane z prawami autorskimi w kontekście tworzenia przekazu marketingowego w mediach "
        "interaktywnych."),
        "",
        SOURCE.format("wiedza"),
    ]), [])]


def test_question_the_description_cannot_answer_says_so(data_searcher):
    events, messages = run(ActionAnswerOccupation(), "czy trzeba umieć latać samolotem?",
                           {"occupation_code": "243108", "shown": 5.0})
    assert events == [SlotSet("last_ask", "specific"), SlotSet("last_question", "czy trzeba umieć latać samolotem?")]
    # said only after all its sections were searched; what the description holds, as buttons
    assert messages == [(
        ("W opisie zawodu Specjalista do spraw mediów interaktywnych (243108) nie ma informacji na ten temat – "
        "przeszukałem wszystkie jego części. Opis zawiera: zadania zawodowe, wiedza, umiejętności, kompetencje "
        "społeczne, kompetencje kluczowe."),
        ["Zadania zawodowe", "Co trzeba wiedzieć", "Co trzeba umieć", "Kompetencje społeczne", "Kompetencje kluczowe",
         "Kontakt z doradcą"],
    )]


def test_no_occupation_yet_asks_which(data_searcher):
    events, messages = run(ActionAnswerOccupation(), "a jakie umiejętności?")
    assert events == [SlotSet("last_question", "a jakie umiejętności?"), SlotSet("last_ask", "skill")]
    assert messages == [("O jaki zawód chodzi? Napisz jego nazwę, np. „kucharz” albo „specjalista do spraw kadr”.", [])]


def test_ukrainian_question_gets_ukrainian_sentences_and_a_note_once(data_searcher):
    events, messages = run(ActionAnswerOccupation(), "Які навички потрібні?", {"occupation_code": "243108"})
    assert events[:3] == [SlotSet("language", "uk"), SlotSet("last_ask", "skill"),
                          SlotSet("last_question", "Які навички потрібні?")]
    assert SlotSet("language_noted", True) in events
    text = messages[0][0]
    assert text.startswith("(Описи професій доступні лише польською мовою.)\n"
                           "Specjalista do spraw mediów interaktywnych (KZiS 243108) – необхідні вміння:")
    assert "Джерело: Specjalista do spraw mediów interaktywnych, код KZiS 243108, розділ: вміння" in text
    _, again = run(ActionAnswerOccupation(), "а знання?", {"occupation_code": "243108", "language": "uk",
                                                          "language_noted": True})
    assert not again[0][0].startswith("(Описи")


def test_ukrainian_typed_in_latin_letters_is_answered_as_ukrainian(data_searcher):
    events, messages = run(ActionAnswerOccupation(), "Yaki navychky potribni?", {"occupation_code": "243108"})
    assert events[:3] == [SlotSet("language", "uk"), SlotSet("last_ask", "skill"),
                          SlotSet("last_question", "Які навички потрібні?")]
    assert "Specjalista do spraw mediów interaktywnych (KZiS 243108) – необхідні вміння:" in messages[0][0]
    # Polish without its letters stays Polish
    events, _ = run(ActionAnswerOccupation(), "jakie umiejetnosci sa potrzebne?", {"occupation_code": "243108"})
    assert SlotSet("language", "uk") not in events and SlotSet("last_ask", "skill") in events


def test_choose_answers_the_pending_question(data_searcher):
    events, messages = run(ActionChooseOccupation(), '/choose_occupation{"code":"243108"}',
                           {"last_question": "jakie zadania ?"},
                           intent="choose_occupation", entities=[{"entity": "code", "value": "243108"}])
    assert events[0] == SlotSet("occupation_code", "243108")
    assert messages[0][0].startswith("Specjalista do spraw mediów interaktywnych (KZiS 243108) – zadania zawodowe:\n\n"
                                     "• Wspieranie procesu")


def test_choose_unknown_code_says_so(data_searcher):
    events, messages = run(ActionChooseOccupation(), "999999", intent="choose_occupation",
                           entities=[{"entity": "code", "value": "999999"}])
    assert events == []
    assert messages == [(("Kodu 999999 nie ma w klasyfikacji zawodów i specjalności (KZiS). Sprawdź cyfry albo "
                         "napisz nazwę zawodu."), [])]


def test_greeting_and_out_of_scope_follow_the_language():
    assert run(ActionGreet(), "hello", intent="greet") == (
        [SlotSet("language", "en")],
        [(("Hello! I am the labour office's career assistant. Ask about any occupation, e.g. “What does an "
          "electrician do?”."), [])],
    )
    events, messages = run(ActionOutOfScope(), "яка погода", intent="out_of_scope")
    assert events == [SlotSet("language", "uk")]
    assert messages[0][1] == ["Контакт консультанта"] and messages[0][0].startswith("Вибачте, з цим я не допоможу")


def test_a_first_message_of_english_words_is_english_and_later_a_title_changes_nothing():
    from actions.base import Turn

    def turn(text: str, slot: str | None) -> Turn:
        # the action server sees only the current turn's events (bot/rasa_patches.py): the slot tells what came before
        tracker = Tracker("t1", {**SLOTS, "language": slot}, {"text": text, "intent": {"name": "ask_occupation"},
                          "entities": []}, [{"event": "user", "text": text}], False, None, {}, "action_listen")
        return Turn(tracker, CollectingDispatcher())

    first = turn("receptionist", None)
    assert (first.lang, first.events) == ("en", [SlotSet("language", "en")])  # a first message settles the language
    assert turn("co robi kucharz?", None).events == [SlotSet("language", "pl")]
    assert turn("Key Account Manager", "pl").lang == "pl"  # in a Polish conversation: a job title
    assert turn("a zmywacz naczyń?", "uk").lang == "uk"  # a Polish name in a Ukrainian conversation
    polish = turn("a monter fotowoltaiki?", "pl")  # read as Latin Ukrainian alone, but a Polish name here
    assert (polish.lang, polish.text) == ("pl", "a monter fotowoltaiki?")
    ukrainian = turn("a shcho robyt monter?", "pl")
    assert (ukrainian.lang, ukrainian.text) == ("uk", "а що робить монтер?")
    assert turn("a kukhar?", "pl").text == "а кухар?"  # a Ukrainian name, spelt as no Polish word is
    assert turn("/greet", None).events == []  # a payload (Telegram's /start) settles no language


def test_counsellor_contact_comes_from_the_office_file(tmp_path, monkeypatch):
    office = tmp_path / "office.yml"
    office.write_text('name: "PUP Testowo"\nphone: "+48 1"\nemail: "a@b.pl"\nhours: "8-15"\n', encoding="utf-8")
    monkeypatch.setenv("DORADCA_OFFICE_FILE", str(office))
    events, messages = run(ActionContactCounsellor(), "chcę rozmawiać z doradcą", intent="ask_human")
    assert events == []
    assert messages == [("Kontakt z doradcą zawodowym: PUP Testowo\nTelefon: +48 1\nE-mail: a@b.pl\nGodziny: 8-15", [])]


def test_failure_becomes_an_apology(monkeypatch):
    def broken():
        raise RuntimeError("index damaged")

    monkeypatch.setattr("actions.converse.searcher", broken)
    events, messages = run(ActionAnswerOccupation(), "Co robi piekarz?")
    assert events == []
    assert messages == [("Przepraszam, mam chwilowy problem techniczny. Spróbuj ponownie za chwilę.", [])]


@needs_corpus
def test_ambiguous_name_offers_three_buttons(corpus_searcher):
    events, messages = run(ActionAnswerOccupation(), "specjalista")
    assert events[:2] == [SlotSet("last_question", ""), SlotSet("last_ask", "overview")]
    offered = next(e["value"] for e in events if e["name"] == "offered")  # a question typed next continues with them
    assert len(offered) == 3
    text, buttons = messages[0]
    assert text == "Nazwa „specjalista” pasuje do kilku zawodów. Który masz na myśli?"
    assert len(buttons) == 3 and all("specjalista" in b.lower() for b in buttons)


@needs_corpus
def test_switching_occupation_in_a_conversation(corpus_searcher):
    events, messages = run(ActionAnswerOccupation(), "a co robi kucharz?", {"occupation_code": "243108"})
    assert events[:2] == [SlotSet("previous_code", "243108"), SlotSet("occupation_code", "512001")]
    assert messages[0][0].startswith("Kucharz (KZiS 512001) – zadania zawodowe:\n\n• ")


@needs_corpus
def test_female_and_male_forms_give_the_same_answer(corpus_searcher):
    a = run(ActionAnswerOccupation(), "Co musi umieć spawaczka?")
    b = run(ActionAnswerOccupation(), "Co musi umieć spawacz?")
    assert a[1] == b[1]
    assert a[1][0][0].startswith("Opis zawodu Spawacz nie ma osobnej części „umiejętności”; "
                                 "pokazuję: zadania zawodowe.\nSpawacz (KZiS 721204) – zadania zawodowe:")


@needs_corpus
def test_knowledge_of_an_esco_occupation_falls_back_to_esco_skills(corpus_searcher):
    events, messages = run(ActionAnswerOccupation(), "Co musi wiedzieć piekarz?")
    assert SlotSet("last_section", "esco_skill") in events
    assert messages[0][0].startswith("Opis zawodu Piekarz nie ma osobnej części „wiedza”; "
                                     "pokazuję: umiejętności ESCO.\nPiekarz (KZiS 751204) – umiejętności według ESCO:")
    assert ("Źródło: Piekarz, kod KZiS 751204, sekcja: umiejętności ESCO; ESCO (PL): umiejętności zawodu ESCO "
            "„piekarz”, © Unia Europejska") in messages[0][0]


@needs_corpus
def test_which_occupations_work_with_bloggers(corpus_searcher):
    _events, messages = run(ActionFindOccupations(), "w jakim zawodzie pracuje się z blogerami?",
                            intent="find_occupations")
    text, buttons = messages[0]
    assert ("• Specjalista do spraw mediów interaktywnych (243108) – umiejętności: "
            "Komunikować się i współpracować z blogerami") in text
    assert "Specjalista do spraw mediów interaktywnych (243108)" in buttons


@needs_corpus
def test_english_name_reaches_the_occupation(corpus_searcher):
    events, messages = run(ActionAnswerOccupation(), "What does a baker do?")
    assert events[:2] == [SlotSet("language", "en"), SlotSet("occupation_code", "751204")]
    assert "Piekarz (KZiS 751204) – tasks:" in messages[0][0]


def test_unknown_occupation_gets_an_honest_answer(corpus_searcher):
    events, messages = run(ActionAnswerOccupation(), "Czym zajmuje się zwyrtacz kwantowy?")
    assert not any(e.get("name") == "occupation_code" for e in events)
    text, _buttons = messages[0]
    assert text.startswith(("Nie znam takiego zawodu", "Nazwa „zwyrtacz kwantowy” pasuje"))


def test_a_message_naming_an_unknown_occupation_never_gets_the_current_ones_passages(data_searcher):
    """Only data/ (243108) is loaded: "księgowa" cannot be found, so 243108's tasks must not answer it."""
    slots = {"occupation_code": "243108", "last_question": "Co musi wiedzieć ?", "last_section": "knowledge"}
    events, messages = run(ActionAnswerOccupation(), "Czym zajmuje się księgowa?", slots)
    assert events == [SlotSet("last_question", "Czym zajmuje się księgowa?"), SlotSet("last_ask", "task")]
    assert messages == [(("Nie znam takiego zawodu w opisach, z których korzystam. Napisz inną nazwę albo porozmawiaj "
                         "z doradcą."), ["Kontakt z doradcą"])]


@needs_corpus
@pytest.mark.parametrize("text, code, slots", [
    ("Я працювала касиркою в супермаркеті", "523002", {}),
    ("I was a nurse", "222101", {}),
    ("Czym zajmuje się księgowa?", "331301", {"occupation_code": "243108", "last_section": "task"}),
    ("Pracowałem jako spawacz, co musi wiedzieć?", "721204", {"occupation_code": "243108"}),
    # the sentence before the question is about the user; the question names the occupation asked about
    ("I'm an electrician on construction sites. What tasks does a construction electrician have?", "741104", {}),
    ("Mam 10 lat doświadczenia jako kucharz. Co musi umieć szef kuchni?", "343402", {}),
    # the sentences before it say which of the occupations the question's words name
    ("Mam prawo jazdy C+E i chcę jeździć tirem. Co należy do obowiązków kierowcy?", "833202", {}),
    # a name that holds more of the message's words than the official one it states: the narrower occupation
    ("pracuję jako sprzedawca w sklepie spożywczym, co robię?", "522304", {}),
    ("Jakie zadania ma pielęgniarka anestezjologiczna?", "222202", {}),
    ("Co robi elektryk samochodowy?", "741203", {}),  # by its GUS synonym, not Technik elektryk samochodowy
])
def test_people_naming_their_occupation_get_its_description(corpus_searcher, text: str, code: str, slots: dict):
    events, messages = run(ActionAnswerOccupation(), text, slots)
    assert SlotSet("occupation_code", code) in events
    assert f"KZiS {code}" in messages[-1][0]


@needs_corpus
@pytest.mark.parametrize("text, code, heading", [
    ("Chcę zostać ogrodnikiem. Na czym to polega?", "611303", "(KZiS 611303) – zadania zawodowe:"),  # not training
    ("Pracowałam jako sprzedawczyni. Jakie są zarobki?", "522301", "nie podają zarobków"),
])
def test_the_closing_question_says_what_is_asked_of_the_occupation_named_before_it(corpus_searcher, text: str,
                                                                                    code: str, heading: str):
    """The sentence before the question names the occupation and reads like another kind of question (wanting to
    become one reads like training); the question that names none says what is asked."""
    events, messages = run(ActionAnswerOccupation(), text)
    assert SlotSet("occupation_code", code) in events
    assert heading in messages[0][0]


@needs_corpus
def test_a_question_about_a_pair_keeps_the_sentence_that_names_the_first(corpus_searcher):
    _events, messages = run(ActionAnswerOccupation(),
                           "Pracowałem jako magazynier. Co mam wspólnego z operatorem wózka widłowego?")
    assert "Magazynier" in messages[0][0] and "Kierowca operator wózków jezdniowych" in messages[0][0]


@needs_corpus
def test_a_word_of_the_previous_occupations_name_goes_back_to_it(corpus_searcher):
    """The conversation keeps two occupations: "lektor" after a question about a teacher is the lektor it had."""
    events, messages = run(ActionAnswerOccupation(), "а чи перекладає lektor тексти?",
                           {"occupation_code": "234102", "previous_code": "235301", "language": "uk"})
    assert SlotSet("occupation_code", "235301") in events
    assert "235301" in messages[-1][0]


@needs_corpus
def test_a_verb_after_a_name_word_does_not_hide_the_name(corpus_searcher):
    events, _messages = run(ActionAnswerOccupation(), "a szeregowy jeździ na misje?", {"occupation_code": "021001"})
    assert SlotSet("occupation_code", "031001") in events


@needs_corpus
def test_a_job_ad_title_two_occupations_fit_is_answered_or_offered_first(corpus_searcher):
    """"kat. C+E" fits a tractor-unit driver and a lorry driver (0.62 and 0.53 by the resolver): either the bot
    answers about the first, or it asks with it as the first button."""
    events, messages = run(ActionAnswerOccupation(), "Jestem kierowcą kat. C+E, co powinienem umieć?")
    answered = SlotSet("occupation_code", "833202") in events
    offered = next((e["value"] for e in events if e["name"] == "offered"), None)
    assert answered or (offered and offered[0] == "833202"), (events, messages)


@pytest.mark.parametrize("text, section",
                         [("a umiejetnosci?", "skill"), ("a kompetencje spoleczne?", "social_competence"),
                                           ("a co musi wiedziec?", "knowledge")])
def test_follow_ups_typed_without_polish_letters_list_the_section(data_searcher, text: str, section: str):
    events, messages = run(ActionAnswerOccupation(), text, {"occupation_code": "243108"})
    assert SlotSet("last_section", section) in events
    assert "nie ma informacji" not in messages[0][0]


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
def test_off_topic_verdict_on_a_plain_occupation_name_still_answers_it(data_searcher, intent: str):
    """The intent model may call a bare name off topic; the resolver knows it names an occupation."""
    events, messages = run(ActionOutOfScope(), "specjalista do spraw mediów interaktywnych", intent=intent)
    assert SlotSet("occupation_code", "243108") in events
    assert messages[0][0].startswith("Specjalista do spraw mediów interaktywnych (KZiS 243108)")
    events, messages = run(ActionOutOfScope(), "ile kosztuje bilet do kina", intent=intent)
    # never an occupation's passages; the model may read the price as a question about pay, which it routes
    assert events == [] and messages[0][0].startswith(("Przepraszam, w tym nie pomogę", "Opisy zawodów, z których"))


@needs_corpus
def test_after_codes_the_next_pasted_offer_is_coded_too(corpus_searcher):
    from index.sentences import say

    offer = ("a ta: Operator wózka widłowego – załadunek i rozładunek naczep, przemieszczanie palet w magazynie "
             "wysokiego składowania, praca w systemie dwuzmianowym.")
    events, messages = run(ActionAnswerOccupation(), offer, {"last_ask": "classify_offer"})
    assert messages[0][0].startswith(say("codes", "pl")) and "834401" in messages[0][0]
    assert not any(e.get("name") == "last_ask" for e in events)  # still after codes: a third offer is coded too
    # a question, however long, is still a question
    question = "co robi operator wózka widłowego w magazynie wysokiego składowania na zmianie nocnej w tej firmie?"
    _events, messages = run(ActionAnswerOccupation(), question, {"last_ask": "classify_offer"})
    assert not messages[0][0].startswith(say("codes", "pl"))


@pytest.mark.parametrize("text", ["Szukam pracy... ?", "Jestem spawaczem. ??", "Czym zajmuje się st. referent?"])
def test_messages_that_look_like_two_sentences_get_an_answer_not_the_apology(data_searcher, text: str):
    from index.sentences import say

    _events, messages = run(ActionAnswerOccupation(), text)
    assert messages and all(say("error", "pl") not in m[0] for m in messages)


@needs_corpus
def test_work_described_that_all_rankings_place_first_goes_on_with_it_when_typed_on(corpus_searcher):
    from index.experience import agreed, described
    from index.sentences import say

    text = ("Добрий день! В Україні я 15 років працювала швачкою на швейній фабриці. "
            "Як ця професія називається польською?")
    fit = described(corpus_searcher, text)
    assert agreed(fit) and fit[0].code == "815301"  # Szwaczka maszynowa: the ads, the tasks and the names agree
    events, _ = run(ActionAnswerOccupation(), text, {"language": "uk"})
    assert SlotSet("offered_lead", True) in events
    offered = {"offered": [c.code for c in fit], "offered_lead": True, "language": "uk"}
    _events, messages = run(ActionAnswerOccupation(), "які обов'язки?", offered)
    assert messages[0][0] == say("assume", "uk", name="Szwaczka maszynowa", code="815301")


@needs_corpus
def test_a_routed_question_leaves_the_offered_occupations_pending(corpus_searcher):
    offered = {"offered": ["341202", "532102"], "language": "en"}  # Opiekun osoby starszej, Opiekun medyczny
    events, messages = run(ActionAnswerOccupation(), "is English enough or do I need Polish?", offered)
    assert not any(e.get("name") == "offered" for e in events)  # the buttons are still the ones to go on with
    assert "language" in messages[0][0].lower() or "polish" in messages[0][0].lower()
    events, _ = run(ActionAnswerOccupation(), "what else could I do with this experience?", offered)
    assert SlotSet("offered", None) in events and SlotSet("occupation_code", "341202") in events


@needs_corpus
def test_work_described_offers_occupations_and_asks_again_when_typed_on(corpus_searcher):
    from index.experience import described
    from index.sentences import say

    text = "przez lata wylewałem beton na budowach"
    fit = described(corpus_searcher, text)
    events, messages = run(ActionAnswerOccupation(), text)
    assert events == [SlotSet("offered", [c.code for c in fit]), SlotSet("offered_again", False),
                      SlotSet("offered_lead", False), SlotSet("last_question", ""), SlotSet("last_ask", "overview")]
    buttons = [f"{c.name} ({c.code})" for c in fit] + [say("counsellor_button", "pl")]
    assert messages == [(say("experience", "pl"), buttons)]
    assert "711401" in [c.code for c in fit]  # Betoniarz
    # a question typed instead of a click: none of them was clearly meant, so the bot asks again
    _events, messages = run(ActionAnswerOccupation(), "a co trzeba umieć?", {"offered": [c.code for c in fit]})
    assert messages[0][0] == say("choose_again", "pl")


@needs_corpus
def test_a_question_typed_on_goes_on_with_the_offered_occupation_that_answers_it(corpus_searcher):
    from index.sentences import say

    offered = {"offered": ["341202", "532102"]}  # Opiekun osoby starszej, Opiekun medyczny
    events, messages = run(ActionAnswerOccupation(), "czy trzeba podawać leki?", offered)
    # only the second's description answers it (ESCO: "pomagać w podawaniu leków"): assumed, the first a click away
    assume = say("assume", "pl", name="Opiekun medyczny", code="532102")
    assert messages[0] == (assume, ["Opiekun osoby starszej (341202)"])
    assert SlotSet("occupation_code", "532102") in events
    # a question both answer alike says nothing of which is meant: asked once more
    _events, messages = run(ActionAnswerOccupation(), "a pracuje się w nocy?", {"offered": ["532102", "341202"]})
    assert messages[0][0] == say("choose_again", "pl")


@needs_corpus
def test_a_name_typed_under_buttons_picks_the_button_it_names(corpus_searcher):
    offered = {"offered": ["833203", "833101"], "offered_lead": True}  # lorry driver first, clearly ahead
    events, messages = run(ActionAnswerOccupation(), "a autobusu?", offered)
    assert SlotSet("occupation_code", "833101") in events  # Kierowca autobusu, not the first offered
    assert messages[0][0].startswith("Kierowca autobusu (KZiS 833101)")


@pytest.mark.parametrize("text, candidates, texts, expected", [
    # one of the others holds more of the message's words, and all the first's: the narrower occupation
    ("sprzedawca w sklepie spożywczym", [("1", "Sprzedawca"), ("2", "Sprzedawca w branży spożywczej")], {}, "2"),
    # by one of its other names
    ("elektryk samochodowy", [("1", "Elektryk"), ("2", "Elektromechanik pojazdów")],
     {"2": ["Elektryk samochodowy"]}, "2"),
    # a name whose first word the message lacks does not count ("Technik …")
    ("elektryk samochodowy", [("1", "Elektryk"), ("2", "Technik elektryk samochodowy")], {}, None),
    # never a "not elsewhere classified" occupation
    ("nauczyciel szkoły podstawowej", [("1", "Nauczyciel"), ("234190", "Nauczyciel szkoły podstawowej")], {}, None),
    # two narrower ones: the message does not say which
    ("sprzedawca w sklepie spożywczym", [("1", "Sprzedawca"), ("2", "Sprzedawca w sklepie"),
                                         ("3", "Sprzedawca spożywczy")], {}, None),
    # the first holds none of the words (named by other signals): no narrower reading of it
    ("czy kierowca sam rozładowuje towar", [("1", "Kierownik magazynu"), ("2", "Kierowca samochodu")], {}, None),
    # one name-like word: nothing narrower to name
    ("sprzedawca", [("1", "Sprzedawca"), ("2", "Sprzedawca w branży spożywczej")], {}, None),
    # a verb between the words: the furniture is what the joiner works on, not a narrower joiner
    ("czy stolarz naprawia też stare meble?", [("1", "Stolarz"), ("2", "Stolarz meblowy")], {}, None),
    ("stolarz meblowy naprawia meble", [("1", "Stolarz"), ("2", "Stolarz meblowy")], {}, "2"),
])
def test_the_narrower_name_a_message_holds_more_of(text: str, candidates: list, texts: dict, expected: str | None):
    from index.resolve import fuller_name

    assert fuller_name(text, candidates, lambda code: texts.get(code, [])) == expected


@needs_corpus
def test_an_occupation_kzis_only_names_offers_its_unit_groups_described_ones(corpus_searcher):
    events, messages = run(ActionAnswerOccupation(), "co robi pomoc kuchenna?")
    assert SlotSet("occupation_code", "941201") in events
    assert messages == [(("Zawód Pomoc kuchenna (941201) ma w klasyfikacji KZiS tylko nazwę, bez opisu i zadań "
                         "zawodowych. Należy do grupy elementarnej 9412 Pomoce kuchenne; opisy mają zawody z tej grupy "
                         "poniżej. Więcej powie doradca urzędu."),
                         ["Zmywacz naczyń (941202)", "Pracownik pomocniczy gastronomii (941203)", "Kontakt z doradcą"])]


@needs_corpus
@pytest.mark.parametrize("text", ["kod 999999", "a 512003?", "porównaj 512001 i 999999"])
def test_a_code_kzis_does_not_have_is_said_so(corpus_searcher, text: str):
    events, messages = run(ActionAnswerOccupation(), text, {"occupation_code": "512001"})
    assert events == []  # the occupation at hand stays
    code = "512003" if "512003" in text else "999999"
    assert messages == [((f"Kodu {code} nie ma w klasyfikacji zawodów i specjalności (KZiS). Sprawdź cyfry albo "
                         "napisz nazwę zawodu."), [])]


@needs_corpus
@pytest.mark.parametrize("text", ["porownaj z kierowca autobusu", "порівняй з водієм автобуса"])
def test_compare_with_one_named_compares_it_with_the_current_one(corpus_searcher, text: str):
    _, messages = run(ActionAnswerOccupation(), text, {"occupation_code": "833202"})
    assert "(KZiS 833202)" in messages[0][0] and "(KZiS 833101)" in messages[0][0]


@needs_corpus
def test_a_requirement_the_description_names_is_shown_beside_the_routing(corpus_searcher):
    """Documents are the office's to explain, but a clean record the description requires is its answer."""
    _events, messages = run(ActionAnswerOccupation(), "Czy portier musi mieć zaświadczenie o niekaralności?")
    assert messages[0] == (("Opis zawodu Portier (541306) wymienia to w tych fragmentach. Jakie dokumenty i jaki "
                            "poziom języka są potrzebne u konkretnego pracodawcy oraz jak potwierdzić kwalifikacje "
                            "zdobyte za granicą, wyjaśni doradca urzędu."), ["Kontakt z doradcą"])
    assert "niekaralność" in messages[1][0] and "Źródło: Portier, kod KZiS 541306" in messages[1][0]
    # documents in general: a word hundreds of tasks about paperwork hold answers nothing
    _events, messages = run(ActionAnswerOccupation(), "Jakie dokumenty potrzebuje spawacz?")
    assert messages == [(("Opisy zawodów, z których korzystam, nie mówią o dokumentach ani o uznawaniu dyplomów "
                          "(także dla zawodu Spawacz). Jakie dokumenty są potrzebne i jak potwierdzić kwalifikacje "
                          "zdobyte za granicą, wyjaśni doradca urzędu."), ["Kontakt z doradcą"])]


@pytest.mark.parametrize("text, current, expected", [
    ("a autobus?", "833202", "833101"),  # what tells two drivers apart names the other one
    ("a ciężarówka?", "833202", "833203"),
    ("a prawo jazdy?", "833202", "833202"),  # a topic, though "prawo" starts other names (Radca prawny)
])
def test_a_word_that_tells_apart_an_occupation_of_the_same_kind_switches_to_it(corpus_searcher, text: str,
                                                                                  current: str, expected: str):
    _events, messages = run(ActionAnswerOccupation(), text, {"occupation_code": current, "last_ask": "task"})
    assert f"(KZiS {expected})" in messages[-1][0] or f"({expected})" in messages[-1][0]


@pytest.mark.parametrize("text", ["porownaj mi te dwie prace", "порівняй ці дві роботи",
                                  "what's the difference between the two?"])
def test_compare_the_two_compares_the_occupations_the_conversation_keeps(corpus_searcher, text: str):
    _, messages = run(ActionAnswerOccupation(), text, {"occupation_code": "833101", "previous_code": "833203"})
    assert "(KZiS 833203)" in messages[0][0] and "(KZiS 833101)" in messages[0][0]


def test_an_offer_pasted_in_lines_is_coded_without_being_asked(corpus_searcher):
    from index.sentences import say

    offer = ("Operator wózka widłowego\nzaładunek i rozładunek naczep, obsługa skanera\n"
             "uprawnienia UDT na wózki jezdniowe, praca w systemie trzyzmianowym")
    _events, messages = run(ActionAnswerOccupation(), offer, {"occupation_code": "531204", "last_ask": "task"})
    assert messages[0][0].startswith(say("codes", "pl")) and "834401" in messages[0][0]


def test_a_jobseekers_story_in_lines_is_not_coded_as_an_offer(corpus_searcher):
    from index.sentences import say

    story = "Dzień dobry\nJestem z Ukrainy\nszukam pracy jako kierowca kat C, mam 5 lat doświadczenia"
    _events, messages = run(ActionAnswerOccupation(), story)
    assert messages and not messages[0][0].startswith(say("codes", "pl"))


def test_learning_words_in_a_question_name_no_teacher(corpus_searcher):
    _events, messages = run(ActionAnswerOccupation(), "a ile trzeba się uczyć żeby nią zostać?",
                            {"occupation_code": "341202", "last_ask": "specific"})
    assert "341202" in messages[0][0] and "Nauczyciel" not in messages[0][0]


def test_more_after_the_closest_passages_goes_on_with_the_same_question(corpus_searcher):
    from index.sentences import say

    slots = {"occupation_code": "541307", "last_ask": "specific"}
    events, _ = run(ActionAnswerOccupation(), "do they patrol the premises?", slots)
    got = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert got["last_list"] == "passages"
    _events, messages = run(ActionAnswerOccupation(), "more", {**slots, **got, "language": "en"})
    assert messages and messages[0][0] != say("nothing_to_continue", "en")


def test_words_that_describe_one_offered_button_best_pick_it(corpus_searcher):
    offered = {"offered": ["723105", "723103", "431202"], "last_ask": "overview", "language": "en"}
    _events, messages = run(ActionAnswerOccupation(), "the car mechanic one, what are the tasks?", offered)
    assert any("Mechanik pojazdów samochodowych (KZiS 723103) – tasks" in m[0] for m in messages)


@pytest.mark.parametrize("scores, picked", [((0.13, 0.07), "723103"), ((0.06, 0.05), None), ((0.02, 0.0), None)])
def test_a_button_is_picked_by_a_clear_lead_over_the_other_buttons(scores: tuple[float, float], picked: str | None):
    from actions.converse import _button_named
    from index.resolve import Candidate, Resolution

    res = Resolution([Candidate("723103", "A", scores[0]), Candidate("723105", "B", scores[1])], True,
                     name_words=("motor", "mechanic"))
    assert _button_named(res, ("723105", "723103")) == picked
    assert _button_named(res, ("431202",)) is None  # the words name no button


@needs_corpus
def test_a_follow_up_is_ranked_without_any_name_of_its_occupation_said_whole(corpus_searcher):
    from actions.occupation_actions import _without_name

    # "customs agent" is Agent celny's English name (the team's glossary): neither word is a topic of the question
    assert _without_name(corpus_searcher, "Does a customs agent take samples?", "333101") == "Does a take samples?"
    # a word of a name said only in part stays ("customs" alone may be what is asked about)
    law = "Does he deal with customs law?"
    assert _without_name(corpus_searcher, law, "333101") == law
    # ... and the words of a name said apart are no saying of it: "customs" stays the topic
    assert _without_name(corpus_searcher, "Does an agent know customs law?", "333101") == "Does an know customs law?"


@needs_corpus
def test_a_new_name_typed_under_buttons_is_that_occupation_not_a_button_sharing_a_word(corpus_searcher):
    offered = {"offered": ["833202", "432103", "962101"]}  # tractor-trailer driver, warehouse worker, courier
    events, _ = run(ActionAnswerOccupation(), "a kierowca autobusu?", offered)
    assert SlotSet("occupation_code", "833101") in events  # Kierowca autobusu, though "kierowca" is a button's word
    events, _ = run(ActionAnswerOccupation(), "chodzi mi o transport samochodowy", {"offered": ["432302", "432303"]})
    assert SlotSet("occupation_code", "432302") in events  # only Dyspozytor transportu samochodowego has its words


@needs_corpus
def test_a_name_typed_under_buttons_with_a_word_like_exactly_is_that_occupation(corpus_searcher):
    # "dokładnie" names nothing: the message is the forklift driver's name and a question, not a topic of a button
    offered = {"offered": ["432103", "132404", "933304"]}  # warehouse worker, warehouse manager, warehouse labourer
    events, _ = run(ActionAnswerOccupation(), "kierowca wózka widłowego - co dokładnie robi?", offered)
    assert SlotSet("occupation_code", "834401") in events


@needs_corpus
def test_a_sibling_of_the_same_unit_group_is_named_by_what_tells_them_apart(corpus_searcher):
    events, _ = run(ActionAnswerOccupation(), "a koparko-ładowarka?", {"occupation_code": "834205", "last_ask": "task"})
    assert SlotSet("occupation_code", "834206") in events  # Operator koparko-ładowarki, not the excavator's topic
    events, _ = run(ActionAnswerOccupation(), "a BHP?", {"occupation_code": "512001", "last_ask": "task"})
    assert not any(e.get("name") == "occupation_code" for e in events)  # a topic of the cook's, as before


@needs_corpus
def test_a_code_asked_for_a_name_the_bot_is_unsure_of_is_a_choice_not_the_occupation_at_hand(corpus_searcher):
    at_hand = {"occupation_code": "931201", "last_ask": "overview", "last_list": "section", "last_section": "task",
               "last_question": "grabarz", "shown": 5.0}  # Grabarz
    events, messages = run(ActionAnswerOccupation(), "kod dla: pomocnik od wszystkiego w kuchni", at_hand)
    assert not any(e.get("name") == "occupation_code" for e in events)
    assert messages[0][0].startswith("Nie znam takiego zawodu") and len(messages) == 1  # offered, not the gravedigger
    assert not any("Grabarz" in b for b in messages[0][1])
    # the code of the occupation at hand is asked without naming it: that one, with its code
    events, messages = run(ActionAnswerOccupation(), "а який код?", {**at_hand, "language": "uk"})
    assert not any(e.get("name") == "occupation_code" for e in events) and "931201" in messages[-1][0]
    # the team's Polish names know the dishwasher's colloquial name: named for sure
    events, _ = run(ActionAnswerOccupation(), "kod dla: pani na zmywaku", at_hand)
    assert SlotSet("occupation_code", "941202") in events


@needs_corpus
def test_more_after_a_reply_that_listed_nothing_goes_on_with_the_occupations_next_part(corpus_searcher):
    from index.sentences import say

    seen = {"occupation_code": "741103", "last_list": None, "seen": ["741103:task:5"]}  # Elektryk, 5 tasks shown
    events, messages = run(ActionAnswerOccupation(), "więcej", seen)
    assert messages[0][0].startswith("Elektryk (KZiS 741103) – opis zawodu:")  # the part not shown yet
    assert SlotSet("last_list", "section") in events and SlotSet("last_section", "overview") in events
    # ... from where it stopped: the overview seen, the tasks go on with the sixth
    sixth = corpus_searcher.listing("741103", "task")[5].passage.text
    _, messages = run(ActionAnswerOccupation(), "więcej", {**seen, "seen": ["741103:overview:1", "741103:task:5"]})
    assert messages[0][0].startswith("Elektryk (KZiS 741103) – zadania zawodowe:") and sixth in messages[0][0]
    _, messages = run(ActionAnswerOccupation(), "więcej", {"occupation_code": None, "last_list": None})
    assert messages == [(say("nothing_to_continue", "pl"), [])]


@needs_corpus
def test_a_language_question_is_answered_by_a_passage_about_languages_however_typed(corpus_searcher):
    # Technik hotelarstwa: "Biegłe posługiwanie się przynajmniej jednym językiem obcym …", asked without Polish letters
    _, messages = run(ActionAnswerOccupation(), "musze znac jezyki obce?", {"occupation_code": "422402"})
    assert "językiem obcym" in "\n".join(text for text, _ in messages)
    # a programmer's "język programowania" is no language people speak
    _, messages = run(ActionAnswerOccupation(), "czy trzeba znać języki obce?", {"occupation_code": "251401"})
    assert "w wybranym języku" not in "\n".join(text for text, _ in messages)


@needs_corpus
def test_a_place_said_as_a_noun_names_the_occupation_its_adjective_names(corpus_searcher):
    from index.resolve import fuller_name

    res = corpus_searcher.resolve("recepcjonistka w hotelu")
    named = [(c.code, c.name) for c in res.candidates]
    assert fuller_name("recepcjonistka w hotelu", named, corpus_searcher.classifier.names_of) == "422401"
    # only that way round: an adjective of the message names no occupation by its noun ("z samochodu")
    q = "sprzedawca w sklepie z częściami samochodowymi"
    named = [(c.code, c.name) for c in corpus_searcher.resolve(q).candidates]
    assert fuller_name(q, named, corpus_searcher.classifier.names_of) != "521102"  # Sprzedawca obwoźny z samochodu


def test_a_task_or_competence_label_shows_it_from_the_description_at_hand(data_searcher):
    at_hand = {"occupation_code": "243108", "last_ask": "task"}
    _, messages = run(ActionAnswerOccupation(), "Z3", at_hand)
    task = next(h.passage.text for h in data_searcher.listing("243108", "task") if h.passage.task_id == "Z3")
    assert task in messages[0][0]  # the task, then the knowledge and skills it takes
    shown = "\n".join(text for text, _ in messages)
    assert "(wiedza)" in shown and "(umiejętności)" in shown
    _, messages = run(ActionAnswerOccupation(), "a Kz2?", at_hand)
    z6 = next(h.passage.text for h in data_searcher.listing("243108", "task") if h.passage.task_id == "Z6")
    assert z6 in "\n".join(text for text, _ in messages)  # Kz2 is the competence of Z6 and Z7
