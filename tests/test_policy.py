"""The dialogue policy, table by table: state and understood message in, the step out (no servers needed)."""

from __future__ import annotations

import pytest

from actions.policy import Naming, State, Step, Understood, decide

FOLLOW = Naming("follow_up", question="q")
NAMED = Naming("named", "712303", question="q", full=True)  # tynkarz
AMBIGUOUS = Naming("ambiguous", candidates=(("341202", "Opiekun osoby starszej"), ("532102", "Opiekun w DPS")),
                   words="opiekun", question="q")
TOPIC = Naming("ambiguous", candidates=(("512201", "Kierownik zmiany"),), words="zmiany", question="q", head=False)
NOTHING = Naming("none", question="q")
ABOUT_WELDER = State(current="721204", last_ask="skill", last_list="section")
OFFERED = State(offered=("341202", "532102", "532101"))

CASES: list[tuple[str, State, Understood, Step]] = [
    ("a kind of information about the current occupation", ABOUT_WELDER, Understood("knowledge", FOLLOW),
     Step("answer", code="721204", ask="knowledge", question="q")),
    ("a kind of information naming another occupation switches", ABOUT_WELDER, Understood("task", NAMED),
     Step("answer", code="712303", ask="task", question="q")),
    ("'a tynkarz?' answers the last kind of information for the new one", ABOUT_WELDER, Understood("name", NAMED),
     Step("answer", code="712303", ask="skill", question="q")),
    ("a bare name with nothing asked before: what the job is", State(), Understood("name", NAMED),
     Step("answer", code="712303", ask="overview", question="q")),
    ("a name after a specific question: what the job is, not the old topic",
     State(current="721204", last_ask="specific"), Understood("name", NAMED),
     Step("answer", code="712303", ask="overview", question="q")),
    ("... and after a question on working conditions", State(current="721204", last_ask="conditions"),
     Understood("name", NAMED), Step("answer", code="712303", ask="overview", question="q")),
    ("nothing known yet: ask which occupation, keeping the kind", State(), Understood("skill", NOTHING),
     Step("ask_which", ask="skill", question="q")),
    ("an ambiguous name: choose", ABOUT_WELDER, Understood("task", AMBIGUOUS),
     Step("choose", ask="task", candidates=AMBIGUOUS.candidates, words="opiekun", question="q")),
    ("a question typed instead of a click, no clear lead: ask once more", OFFERED, Understood("skill", NOTHING),
     Step("choose", ask="skill", candidates=(("341202", ""), ("532102", ""), ("532101", "")), question="q",
          words="again")),
    ("other jobs asked under the occupations a described job fits: the first one's related, the others as buttons",
     OFFERED, Understood("related", NOTHING),
     Step("assume", code="341202", ask="related", question="q", candidates=(("532102", ""), ("532101", "")))),
    ("... asked once more already: go on with the first", State(offered=OFFERED.offered, offered_again=True),
     Understood("skill", NOTHING), Step("assume", code="341202", ask="skill", question="q",
                                        candidates=(("532102", ""), ("532101", "")))),
    ("... the first clearly ahead: go on with it", State(offered=OFFERED.offered, offered_lead=True),
     Understood("knowledge", NOTHING), Step("assume", code="341202", ask="knowledge", question="q",
                                            candidates=(("532102", ""), ("532101", "")))),
    ("a pending choice does not win over a current occupation's... it does: the buttons were the last turn",
     State(current="721204", offered=("341202",), offered_lead=True), Understood("task", FOLLOW),
     Step("assume", code="341202", ask="task", question="q")),
    ("a specific question only the second offered answers: go on with it, the others as buttons", OFFERED,
     Understood("specific", NOTHING, fits="532102"),
     Step("assume", code="532102", ask="specific", question="q", candidates=(("341202", ""), ("532101", "")))),
    ("... a fit that was not offered is no fit", OFFERED, Understood("specific", NOTHING, fits="721204"),
     Step("choose", ask="specific", candidates=(("341202", ""), ("532102", ""), ("532101", "")), question="q",
          words="again")),
    ("the Polish name of work described in a sentence that names no occupation: the occupations it fits",
     State(), Understood("in_polish", Naming("unknown", question="I drive trucks on international routes, how is it "
                                                                  "called in Polish?")), Step("experience")),
    ("... of work a word of which resembles a name ('make beds': Stolarz): the occupations the work fits", State(),
     Understood("in_polish", Naming("ambiguous", candidates=(("752205", "Stolarz"), ("422402", "")), lead=True,
                                    words="clean rooms hotel make beds", question="I in , . What is this job name?")),
     Step("experience")),
    ("other jobs for work described, nothing at hand: the occupations the work fits", State(),
     Understood("related", Naming("none", question="I worked in a warehouse picking orders and loading trucks")),
     Step("experience")),
    ("... 'is it like X?' of work described: a comparison names only one, the work is what to name", State(),
     Understood("compare", Naming("unknown", candidates=(("933304", ""), ("432103", "")),
                                  question="picking orders, scanning parcels, loading trucks. Which job is it?")),
     Step("experience")),
    ("... not other jobs like an occupation named unsurely by three words", State(),
     Understood("related", Naming("ambiguous", candidates=(("832202", ""), ("962101", "")),
                                  words="kierowcy firmie kurierskiej", question="jakie zawody podobne do w ?")),
     Step("choose", ask="related", candidates=(("832202", ""), ("962101", "")), question="jakie zawody podobne do w ?",
          words="kierowcy firmie kurierskiej")),
    ("'więcej' after codes of an offer: nothing of the occupation to go on with",
     State(current="741103", last_ask="classify_offer"), Understood("more"), Step("nothing_to_continue")),
    ("... with an occupation at hand, other jobs are that one's", State(current="432103"),
     Understood("related", Naming("follow_up", question="picking orders, scanning parcels, loading trucks")),
     Step("related", code="432103")),
    ("... of a sentence of question words: no work described, the name is unknown", State(),
     Understood("in_polish", Naming("unknown", question="Jak się nazywa po polsku mój zawód, który wykonywałam?")),
     Step("unknown", ask="in_polish", question="Jak się nazywa po polsku mój zawód, który wykonywałam?")),
    ("... of nothing described: which occupation", State(),
     Understood("in_polish", Naming("none", question="a po polsku?")),
     Step("ask_which", ask="in_polish", question="a po polsku?")),
    ("'a czym się różnią?' under the buttons: the first two offered", OFFERED, Understood("compare", NOTHING),
     Step("compare", code="341202", other="532102")),
    ("'a czym się różni od X?' under the buttons: the first offered and X", OFFERED,
     Understood("compare", NAMED, pair=("712303",)), Step("compare", code="341202", other="712303")),
    ("'a X — to to samo?' of the first button: X and the next one offered", OFFERED,
     Understood("compare", NAMED, pair=("341202",)), Step("compare", code="532102", other="341202")),
    ("a name typed after buttons is that occupation", OFFERED, Understood("task", NAMED),
     Step("answer", code="712303", ask="task", question="q")),
    ("buttons ignored for a message of nothing but a new name's words: choose among the new name's occupations",
     OFFERED, Understood("knowledge", Naming("ambiguous", candidates=(("723103", "A"), ("311513", "B")),
                                             words="mechanik samochodowy", question="q", head=False, bare=True)),
     Step("choose", ask="knowledge", candidates=(("723103", "A"), ("311513", "B")), words="mechanik samochodowy",
          question="q")),
    ("'а нотаріус?' in a conversation about a welder: the occupations other signals give, not the welder again",
     ABOUT_WELDER, Understood("name", Naming("follow_up", candidates=(("261905", "Notariusz"),), question="q")),
     Step("unknown", ask="skill", candidates=(("261905", "Notariusz"),), question="q")),
    ("... a question with such words stays with the welder", ABOUT_WELDER,
     Understood("conditions", Naming("follow_up", candidates=(("132103", "Kierownik"),), question="q")),
     Step("answer", code="721204", ask="conditions", question="q")),
    ("topic words that fit several names are the current occupation's topic", ABOUT_WELDER,
     Understood("specific", TOPIC), Step("answer", code="721204", ask="specific", question="q")),
    ("... and after buttons, the offered occupations' topic", State(offered=OFFERED.offered, offered_lead=True),
     Understood("conditions", TOPIC), Step("assume", code="341202", ask="conditions", question="q",
                                               candidates=(("532102", ""), ("532101", "")))),
    ("an ambiguous name with a clear lead: go on with it, the others as buttons", State(),
     Understood("task", Naming("ambiguous", candidates=(("911207", "A"), ("911201", "B")), question="q", lead=True)),
     Step("assume", code="911207", ask="task", question="q", candidates=(("911201", "B"),))),
    ("an occupation the resolver does not know, in a question: never the current one's passages", ABOUT_WELDER,
     Understood("task", Naming("unknown", question="q")), Step("unknown", ask="task", question="q")),
    ("a topical question with words no occupation fits: the current occupation's topic", ABOUT_WELDER,
     Understood("conditions", Naming("unknown", candidates=(("1", "A"),), question="q")),
     Step("answer", code="721204", ask="conditions", question="q")),
    ("a name that is not known, asked as a name: the candidates", ABOUT_WELDER,
     Understood("name", Naming("unknown", candidates=(("1", "A"),), question="q")),
     Step("unknown", ask="skill", candidates=(("1", "A"),), question="q")),
]

ROUTES = [(kind, Step("route", code="721204", topic=kind, question="q"))
          for kind in ("salary", "offers", "documents", "funding", "language")]

OTHERS: list[tuple[str, State, Understood, Step]] = [
    ("'więcej' continues the last list", ABOUT_WELDER, Understood("more"), Step("more")),
    ("'więcej' with nothing shown", State(), Understood("more"), Step("nothing_to_continue")),
    ("a task's label of the description at hand ('Kz2')", State(current="243108"),
     Understood("label", Naming("follow_up", question="Kz2")), Step("label", code="243108", question="Kz2")),
    ("'więcej' after a decline: the occupation goes on", State(current="721204"), Understood("more"), Step("more")),
    ("a comparison naming two", State(), Understood("compare", pair=("712303", "711202")),
     Step("compare", code="712303", other="711202")),
    ("a comparison naming one: the current one is the other", ABOUT_WELDER, Understood("compare", pair=("712303",)),
     Step("compare", code="721204", other="712303")),
    ("'a co mają wspólnego?' after a comparison: the last two", State(current="711202", previous="712303"),
     Understood("shared"), Step("compare", code="712303", other="711202", shared=True)),
    ("a comparison with one occupation known only", ABOUT_WELDER, Understood("compare"),
     Step("compare_which")),
    ("related occupations of the current one", ABOUT_WELDER, Understood("related", FOLLOW),
     Step("related", code="721204")),
    ("related occupations with none known: ask which", State(), Understood("related", NOTHING),
     Step("ask_which", ask="related", question="q")),
    ("what to learn to become the occupation named, from the current one", ABOUT_WELDER, Understood("move", NAMED),
     Step("move", code="721204", other="712303")),
    ("... with no current occupation: the named one's training", State(), Understood("move", NAMED),
     Step("answer", code="712303", ask="training", question="q")),
    ("... naming none: the current one's related occupations", ABOUT_WELDER, Understood("move", FOLLOW),
     Step("related", code="721204")),
    ("a pasted offer asking for its code", ABOUT_WELDER, Understood("classify_offer", FOLLOW), Step("classify")),
    ("work described in one's own words", State(), Understood("experience", NOTHING), Step("experience")),
    ("work described with a clear occupation name: that occupation", State(), Understood("experience", NAMED),
     Step("answer", code="712303", ask="overview", question="q")),
    ("off topic", ABOUT_WELDER, Understood("off_topic", FOLLOW), Step("off_topic")),
    ("off topic with a word near a name ('w krakowie' ~ Krawiec): still off topic", State(),
     Understood("off_topic", Naming("named", "753105", question="q")), Step("off_topic")),
    ("off topic by the model but names an occupation for sure", State(), Understood("off_topic", NAMED),
     Step("answer", code="712303", ask="overview", question="q")),
    ("chit-chat", ABOUT_WELDER, Understood("chitchat", FOLLOW), Step("chitchat")),
    ("a bare word that heads several names, read as chit-chat: which occupation is meant", State(),
     Understood("chitchat", Naming("ambiguous", candidates=(("341202", "A"), ("532102", "B")), words="opiekun",
                                   question="q", bare=True)),
     Step("choose", ask="overview", candidates=(("341202", "A"), ("532102", "B")), words="opiekun", question="q")),
    ("the Polish name of the current occupation", ABOUT_WELDER, Understood("in_polish", FOLLOW),
     Step("in_polish", code="721204")),
]


@pytest.mark.parametrize(("state", "msg", "step"), [c[1:] for c in CASES + OTHERS], ids=[c[0] for c in CASES + OTHERS])
def test_policy(state: State, msg: Understood, step: Step) -> None:
    assert decide(state, msg) == step


@pytest.mark.parametrize(("kind", "step"), ROUTES, ids=[r[0] for r in ROUTES])
def test_questions_the_office_answers_are_routed_with_the_current_occupation(kind: str, step: Step) -> None:
    assert decide(ABOUT_WELDER, Understood(kind, FOLLOW)) == step


def test_routing_names_the_occupation_the_message_names() -> None:
    # the question goes with it: a requirement the description names is shown beside the routing
    assert decide(ABOUT_WELDER, Understood("salary", NAMED)) == Step("route", code="712303", topic="salary",
                                                                     question="q")


@pytest.mark.parametrize("text, introduces", [
    ("pracuję jako kucharz", True), ("co robi kucharz?", True), ("Працювала швачкою", True),
    ("я працюю кухарем", True),
    ("a pracuje się w nocy?", False), ("co robi przy złamaniach i krwotokach?", False), ("чи працюють вночі?", False),
])
def test_what_introduces_an_occupation_and_what_asks_about_the_one_at_hand(text: str, introduces: bool) -> None:
    from index.intent import names_occupation

    assert names_occupation(text) is introduces


@pytest.mark.parametrize("message, split", [
    ("Byłem spawaczem. Co robi monter?", ("Byłem spawaczem.", "Co robi monter?")),
    ("Straciłam pracę! Co dalej? Co robi kasjer?", ("Straciłam pracę! Co dalej?", "Co robi kasjer?")),
    ("Szukam pracy jako specjalista ds. kadr. Co robi kadrowa?",
     ("Szukam pracy jako specjalista ds. kadr.", "Co robi kadrowa?")),  # "ds." ends no sentence
    ("Co robi spawacz?", None),  # one sentence
    ("Co robi spawacz? Pracowałem w hucie.", None),  # the last sentence is no question
    ("Jestem kierowcą kat. C+E, co powinienem umieć?", None),
    ("Czym zajmuje się st. referent?", None),  # a title's abbreviation ends no sentence
    ("Szukam pracy... ?", None),  # a question mark alone is no question
    ("Jestem spawaczem. ??", None),
])
def test_the_question_at_the_end_of_a_message(message: str, split: tuple[str, str] | None) -> None:
    from actions.converse import question_last

    assert question_last(message) == split


@pytest.mark.parametrize("message, offer", [
    ("Operator wózka widłowego – załadunek i rozładunek naczep, przemieszczanie palet w magazynie, dwie zmiany.", True),
    ("a ta: Kucharz do restauracji hotelowej, kuchnia polska, praca zmianowa, umowa o pracę od zaraz", True),
    ("a jakie są zarobki operatora wózka widłowego w naszym powiecie w tym roku", False),  # no mark, still a question
    ("co robi operator wózka widłowego w magazynie wysokiego składowania na nocnej zmianie?", False),
    ("Operator wózka widłowego", False),  # a title alone is a name to look up
])
def test_what_after_codes_is_the_next_offer(message: str, offer: bool) -> None:
    from actions.converse import offer_like

    assert offer_like(message) is offer


BUS = ("Zatrudnimy kierowcę autobusu kat. D do przewozów regularnych. Wymagane: prawo jazdy kat. D, karta kierowcy. "
       "Praca w systemie zmianowym.")


@pytest.mark.parametrize("message, parts", [
    (f"jaki kod? »{BUS}«", (BUS, None)),  # the offer's own colon stays in it
    (f"Podaj kod KZiS dla tej oferty: {BUS}", (BUS, None)),
    (f"{BUS} Jaki to kod?", (BUS, None)),
    (f"a ta: {BUS}", (BUS, None)),
    (f"and this one – {BUS}", (BUS, None)),
    ("jaki kod zawodu?\nSpawacz MIG/MAG\nSpawanie konstrukcji stalowych: hala, jedna zmiana.",
     ("Spawacz MIG/MAG", "Spawanie konstrukcji stalowych: hala, jedna zmiana.")),
    ("Tata: operator koparki", ("Tata: operator koparki", None)),  # "ta" only as a word of its own
    ("jaki kod ma spawacz MIG/MAG?", ("spawacz MIG/MAG", None)),  # the job named inside the frame
    ("what is the code for a welder?", ("welder", None)),
    # a first line that introduces the job: the next line names it
    ("Firma logistyczna zatrudni:\nOperator wózka widłowego\nzaładunek naczep, praca zmianowa",
     ("Operator wózka widłowego", "Firma logistyczna zatrudni:\nzaładunek naczep, praca zmianowa")),
    # ... but a first line that names the job after the hiring words is the title
    ("Zatrudnimy kierowcę autobusu kat. D\nWymagane: prawo jazdy kat. D\nPraca zmianowa",
     ("Zatrudnimy kierowcę autobusu kat. D", "Wymagane: prawo jazdy kat. D\nPraca zmianowa")),
])
def test_a_pasted_offer_is_coded_without_the_question_around_it(message: str, parts: tuple[str, str | None]) -> None:
    from actions.converse import offer_parts

    assert offer_parts(message) == parts


@pytest.mark.parametrize("message, next_offer", [
    ("a ta: Brukarz – układanie kostki brukowej i obrzeży, wykonywanie podbudowy, praca na terenie województwa.", True),
    ("kolejna – Kucharz do restauracji hotelowej, kuchnia polska, praca zmianowa, umowa o pracę od zaraz", True),
    ("a ta praca jest ciężka?", False),
    ("a ten zawód to co robi?", False),
])
def test_the_next_offer_is_pointed_at(message: str, next_offer: bool) -> None:
    from actions.converse import NEXT_OFFER

    assert bool(NEXT_OFFER.match(message)) is next_offer


@pytest.mark.parametrize("message, hiring", [
    ("Przyjmę spawacza MIG/MAG, spawanie konstrukcji stalowych, czytanie rysunku technicznego.", True),
    ("Hotel w Zakopanem zatrudni recepcjonistkę z językiem angielskim, praca zmianowa", True),
    ("Szukamy osoby do pracy na magazynie, wózek widłowy, dwie zmiany", True),
    ("We are hiring warehouse operatives for night shifts in Poznań", True),
    ("Przyjmę każdą pracę, mam doświadczenie w magazynie i na budowie", False),  # a jobseeker's words
    ("szukamy z mężem pracy razem, on był spawaczem a ja sprzątałam biura", False),
    ("Poszukujemy pracy dla syna, skończył technikum mechaniczne", False),
])
def test_an_employers_words_open_an_offer(message: str, hiring: bool) -> None:
    from actions.converse import HIRING

    assert bool(HIRING.match(message)) is hiring
