"""One turn about occupations: understand the message (``understand``), decide (``policy.decide``), carry it out.

Every action about occupations runs ``converse``, whichever intent Rasa's model gave the message: what the message
asks is decided here, by the model trained on the team's labelled messages (``index.asks``), and the occupation
by the resolver, so a follow-up typed instead of a click, "a murarz?" or "a co mają wspólnego?" is understood
whatever Rasa's intents make of it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.answer import SEARCHED, plan_for, sections_of
from index.config import settings
from index.distinct import distinct
from index.experience import agreed, described
from index.resolve import Resolution, fuller_name, holds_words
from index.search import MAX_K, Hit, Searcher, strip_words
from index.text import content_words, fold, name_words

from . import metrics
from .base import Turn
from .compose import (
    choose_buttons,
    comparison_messages,
    counsellor_button,
    passages_messages,
    related_text,
    shared_messages,
)
from .lookup_actions import CODE, codes_in, two_occupations
from .messages import SECTION_NAMES, SECTION_TITLES, label, say
from .occupation_actions import SHOW_ALL, SUGGEST_MIN, resolve, route
from .occupation_actions import decide as name_decision
from .policy import INFO, ROUTED, Naming, State, Step, Understood, about, decide
from .runtime import asks, relations, searcher

LEAD_MIN, LEAD_RATIO = 0.08, 2.5
FIT_MARGIN = 0.02  # cosine by which one offered occupation's passage answers a question better than the others'
CODE_LOOKUP_BELOW = 0.5  # the model's probability under which a message with a KZiS code is a look-up of it
NAME_ECHO = 3  # words of a message said back as the name it used ("Nazwa „opiekun” pasuje …"); more are a sentence
CHITCHAT = {"greet": "greet", "goodbye": "goodbye", "thank": "thank", "bot_capabilities": "capabilities",
            "ask_human": "contact"}
SECTION_ASK = {"overview": "overview", "task": "task", "knowledge": "knowledge", "skill": "skill",
               "social_competence": "competence", "key_competence": "competence", "esco_skill": "skill",
               "training": "training"}
QUESTION_OPENERS = frozenset(fold(w) for w in """co czy jak jaki jaka jakie jakich ile gdzie kiedy dlaczego czym kto
    pokaż podaj powiedz opisz wyjaśnij poproszę proszę chcę what how which who where when why does do is are can
    show tell що як який яка які чи де скільки коли чому покажи розкажи""".split())
KIN_SHOWN = 5  # occupations of the unit group offered for one that KZiS only names
PASTED_LINES = 3
# what makes lines pasted from elsewhere an employer's offer: its words, or no one speaking of themselves
OFFER_CUE = re.compile(r"(?i)\b(?:zatrudni\w*|wymaga\w*|wymagamy|oferujemy|obowiązk\w*|obowiazk\w*|zakres\w*|"
                       r"requirements|we offer|responsibilities|вимоги|пропонуємо|обов'язки)\b")
# ... and what makes them a jobseeker's own story ("Jestem z Ukrainy\nszukam pracy jako kierowca …")
FIRST_PERSON = re.compile(r"(?i)\b(?:jestem|szukam|mam|pracowałe?m|pracowalam|pracowalem|pracowałam|chcę|chce|"
                          r"chciał(?:a|)bym|i am|i'm|i have|i worked|я|шукаю|маю|працював|працювала)\b")
BUTTON_LEAD = 1.5  # how much more likely than the other buttons the one a typed answer names must be
NAME_SURE = 0.5  # the model's probability from which a message is a name, whatever the resolver's doubt
# A task or competence of an INFOdoradca+ description named by its label ("Z3", "a Kz2?", "zadanie Z5"): a counsellor's
# look-up in the description's own terms
LABEL = re.compile(r"(?i)^\W*(?:a\s+|i\s+|pokaż\s+|zadanie\s+|kompetencja\s+|task\s+|завдання\s+)?"
                   r"((?:z|kz)\s?\d{1,2})\W*$")
CODE_WORD = re.compile(r"(?i)\b(?:kod|kodu|kody|kodzie|kodem|code|codes|код|коду|кодом)\b")
OFFER_WORDS = 12  # words from which a message typed after a list of codes may be the next offer to code
TWO_OCCUPATIONS = ("compare", "shared", "move")  # kinds of question about a pair of occupations
# a passage about languages people speak (folded), not "w wybranym języku programowania"
LANGUAGES = re.compile(r"\bjezyk\w* (?:obc|polsk|migow|angielsk|niemieck)|angielsk|niemieck|francusk|rosyjsk|"
                       r"hiszpansk|wlosk|ukrainsk")
REQUIREMENTS = ("documents", "language")  # routed kinds a description may still name (a clean record, a language)
REQUIREMENTS_SHOWN = 3
# kinds a closing question decides for the occupation the sentences before it name: a kind of information, the
# related occupations, a routing (not a specific point, whose words the whole message ranks by, nor a pair)
CLOSING_KINDS = ("task", "overview", "knowledge", "skill", "competence", "training", "cv", "related", *ROUTED)
LETTER = re.compile(r"[^\W\d_]")
NAMED = re.compile(r"[^\W\d_]{2,}")  # a word, not a mark or a letter left over
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
ABBREVIATION = re.compile(r"(?i)(?:^|\W)(?:ds|np|tzw|kat|nr|ul|wg|ok|godz|mgr|inż|inz|dr|tj|in|e\.g|i\.e|ang|ukr"
                          r"|st|mł|ml|zast|kier|spec|ref|prof)\.$")
# "jaki kod?", "podaj kod KZiS dla tej oferty:", "what code is this" before (or after) a pasted offer; the frame ends
# at its first mark so that the offer's own colons ("Wymagane: …") stay in it.
ASK_FRAME = re.compile(r"(?i)\b(jaki|jakie|podaj|what|which|який|яка)\b.{0,20}\b(kod\w*|code|код\w*)\b"
                       r"[^:?.!\n»«\"„”]{0,40}[:?.!]?")
# the frame's own words, when the job is named inside it ("jaki kod ma spawacz MIG/MAG?")
ASK_WORDS = re.compile(r"(?i)\b(?:jaki|jakie|podaj|what|which|який|яка|яку)\b(?:\s+(?:jest|to|is|the|є)){0,2}\s+"
                       r"(?:kod\w*|code|код\w*)\b(?:\s+(?:zawodu|kzis|ma|dla|jest|to|is|for|of|a|an|has|має|для|"
                       r"професії))*")
# An employer's words that open a job offer ("Zatrudnimy …", "Hotel w Zakopanem zatrudni …", "We are hiring"): such
# a message is an offer to code even without "jaki kod" ("przyjmę każdą pracę" is a jobseeker's)
HIRING = re.compile(r"(?i)^\W*(?:\S+\s+){0,5}?(?:zatrudni(?:my|ę|e)?|przyjmiemy|przyjmie|"
                    r"przyjm[ęe]\s+(?!każd|kazd|jak|prac)|(?:poszukujemy|szukamy)\s+(?!(?:pracy|roboty|zatrudnienia|z|"
                    r"razem)\b)|rekrutujemy|we\s+are\s+hiring|hiring|is\s+looking\s+for|шукаємо|запрошуємо)")
OPENS = r"^\W*(?:(?:a|i|and|а|і|то)\s+)?"  # how a follow-up starts before its first word that counts ("a porównaj")
# "porównaj z …", "compare with …": a comparison however few occupations the words name (the current one is the other)
COMPARE_VERB = re.compile(rf"(?i){OPENS}(?:porównaj|porownaj|porównać|porownac|compare|порівняй|порівняти|"
                          r"порівняйте)\b")
# "a ta: …", "kolejna –", "and this one:": the next offer, pasted after other questions came between
NEXT_OFFER = re.compile(rf"(?i){OPENS}(?:jeszcze\s+|teraz\s+)?(?:ta(?:\s+oferta)?|ten|kolejna|następna|nastepna|"
                        r"this(?:\s+one)?|(?:the\s+)?next(?:\s+one)?|ця|цю|наступна)\s*[:–—-]\s*(?=\S)")


def state_of(turn: Turn, s: Searcher | None = None) -> State:
    """The conversation's state from the slots; codes the index no longer has (rebuilt since) are dropped."""
    slot = turn.tracker.get_slot

    def known(c: str | None) -> str | None:
        return c if c and (s is None or c in s.occupations) else None

    return State(current=known(slot("occupation_code")), previous=known(slot("previous_code")),
                 offered=tuple(c for c in slot("offered") or () if known(c)), offered_lead=bool(slot("offered_lead")),
                 offered_again=bool(slot("offered_again")), last_ask=slot("last_ask"), last_list=slot("last_list"))


def understand(turn: Turn, s: Searcher, state: State, q: str) -> Understood:
    """What the message asks and which occupation it names. A message of several sentences ending in a question
    that names an occupation is understood from that question ("I'm an electrician on construction sites. What
    tasks does a construction electrician have?"): the sentences before it tell the bot about the user, and their
    words would pull the occupation and the kind of question their way. Not when the question compares or moves
    between two occupations, or the whole message does so more surely and the sentences before it name one ("Byłam
    kasjerką. Czego muszę się douczyć, żeby zostać …?"): the pair needs them. A question that names none asks what
    is asked of the occupation the sentences before it name ("chciałbym zostać ogrodnikiem. na czym to polega?")."""
    whole = _understand(turn, s, state, q)
    split = question_last(q)
    if split is None:
        return whole
    context, question = split
    focus = _understand(turn, s, state, question)
    if focus.naming.kind != "named":
        # the sentences before it name the occupation, the question what is asked of it: "chciałbym zostać
        # ogrodnikiem. na czym to polega?" asks for the tasks, though the whole message reads like training
        # (named for sure: an ambiguous name is asked about, whatever the question; the question's own words are
        # what a requirement is searched by)
        if (whole.naming.kind == "named" and whole.kind not in (*TWO_OCCUPATIONS, "classify_offer")
                and focus.kind in CLOSING_KINDS and focus.kind != whole.kind and focus.p > whole.p):
            naming = replace(whole.naming, question=focus.naming.question or whole.naming.question)
            return replace(whole, kind=focus.kind, p=focus.p, naming=naming)
        return whole
    if focus.kind in TWO_OCCUPATIONS or (whole.kind in TWO_OCCUPATIONS and whole.p >= focus.p
                                         and _names_one(s, context)):
        return whole
    # the sentences before it may say which of the occupations the question's words name: "Mam prawo jazdy C+E
    # i chcę jeździć tirem. Co należy do obowiązków kierowcy?" (Kierowca ciągnika siodłowego), whether the whole
    # message names it for sure or only first of several
    first = whole.naming.code if whole.naming.kind == "named" else \
        whole.naming.candidates[0][0] if whole.naming.kind == "ambiguous" and whole.naming.candidates else None
    if first and first != focus.naming.code:
        words = s.resolve(question).name_words
        if words and holds_words(s.occupations[first]["name"], words):
            return replace(focus, naming=replace(focus.naming, code=first))
    return focus


def offer_like(q: str) -> bool:
    """A pasted job offer rather than a question: long, not ending in a question mark and not opening with a
    question or request word ("a jakie są zarobki operatora wózka … w tym roku" is a question without its mark)."""
    first = next((w for w in q.lower().split() if w not in ("a", "i", "and", "а", "і")), "")
    return (len(q.split()) >= OFFER_WORDS and not q.rstrip().endswith("?")
            and fold(first.strip(",.:;!")) not in QUESTION_OPENERS)


def offer_parts(text: str) -> tuple[str, str | None]:
    """(title, description) of a pasted offer without the question around it: its first line and the rest, or
    one long line as both (the classifier reads a title and a description)."""
    bare = ASK_FRAME.sub(" ", NEXT_OFFER.sub("", text.strip(), count=1)).strip(" :»«\"„”\n")
    if not NAMED.search(bare):  # the job was named inside the frame
        bare = ASK_WORDS.sub(" ", text).strip(" :?»«\"„”\n")
    first, _, rest = bare.partition("\n")
    hiring = HIRING.match(first)
    if rest.strip() and (first.rstrip().endswith(":") or (hiring and not first[hiring.end():].strip(" :-–"))):
        # "Firma logistyczna z Wrocławia zatrudni:" introduces the job the next line names
        title, _, more = rest.strip().partition("\n")
        return title, f"{first}\n{more}".strip()
    return (first, rest) if rest.strip() else (first[:200], first if len(first) > 200 else None)


def pasted(q: str) -> bool:
    """Three lines or more: text pasted from elsewhere (a chat's Enter sends the message), as a job offer is."""
    return sum(1 for line in q.splitlines() if NAMED.search(line)) >= PASTED_LINES


def question_last(q: str) -> tuple[str, str] | None:
    """(what comes before, the last sentence) when a message has two sentences or more and the last is a question."""
    parts: list[str] = []
    for part in SENTENCE_END.split(q.strip()):
        if parts and ABBREVIATION.search(parts[-1]):  # "specjalista ds. kadr" is one sentence
            parts[-1] += " " + part
        else:
            parts.append(part)
    if len(parts) < 2 or not parts[-1].rstrip().endswith("?") or not all(LETTER.search(p) for p in parts[-2:]):
        return None  # "Szukam pracy... ?": a question mark alone is no question of its own
    return " ".join(parts[:-1]), parts[-1]


def _names_one(s: Searcher, text: str) -> bool:
    """Whether the words name an occupation (not counted in the metrics: the message's own resolution is)."""
    return bool(LETTER.search(text)) and s.resolve(text).confident


def _understand(turn: Turn, s: Searcher, state: State, q: str) -> Understood:
    section = next(turn.tracker.get_latest_entity_values("section"), None)
    if section in SECTION_ASK:  # a section button under an earlier reply
        return Understood(SECTION_ASK[section], Naming("follow_up"))
    label = LABEL.match(q)
    if label and state.current:  # "Kz2": nothing to resolve or classify
        return Understood("label", Naming("follow_up", question=label.group(1).replace(" ", "")))
    codes = codes_in(q, s)
    missing = [c for c in dict.fromkeys(CODE.findall(q)) if c not in s.occupations]
    if missing and not offer_like(q):  # "kod 999999", "porównaj 512001 i 999999": not a name to guess
        return Understood("no_code", Naming("no_code", words=missing[0]))
    if codes:
        rest = CODE.sub(" ", q).strip(" ,.?!-–") or s.occupations[codes[0]]["name"]
        naming = Naming("named", codes[0], question=rest, full=True) if codes[0] != state.current else \
            Naming("follow_up", question=rest)
        words: tuple[str, ...] = tuple(codes)  # masked like a name: "pokaż 243108" asks for the occupation
        res = Resolution([], False, "none")
    else:
        res = resolve(s, q) if name_words(q) or not state.current else Resolution([], False, "none")
        back = _back_to(s, q, res, state)
        if back:  # the passages are ranked by the rest of the question, as for any name
            words = tuple(_words_of(s, q, back))
            name = s.occupations[back]["name"]
            naming = Naming("named", back, question=strip_words(q, words) or name,
                            full=len(words) == len(content_words(name)))
        else:
            naming, words = _naming(s, q, res, state.current, buttons=state.offered)
    ask = asks().predict_named(q, words)
    # a code is exact: a message with one that the model cannot place ("pokaż 243108") looks that occupation up
    kind = "name" if codes and ask.p < CODE_LOOKUP_BELOW else ask.kind
    if kind == "name" and not codes and naming.kind == "follow_up" and ask.p >= NAME_SURE:
        naming = _named_after_all(s, q, res, state) or naming
    # "kod dla barbera": the occupation and its code, as "а який код?" of the one at hand; a name it does not know
    # for sure is a name to choose, not a question about the occupation at hand ("kod dla: pani na zmywaku")
    if kind == "name" and not codes and CODE_WORD.search(q) and (
            naming.kind == "named" or (naming.kind == "follow_up" and not _beside_code_words(q))):
        kind = "overview"
    if kind in ("chitchat", "off_topic", "more") and CODE.search(q):  # a code the index lacks: which occupation?
        kind = "name"
    if ((state.last_ask == "classify_offer" or NEXT_OFFER.match(q) or HIRING.match(q)
         or (pasted(q) and (OFFER_CUE.search(q) or not FIRST_PERSON.search(q)))) and offer_like(q)
            and kind not in ("more", "chitchat", "off_topic")):
        kind = "classify_offer"  # after codes, the counsellor's next offer ("a ta: Operator wózka widłowego – …")
    if COMPARE_VERB.match(q) and kind != "shared":
        kind = "compare"
    if kind == "specific" and _half_named_other(naming, state):
        # with an occupation at hand, a question about a specific point names another one only by all the words of
        # one of its names: "a czy trzeba znać SEO?" asks about SEO, not about the "SEO specialist" half-named
        naming = Naming("follow_up", question=q)
    pair = tuple(two_occupations(q, s, None)) if kind in ("compare", "shared") else ()
    return Understood(kind, naming, pair, ask.p)


def _beside_code_words(q: str) -> list[str]:
    """The name-like words of a message other than those asking for a code ("kod", "KZiS", "zawodu")."""
    return [w for w in name_words(q) if not CODE_WORD.fullmatch(w) and fold(w) not in ("kzis", "zawodu", "zawod")]


def _named_after_all(s: Searcher, q: str, res: Resolution, state: State) -> Naming | None:
    """A message that is a name, by the model of what messages ask ("a niania u kogoś w domu?"), names the
    resolver's first reading when every name-like word is of its name, though words of a setting around the name
    kept the resolver unsure."""
    best, said = res.best, list(res.name_words)
    if res.method != "lexical" or best is None or best.code in (state.current, state.previous) or not said:
        return None
    # one word must be all of one of its names ("niania"; "a BHP?" after a cook asks about safety rules, not about
    # the BHP specialist), more must all be words of its official name ("a kierowca autobusu w nocy?")
    whole = best.code in s.resolver.whole_name_of(said[0]) if len(said) == 1 else holds_words(best.name, said)
    if not whole:
        return None
    return Naming("named", best.code, question=strip_words(q, tuple(said)) or best.name, full=True)


def _half_named_other(naming: Naming, state: State) -> bool:
    """The message names (or may name) an occupation other than the two the conversation keeps, by part of a name."""
    if not state.current or naming.kind not in ("named", "ambiguous") or naming.full:
        return False
    meant = {naming.code, *(c for c, _ in naming.candidates[:1])} - {None}
    return not meant & {state.current, state.previous}


def _back_to(s: Searcher, q: str, res: Resolution, state: State) -> str | None:
    """The occupation talked about before the current one, when the message names it again by a word of its name
    and it is the likeliest of what the words may mean ("а чи перекладає lektor тексти?" after a question about a
    teacher's diploma): of the two occupations a conversation keeps, the other one is what "a X" most often means."""
    prev = state.previous
    if not prev or prev == state.current or res.best is None or res.best.code != prev:
        return None
    return prev if _words_of(s, q, prev) else None


def _words_of(s: Searcher, q: str, code: str) -> list[str]:
    """The message's name-like words that are words of the occupation's name."""
    name = s.occupations[code]["name"]
    return [w for w in name_words(q) if holds_words(name, [w])]


def _naming(s: Searcher, q: str, res: Resolution, current: str | None,
            buttons: tuple[str, ...] = ()) -> tuple[Naming, tuple[str, ...]]:
    named = [(c.code, c.name) for c in res.candidates]
    whole = alone_named(q, named) or fuller_name(q, named, s.classifier.names_of)
    picked = _button_named(res, buttons) or (None if res.confident else _button_worded(s, q, buttons))
    if picked and whole not in (None, picked):
        picked = None  # "sprzedawczyni w spożywczym" under Sprzedawca: the words name the narrower one whole
    if picked:  # "the general motor vehicle mechanic one": the button its words describe best
        words = tuple(res.name_words) or tuple(_words_of(s, q, picked))
        return Naming("named", picked, question=strip_words(q, words) or s.occupations[picked]["name"]), words
    if not current and buttons and _topic_of(s, q, res, buttons):
        # under buttons, words that name no occupation the way a new one is introduced are the question's topic, as
        # they are for the occupation at hand ("a pracuje się w nocy?" names no Goniec, "a jakie trzeba mieć prawo
        # jazdy?" no Radca prawny); a bare name may still be another one ("а нотаріус?")
        return Naming("follow_up", candidates=_other_readings(res, buttons), question=q), ()
    d = name_decision(s, q, res, current)
    words = tuple(res.name_words) or tuple(d.words.split())
    full = res.method == "lexical" and res.coverage >= 1.0  # every word of one of its names
    # a word only one occupation's names start with names it, yet is not all of a name: a message turned away
    # ("Can you book me a flight?": Flight attendant) is not made a question about it
    alone = whole or (res.best.code if res.head_alone and res.best else None)
    if d.kind == "answer" and d.code and (d.code != current or alone not in (None, current)):
        return Naming("named", alone or d.code, question=d.question, full=full or whole is not None), words
    if d.kind == "answer":
        # the current occupation kept, though other signals than its words point elsewhere: if the message is only
        # a name ("а нотаріус?"), those are what it may name
        return Naming("follow_up", candidates=_other_readings(res, (current,)), question=d.question), ()
    offered = d.candidates
    if alone and d.kind == "choose":  # named by all its words: first, and ahead
        offered = ((alone, s.occupations[alone]["name"]), *(c for c in offered if c[0] != alone))
    lead = alone is not None or _lead(res, offered)
    if d.kind == "choose":  # not masked: the words may not name an occupation at all ("яка погода")
        # with an occupation at hand, words name another one only with all the words of one of its names
        head = alone is not None or (res.head_named and full if res.method == "lexical" else True)
        return Naming("ambiguous", candidates=offered, words=d.words, question=d.question, head=head,
                      lead=lead, bare=res.method == "lexical" and res.asks_name_only and res.head_named), ()
    if d.kind == "unknown":
        # never assumed: a made-up name leads as clearly as a foreign one ("zwyrtacz": Wiertacz 0.26 against 0.02,
        # "нотаріус": Notariusz 0.31 against 0.02); its candidates are offered
        return Naming("unknown", candidates=d.candidates, question=q), ()
    return Naming("none", question=q), ()


def _button_named(res: Resolution, buttons: tuple[str, ...]) -> str | None:
    """The occupation offered as a button that the message's words name more clearly than the other buttons:
    choosing among a few, a lead of BUTTON_LEAD is enough (a new name needs ``leads``)."""
    best = res.best
    if not buttons or best is None or best.code not in buttons or not res.name_words or best.score < SUGGEST_MIN:
        return None
    rival = max((c.score for c in res.candidates[1:] if c.code in buttons), default=0.0)
    return best.code if best.score >= BUTTON_LEAD * rival else None


def _button_worded(s: Searcher, q: str, buttons: tuple[str, ...]) -> str | None:
    """The only button whose name has words of the message ("chodzi mi o transport samochodowy" under Dyspozytor
    transportu samochodowego, Ekspedytor, Odprawiacz pociągów), where the resolver, over all occupations, named
    none of them."""
    worded = [code for code in buttons if _words_of(s, q, code)]
    return worded[0] if len(worded) == 1 else None


def _other_readings(res: Resolution, at_hand: tuple[str | None, ...]) -> tuple[tuple[str, str], ...]:
    """What other signals than a name's words say a bare name may be ("а нотаріус?"), besides the occupations at
    hand: the fused resolution's first three that are likely enough."""
    fused = res.candidates[:3] if res.method == "fused" else []
    return tuple((c.code, c.name) for c in fused if c.code not in at_hand and c.score >= SUGGEST_MIN)


def _topic_of(s: Searcher, q: str, res: Resolution, buttons: tuple[str, ...]) -> bool:
    """Whether the message, were the first occupation offered the current one, would stay with it: the words are a
    topic, not a name (``name_decision``); never when they name one of the buttons ("a autobusu?" under the
    drivers offered is Kierowca autobusu)."""
    if res.best and res.best.code in buttons:
        return False
    if res.method == "lexical" and res.confident and res.asks_name_only and (
            res.coverage >= 1.0 or len(res.name_words) >= 2):  # two words of one name, or all of it, name it:
        return False  # "mechanik samochodowy – co musi wiedzieć?" (one word, "a magazyn?", may be a topic)
    alone = name_decision(s, q, res, None)
    if alone.kind == "answer" and alone.code in buttons:
        return False
    d = name_decision(s, q, res, buttons[0])
    return d.kind == "answer" and d.code == buttons[0]


def _lead(res: Resolution, offered: tuple[tuple[str, str], ...]) -> bool:
    """The first candidate offered is clearly what the message names: far ahead of the next (``leads``) and, for
    words of names, named whole or likely ("specjalista" leads nowhere); or the message names exactly it, every
    name-like word in it ("Що робить пекар?": Piekarz, not Pomocnik piekarza)."""
    if not offered or not res.candidates or offered[0][0] != res.candidates[0].code or res.several_heads:
        return False  # a word that starts several official names leads to none, however sure the fusion ("malarz")
    # an occupation "not elsewhere classified" (code ..90) is a counsellor's last resort, no rival of a named one
    scores = [res.candidates[0].score] + [c.score for c in res.candidates[1:] if not c.code.endswith("90")]
    if res.method != "lexical":
        return leads(scores)
    full = res.coverage >= 1.0
    return (leads(scores) and (full or scores[0] >= 0.5)) or (full and res.asks_name_only and scores[0] >= 0.5)


def alone_named(q: str, candidates: list[tuple[str, str]]) -> str | None:
    """The only candidate whose name holds every word the message may name an occupation by, when they are two or
    more ("mechanik samochodowy": Mechanik pojazdów samochodowych, not Technik pojazdów samochodowych; "fryzjer
    męski": Fryzjer męski, not Fryzjer); one word ("programista") is in many names, and the scores decide. Words as
    such or by lemma count before words up to their ending ("samochodowy": Mechanik pojazdów samochodowych, not
    Mechanik samochodów osobowych)."""
    words = name_words(q)
    if len(words) < 2:
        return None
    for near in (False, True):  # and its first word among them: "język migowy" is a topic, not Tłumacz języka …
        holding = [code for code, name in candidates[:3]
                   if holds_words(name, words, near) and holds_words(" ".join(words), content_words(name)[:1])]
        if holding:
            return holding[0] if len(holding) == 1 else None
    return None


def converse(turn: Turn) -> None:
    q = turn.question()
    if q is None:
        return
    s = searcher()
    state = state_of(turn, s)
    msg = understand(turn, s, state, q)
    if state.offered and msg.naming.kind != "named":
        msg = replace(msg, fits=fitting(s, state.offered, msg.naming.question or q, msg.kind, state.offered_lead))
    step = decide(state, msg)
    # buttons are offered for one turn: a later message starts afresh; a routed question or small talk between
    # ("is English enough?") leaves them pending ("other jobs similar for me?" is about the first of them)
    keep = step.action == "chitchat" or (step.action == "route" and step.code in (None, state.current))
    if state.offered and not keep:
        turn.set("offered", None)
        turn.set("offered_lead", False)
        turn.set("offered_again", False)
    RUN[step.action](turn, s, state, step)


def fitting(s: Searcher, offered: tuple[str, ...], question: str, kind: str, lead: bool = False) -> str | None:
    """Of several occupations offered as buttons, the one whose description answers a specific question typed
    instead of a click: the only one with a passage that answers it, or the best by ``FIT_MARGIN`` ("czy pisze się
    aplikacje na Androida?": Programista aplikacji mobilnych 0.86 against 0.84). A first one clearly ahead
    (``lead``, codes of an offer) gives way only when its description answers nothing."""
    if kind not in SEARCHED or len(offered) < 2:
        return None
    best: dict[str, float] = {}
    for code in offered:
        hits = s.search(question, occupation=code, k=1).hits
        if hits and hits[0].match == "strong":
            best[code] = hits[0].similarity
    ranked = sorted(best, key=lambda c: -best[c])
    if lead and offered[0] in best:
        return None
    if len(ranked) == 1 or (ranked and best[ranked[0]] - best[ranked[1]] >= FIT_MARGIN):
        return ranked[0]
    return None


def answer_chosen(turn: Turn, code: str) -> None:
    """An occupation chosen by its button: the question pending when it was offered, or what the job is."""
    s = searcher()
    if code not in s.occupations:
        turn.kind = "asked"
        turn.say(say("which_occupation", turn.lang))
        return
    state = state_of(turn, s)
    ask = state.last_ask if state.last_ask in (*INFO, "related", "in_polish") else "overview"
    if state.offered:
        turn.set("offered", None)
    step = about(ask, code, turn.tracker.get_slot("last_question") or "")
    RUN[step.action](turn, s, state, step)


def answer(turn: Turn, s: Searcher, state: State, step: Step, section: str | None = None) -> None:
    """Passages of one occupation for a kind of question; remembers where we are for follow-ups and "więcej".
    A section listed before is not listed again from its start: its next page, or "that is all" with the others.
    ``section``: the part to list whatever the kind (a section button, "więcej" after a reply that listed nothing)."""
    code, ask = step.code or "", step.ask or "task"
    name = s.occupations[code]["name"]
    if code != state.current and state.current:
        turn.set("previous_code", state.current)
    turn.set("occupation_code", code)
    turn.set("last_ask", ask)
    question = step.question or name
    page = settings().page_size
    button = next(turn.tracker.get_latest_entity_values("section"), None)  # a section button names its section
    section = section or (button if button in SECTION_ASK else None)
    with metrics.SEARCH_SECONDS.time():
        p = plan_for(s, code, question, page, ask, section=section)
    seen = Seen(turn.tracker.get_slot("seen"))
    if p.kind == "none" and not sections_of(s, code):  # a name alone in KZiS: its unit group's described ones
        turn.kind = "declined"
        turn.set("last_list", None)
        occ = s.occupations[code]
        kin = [(c, n) for c, n in s.catalog.same_group(code) if sections_of(s, c)][:KIN_SHOWN]
        turn.say(say("no_description", turn.lang, name=name, code=code, group=occ.get("group") or code[:4],
                     group_name=occ.get("group_name") or ""),
                 buttons=[*choose_buttons(kin), counsellor_button(turn.lang)])
        return
    if p.kind == "none":
        turn.kind = "declined"
        turn.set("last_question", question)
        turn.set("last_list", None)  # nothing to continue: "więcej" does not show weak passages
        values = {"name": name, "code": code, "sections": _sections_text(s, code, turn.lang)}
        text = say("no_conditions" if ask == "conditions" else "no_specific", turn.lang, **values)
        turn.say(text, buttons=[*section_buttons(s, code, turn.lang, seen), counsellor_button(turn.lang)])
        return
    before = seen.count(code, p.section) if p.kind == "listing" and p.section else None
    if before is not None and p.section:
        listing = s.listing(code, p.section)
        if before >= len(listing):
            turn.kind = "answered"
            turn.set("last_list", None)
            shown = label(SECTION_NAMES[p.section], turn.lang)
            turn.say(say("section_shown", turn.lang, name=name, shown=shown),
                     buttons=[*section_buttons(s, code, turn.lang, seen), counsellor_button(turn.lang)])
            return
        hits = listing[before:before + page]  # the next page: the start was shown already
        p = replace(p, hits=hits, shown=before + len(hits), more=len(listing) > before + len(hits))
    turn.set("last_question", question)
    turn.set("last_section", p.section)
    turn.set("shown", float(p.shown))
    turn.set("last_list", "section" if p.section else "passages")  # after the closest passages too: asked for
    if p.section:
        turn.set("seen", seen.updated(code, p.section, p.shown))
    hint = say("more_hint", turn.lang) if p.more else ""
    messages = passages_messages(s, p.hits, turn.lang, hint, title=p.section)
    note = ""
    if p.kind == "listing" and p.section != p.wanted:  # a section stands in for the one asked for
        shown = label(SECTION_NAMES[p.section or "task"], turn.lang)
        note = (say("no_training", turn.lang, name=name, code=code, shown=shown) if p.wanted == "training" else
                say("no_section", turn.lang, name=name, wanted=label(SECTION_NAMES[p.wanted or "task"], turn.lang),
                    shown=shown))
    if p.near:  # the closest the description comes: said so, the counsellor offered for the rest
        note = say("not_directly", turn.lang, name=name, code=code)
    if ask == "cv":
        note = (note + "\n" if note else "") + say("cv_intro", turn.lang)
    if note:
        messages[0] = note + "\n" + messages[0]
    turn.say_all(messages)


class Seen:
    """How far each section of each occupation was listed in this conversation (slot ``seen``: "code:section:n")."""

    def __init__(self, slot: list[str] | None) -> None:
        self.counts: dict[tuple[str, str], int] = {}
        for item in slot or []:
            code, _, rest = str(item).partition(":")
            section, _, n = rest.partition(":")
            self.counts[(code, section)] = int(n) if n.isdigit() else 0

    def count(self, code: str, section: str) -> int | None:
        return self.counts.get((code, section))

    def updated(self, code: str, section: str, n: int) -> list[str]:
        counts = {**self.counts, (code, section): max(n, self.counts.get((code, section), 0))}
        return [f"{c}:{x}:{k}" for (c, x), k in counts.items()][-20:]


def more(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """The next page of the last list the bot showed: a section, the passages of a question, related occupations."""
    if state.last_list == "related" and state.current:
        shown = int(turn.tracker.get_slot("shown") or 0)
        return related(turn, s, state, Step("related", code=state.current), start=shown)
    code, question = state.current, turn.tracker.get_slot("last_question")
    if code and not state.last_list:  # the last reply listed nothing: the first part not shown to its end
        return _next_part(turn, s, state, code)
    if not code or not question:
        turn.say(say("nothing_to_continue", turn.lang))
        return
    cfg = settings()
    section = turn.tracker.get_slot("last_section")
    shown = int(turn.tracker.get_slot("shown") or 0)
    n = cfg.show_all if SHOW_ALL.search(turn.text) else cfg.page_size
    if section:  # a listing in the description's order
        rest = s.listing(code, section)[shown:]
    else:  # the next passages of a specific question, after those shown
        rest = distinct(s.search(question, occupation=code, k=min(MAX_K, 2 * (shown + n) + 5)).hits)[shown:]
    hits = rest[:n]
    if not hits:
        turn.set("last_list", None)
        seen = Seen(turn.tracker.get_slot("seen"))
        if section:
            seen = Seen(seen.updated(code, section, shown))
        turn.say(say("no_more", turn.lang), buttons=section_buttons(s, code, turn.lang, seen))
        return
    hint = say("more_hint", turn.lang) if len(rest) > n else ""
    turn.say_all(passages_messages(s, hits, turn.lang, hint, title=section))
    turn.set("shown", float(shown + len(hits)))
    if section:
        turn.set("seen", Seen(turn.tracker.get_slot("seen")).updated(code, section, shown + len(hits)))


def _next_part(turn: Turn, s: Searcher, state: State, code: str) -> None:
    """"więcej" after a reply that listed nothing: the first part of the description not shown to its end, from
    where it stopped; "that is all" with the parts' buttons when every part was shown."""
    seen = Seen(turn.tracker.get_slot("seen"))
    for section in sections_of(s, code):
        if (seen.count(code, section) or 0) < len(s.listing(code, section)):
            step = Step("answer", code=code, ask=SECTION_ASK[section], question=s.occupations[code]["name"])
            return answer(turn, s, state, step, section=section)
    turn.say(say("no_more", turn.lang), buttons=section_buttons(s, code, turn.lang, seen))


def _sections_text(s: Searcher, code: str, lang: str) -> str:
    return ", ".join(label(SECTION_NAMES[x], lang) for x in sections_of(s, code))


def section_buttons(s: Searcher, code: str, lang: str, seen: Seen) -> list[dict[str, str]]:
    """Buttons for the parts of the description not shown to their end yet."""
    titles = {x: label(SECTION_TITLES[x], lang) for x in sections_of(s, code)
              if (seen.count(code, x) or 0) < len(s.listing(code, x))}
    return [{"title": t[:1].upper() + t[1:], "payload": f'/ask_occupation{{"section":"{x}"}}'}
            for x, t in titles.items()][:5]


def assume(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    code = step.code or ""
    turn.say(say("assume", turn.lang, name=s.occupations[code]["name"], code=code),
             buttons=choose_buttons([(c, s.occupations[c]["name"]) for c, _ in step.candidates if c in s.occupations]))
    then = about(step.ask or "overview", code, step.question)  # the answer, the related list, the Polish name
    RUN[then.action](turn, s, state, then)


def choose(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    cands = [(c, n or s.occupations[c]["name"]) for c, n in step.candidates if c in s.occupations]
    turn.kind = "asked"
    turn.set("last_question", step.question)
    turn.set("last_ask", step.ask)
    _offer(turn, s, [c for c, _ in cands], again=step.words == "again")
    text = (say("choose_again", turn.lang) if step.words == "again" else
            say("choose", turn.lang, words=step.words) if len(step.words.split()) <= NAME_ECHO else
            say("choose_unnamed", turn.lang))  # a sentence is no name: not echoed as one
    turn.say(text, buttons=choose_buttons(cands))


def _offer(turn: Turn, s: Searcher, codes: list[str], again: bool = False, scores: list[float] | None = None,
           lead: bool | None = None) -> None:
    """Remember the occupations offered as buttons: a question typed instead of a click continues with them, with
    the first one when it is clearly ahead (``lead``, or by the resolver's ``scores``: ``leads``)."""
    turn.set("offered", codes)
    turn.set("offered_again", again)
    turn.set("offered_lead", leads(scores or []) if lead is None else lead)


def leads(scores: list[float]) -> bool:
    """The first candidate is clearly ahead: not unlikely, and at least 2.5 times as likely as the next. The
    resolver's probabilities are spread over 2,912 occupations: "Pielęgniarka" for "What does a nurse do in
    Poland?" gets 0.13 against 0.01, "Kucharz" for "Я кухар…" 0.23 against 0.09; two close readings ("mechanik
    samochodowy": 0.45 and 0.44) are asked about."""
    s1, s2 = [*scores, 0.0, 0.0][:2]
    return s1 >= LEAD_MIN and s1 >= LEAD_RATIO * s2


def ask_which(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    turn.kind = "asked"
    turn.set("last_question", step.question)
    turn.set("last_ask", step.ask)
    turn.say(say("which_occupation", turn.lang))


def unknown(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    turn.kind = "declined"
    turn.set("last_question", step.question)
    turn.set("last_ask", step.ask)
    if step.candidates:
        _offer(turn, s, [c for c, _ in step.candidates])
        turn.say(say("unknown_occupation", turn.lang), buttons=choose_buttons(list(step.candidates)))
    else:
        turn.say(say("unknown_occupation_none", turn.lang), buttons=[counsellor_button(turn.lang)])


def routed(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """Pay, offers, documents, the office's support, languages: what the descriptions do not say, and the
    counsellor. A requirement that the occupation's description does name ("czy kurier musi mieć zaświadczenie o
    niekaralności?") is shown, after a sentence that still sends the rest to the counsellor."""
    if step.code and step.code != state.current:  # "ile zarabia spawacz?" then "a co robi?" is about the welder
        if state.current:
            turn.set("previous_code", state.current)
        turn.set("occupation_code", step.code)
    hits = _named_requirement(s, step)
    if step.code and hits:
        turn.set("last_list", None)
        name = s.occupations[step.code]["name"]
        turn.say(say("route_described", turn.lang, name=name, code=step.code), buttons=[counsellor_button(turn.lang)])
        turn.say_all(passages_messages(s, hits, turn.lang))
        _seen_whole(turn, s, step.code, hits)
        return
    route(turn, step.topic or "", s.occupations[step.code]["name"] if step.code else None)


def _seen_whole(turn: Turn, s: Searcher, code: str, hits: list[Hit]) -> None:
    """A section whose every passage these hits showed counts as listed: asked for next, it is said to be all there
    is, not listed again word for word (a training paragraph shown for a language question, then "a studia?")."""
    before = turn.tracker.get_slot("seen")
    slot = before
    shown = {h.passage.text for h in hits}
    for section in sorted({h.passage.section for h in hits}):
        listing = s.listing(code, section)
        if listing and all(h.passage.text in shown for h in listing):
            slot = Seen(slot).updated(code, section, len(listing))
    if slot != before:
        turn.set("seen", slot)


def _named_requirement(s: Searcher, step: Step) -> list[Hit]:
    """Passages of the occupation that clearly answer a question about documents by a word few descriptions hold
    ("niekaralności": a requirement named; "dokumenty" is in hundreds of tasks about paperwork) or about languages by
    any of its words, or clearly in another language; none for pay and job offers, which no description gives."""
    if step.topic not in REQUIREMENTS or not step.code or not name_words(step.question):
        return []
    hits = s.search(step.question, occupation=step.code, k=settings().page_size).hits
    if step.topic == "language":  # any word of a language question is specific enough ("angielski", "język"): a
        # passage about languages that shares one answers it, however the question was typed ("jezyki obce")
        return distinct([h for h in hits if (h.sure and (h.shares_words or h.cross_lingual))
                         or (h.shares_words and LANGUAGES.search(fold(h.passage.text.lower())))])[:REQUIREMENTS_SHOWN]
    return distinct([h for h in hits if h.sure and (h.shares_rare or h.cross_lingual)])[:REQUIREMENTS_SHOWN]


def compare(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    a, b = step.code or "", step.other or ""
    c = relations().compare(a, b)
    turn.set("previous_code", a)
    turn.set("occupation_code", b)
    turn.set("last_question", "")
    turn.set("last_list", None)
    turn.set("last_ask", "shared" if step.shared else "compare")
    if step.shared:
        turn.say_all(shared_messages(c, turn.lang, say("shared_none", turn.lang, a=c.a.name, b=c.b.name)))
    else:
        turn.say_all(comparison_messages(c, turn.lang))


def compare_which(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    turn.kind = "asked"
    turn.say(say("compare_which", turn.lang))


def related(turn: Turn, s: Searcher, state: State, step: Step, start: int = 0) -> None:
    """Related occupations, five at a time, each with one statement the two share and one to learn."""
    code = step.code or ""
    shown = relations().related(code, start + 5)[start:]
    if not shown:
        turn.say(say("no_more", turn.lang))
        return
    turn.set("occupation_code", code)
    turn.set("last_list", "related")
    turn.set("last_ask", "overview")  # a button under the list opens what that occupation is
    turn.set("shown", float(start + len(shown)))

    def short(text: str, n: int = 110) -> str:
        return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"

    head, *lines = related_text(s.occupations[code]["name"], code, shown, turn.lang).split("\n")
    out = [head]
    for r, line in zip(shown, lines):  # the list's lines, each with what is shared and what to learn under it
        out.append(line)
        if r.shared:
            out.append("   " + say("related_shared", turn.lang, text=short(r.shared[0])))
        if r.to_learn:
            out.append("   " + say("related_learn", turn.lang, text=short(r.to_learn[0])))
    out += lines[len(shown):]  # the source line
    out.append(say("related_hint", turn.lang))
    turn.say("\n".join(out), buttons=choose_buttons([(r.code, r.name) for r in shown]))
    turn.kind = "answered"


def to_learn(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """The move from the current occupation to the one named: what the named one's description lists that the
    current one has nothing close to, and what carries over, with the source."""
    from .compose import sources_line

    a, b = step.code or "", step.other or ""
    shared, learn = relations().move(a, b)
    names = {"a": s.occupations[a]["name"], "b": s.occupations[b]["name"], "code_a": a, "code_b": b}
    turn.set("previous_code", a)
    turn.set("occupation_code", b)
    turn.set("last_list", None)
    turn.set("last_ask", "overview")
    lines = [say("to_learn_head" if learn else "to_learn_none", turn.lang, **names)]
    lines += [f"• {p.text}" for p in learn]
    if shared:
        lines.append(say("to_learn_shared", turn.lang, **names))
        lines += [f"• {p.text}" for p in shared[:3]]
    if learn or shared:
        lines.append(sources_line(learn + shared[:3], turn.lang))
    turn.say("\n".join(lines), buttons=choose_buttons([(b, names["b"])]))
    turn.kind = "answered"


def classify(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """A pasted job offer: three codes with the evidence that decided them, as text a counsellor can copy."""
    result = s.classifier.classify(*offer_parts(turn.text), k=3)
    lines = [say("codes", turn.lang)]
    for c in result.candidates:
        lines.append(f"• {c.code} – {c.name} ({c.score:.0%})")
        lines.extend(f"   {e.text[:140]}" for e in c.evidence[:1])
    if result.ambiguous:
        lines.append(say("codes_unsure", turn.lang))
    turn.set("last_list", None)
    turn.set("last_question", "")
    # a button still opens what that occupation is (only the kinds of information carry over to a choice), and the
    # next offer pasted without "jaki kod" is coded too
    turn.set("last_ask", "classify_offer")
    turn.say("\n".join(lines), buttons=choose_buttons([(c.code, c.name) for c in result.candidates]))
    _offer(turn, s, [c.code for c in result.candidates], scores=[c.score for c in result.candidates])
    turn.kind = "answered"


def experience(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """Work described in one's own words: the occupations that fit it (``index.experience``), to choose from. A
    question typed instead of a click goes on with the first when all three rankings put it first, else asks once
    more."""
    found = described(s, turn.text)
    cands = [(c.code, c.name) for c in found]
    _offer(turn, s, [c for c, _ in cands], lead=agreed(found))
    turn.set("last_question", "")
    turn.set("last_ask", "overview")
    turn.kind = "asked"
    turn.say(say("experience", turn.lang), buttons=[*choose_buttons(cands), counsellor_button(turn.lang)])


def labelled(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """A task (Z3) or competence (Kz2) of the description by its label: the task or the competence's tasks, with the
    knowledge and skills they take, in the description's order; a label the description lacks is searched for."""
    code, wanted = step.code or "", step.question.lower()
    hits = [h for section in ("task", "knowledge", "skill") for h in s.listing(code, section)
            if wanted in ((h.passage.task_id or "").lower(), (h.passage.competence_id or "").lower())]
    if not hits:
        return answer(turn, s, state, Step("answer", code=code, ask="specific", question=step.question))
    turn.set("occupation_code", code)
    turn.set("last_list", None)
    turn.say_all(passages_messages(s, hits, turn.lang))


def in_polish(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    code = step.code or ""
    turn.set("occupation_code", code)
    turn.say(say("in_polish", turn.lang, name=s.occupations[code]["name"], code=code))
    turn.kind = "answered"


def chitchat(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """Which small talk it is, Rasa's intent model knows best (its ranking, the first chit-chat intent)."""
    ranking = (turn.tracker.latest_message or {}).get("intent_ranking") or []
    key = next((CHITCHAT[r["name"]] for r in ranking if r.get("name") in CHITCHAT), "greet")
    if key == "contact":
        from .chitchat_actions import contact

        contact(turn)
    else:
        turn.say(say(key, turn.lang))


def off_topic(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    turn.say(say("out_of_scope", turn.lang), buttons=[counsellor_button(turn.lang)])
    turn.kind = "declined"


def nothing_to_continue(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    turn.say(say("nothing_to_continue", turn.lang))


def no_code(turn: Turn, s: Searcher, state: State, step: Step) -> None:
    """A six-digit code KZiS does not have: said so, the conversation's occupation unchanged."""
    turn.kind = "asked"
    turn.say(say("no_code", turn.lang, code=step.words))


RUN = {"answer": answer, "assume": assume, "choose": choose, "ask_which": ask_which, "unknown": unknown,
       "route": routed, "more": more, "compare": compare, "compare_which": compare_which, "related": related,
       "move": to_learn, "classify": classify, "experience": experience, "in_polish": in_polish, "label": labelled,
       "chitchat": chitchat,
       "off_topic": off_topic, "nothing_to_continue": nothing_to_continue, "no_code": no_code}
