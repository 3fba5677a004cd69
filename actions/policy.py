"""The dialogue policy: what the bot does with an understood message, given where the conversation is.

Plain Python, no Rasa and no search: the state (slots) and the understood message in, a ``Step`` out; the
actions carry it out (``actions/converse.py``). Tested table by table in ``tests/test_policy.py``.

| the message asks | the bot |
|---|---|
| pay, offers, documents, the office's support (funding), language | routes it: what the descriptions do not say, |
| | and the counsellor (buttons offered before stay pending) |
| a kind of information or something specific | answers it about the occupation named; else the one offered as a |
| | button the user did not click (the only one whose description answers the question, or clearly ahead; else |
| | asks once more); else the current one; else asks which |
| just a name ("a murarz?") | the same kind of information as the last answer, about that occupation; a name |
| | known only to other signals than its words ("а нотаріус?"): the occupations it may be, as buttons |
| "więcej" | continues the last list the bot showed; after a decline or a routed question, the occupation's next |
| | part not shown yet |
| a task's or competence's label ("Z3", "Kz2") | that task or competence of the current occupation's description |
| a comparison, what two share | the two occupations named, or one named and the current one (or the first other |
| | one offered as a button), or the first two offered as buttons the user did not click, or the last two |
| related occupations | those of the occupation named or the current one |
| what to learn to become X | the move from the current occupation to X; without a current one, X's training |
| a pasted job offer with "jaki kod", one's own work described | the job-offer model's occupations (also "how is |
| | it called in Polish?", "what fits it?" of work described without a name for sure, nothing at hand) |

Example::

    decide(State(current="721204"), Understood(kind="skill", naming=Naming("follow_up")))
    # Step(action='answer', code='721204', ask='skill')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.text import name_words

ROUTED = ("salary", "offers", "documents", "funding", "language")  # no description says it: the office does
INFO = ("task", "overview", "knowledge", "skill", "competence", "training", "cv", "conditions", "specific")
TOPICAL = ("specific", "conditions", "training", "cv", "related")


@dataclass(frozen=True)
class Naming:
    """Which occupation the message names, given the current one (``converse._naming``).

    kind: "named" (a new one, sure), "follow_up" (none named, or only topic words: the current one stands),
    "ambiguous" (several fit: ``candidates``), "unknown" (a name the bot does not know; ``candidates`` may fit),
    "none" (nothing named and no current occupation).
    """

    kind: str
    code: str | None = None
    candidates: tuple[tuple[str, str], ...] = ()  # follow_up: what other signals say a bare name may be
    words: str = ""
    question: str = ""  # the message without the occupation's name: what to rank passages by
    head: bool = True  # the words are the head of the candidates' names ("opiekun"), not a topic ("zmiany")
    lead: bool = False  # ambiguous, yet the first candidate is clearly ahead: go on with it, the others as buttons
    full: bool = False  # named by every word of one of its names (a message turned away still names it)
    bare: bool = False  # the message is nothing but the head of several names ("opiekun"): which one is meant


@dataclass(frozen=True)
class State:
    current: str | None = None
    previous: str | None = None  # the occupation before the current one (comparisons)
    offered: tuple[str, ...] = ()  # occupations offered as buttons in the bot's last turn
    offered_lead: bool = False  # the first of them is clearly ahead
    offered_again: bool = False  # the bot already asked a second time
    last_ask: str | None = None  # the kind of the last answered question
    last_list: str | None = None  # what "więcej" continues: "section" | "passages" | "related"


@dataclass(frozen=True)
class Understood:
    kind: str
    naming: Naming = field(default_factory=lambda: Naming("follow_up"))
    pair: tuple[str, ...] = ()  # occupations a comparison names (codes or names), in order
    p: float = 1.0  # how sure the model of what messages ask is of ``kind``
    fits: str | None = None  # of the occupations offered as buttons, the one whose description answers the question


@dataclass(frozen=True)
class Step:
    action: str  # answer | assume | choose | ask_which | unknown | route | more | compare | related | move | classify
    #              | experience | in_polish | label | chitchat | off_topic | compare_which | nothing_to_continue
    #              | no_code
    code: str | None = None
    ask: str | None = None  # the kind of information to answer
    other: str | None = None  # the second occupation of a comparison
    candidates: tuple[tuple[str, str], ...] = ()
    topic: str | None = None  # route: salary | offers | documents | funding | language
    shared: bool = False  # compare: what the two have in common first
    words: str = ""
    question: str = ""


DESCRIBED_WORDS = 3  # a message with this many name-like words that names no occupation describes one


def decide(state: State, msg: Understood) -> Step:
    """The next step of the conversation (see the module's table)."""
    kind, n = msg.kind, msg.naming
    named = n.code if n.kind == "named" else None
    if kind == "no_code":
        return Step("no_code", words=n.words)
    if kind in ROUTED:
        return Step("route", code=named or state.current, topic=kind, question=n.question)
    if kind == "label":  # "Kz2": the description's own label of a task or competence, of the occupation at hand
        return Step("label", code=state.current, question=n.question) if state.current else Step("ask_which")
    if kind == "more":
        # after a reply about the occupation that listed nothing (a decline, a routed question) its next part goes
        # on; not after codes of an offer or a comparison, which are no part of it
        goes_on = state.current and state.last_ask not in ("classify_offer", "compare", "shared", "move")
        return Step("more") if state.last_list or goes_on else Step("nothing_to_continue")
    if _describes_work(state, msg):
        kind = "experience"  # "I worked in a warehouse: picking orders, … What jobs match my experience?"
    if kind in ("compare", "shared"):
        return _compare(state, msg)
    if kind == "classify_offer":
        return Step("classify")
    if kind == "move":  # "co musiałbym się douczyć, żeby zostać X?": from the occupation at hand to X
        target = named or (n.candidates[0][0] if n.kind == "ambiguous" and n.lead and n.candidates else None)
        if target and state.current and target != state.current:
            return Step("move", code=state.current, other=target)
        kind = "training" if named or not state.current else "related"  # no move to speak of
    if kind in ("experience", "off_topic", "chitchat"):
        if n.kind == "ambiguous" and n.bare:  # "opiekun" alone asks about an occupation, whatever it reads like
            return _about_occupation(state, "overview", n, naming=True)
        if named is None or not n.full:  # "w krakowie" near "Krawiec" is no name
            return Step(kind)
        kind = "name"  # a message turned away that still names an occupation by all its words ("ślusarz")
    ask = kind
    if kind == "name":
        # a kind of information goes on with the new occupation; a searched question (a point, working conditions)
        # was about the last one, and would often be declined for this one: what this one is, instead
        ask = state.last_ask if state.last_ask in INFO and state.last_ask not in ("specific", "conditions") \
            else "overview"
        if n.kind == "follow_up" and n.candidates:  # "а нотаріус?": a name only other signals know
            return Step("unknown", ask=ask, candidates=n.candidates, question=n.question)
    return _about_occupation(state, ask, n, naming=kind == "name", fits=msg.fits)


def _describes_work(state: State, msg: Understood) -> bool:
    """With no occupation at hand, a message that asks what its work is called, what fits it or is like it, and
    names no occupation for sure but has many name-like words describes the work ("шила одяг на машинці … як це
    по-польськи?", "I clean rooms in hotel, make beds … What is this job name in polish?"): the work is what to
    name, not the name a word of it resembles ("make beds": Stolarz)."""
    kind, naming = msg.kind, msg.naming
    if state.current or state.offered or naming.bare or len(msg.pair) >= 2:
        return False
    if kind == "in_polish":  # what it is called: an ambiguous reading of the work's words is no name either
        return naming.kind in ("unknown", "none", "ambiguous") \
            and len(name_words(naming.question)) + len(naming.words.split()) >= DESCRIBED_WORDS
    # what fits it, what it is like: "podobne do kierowcy w firmie kurierskiej" names an occupation, if unsurely
    return kind in ("related", "compare", "shared") and naming.kind in ("unknown", "none") \
        and len(name_words(naming.question)) >= DESCRIBED_WORDS


def _about_occupation(state: State, ask: str, n: Naming, naming: bool, fits: str | None = None) -> Step:
    """``naming``: the message is about which occupation ("a opiekunka?"); otherwise words that fit no occupation
    for sure are the topic of a question about the occupation at hand ("czy trzeba myć okna?"). ``fits``: of the
    occupations offered as buttons, the one whose description answers the question (``converse.fitting``)."""
    if n.kind == "named" and n.code:
        return about(ask, n.code, n.question)
    at_hand = bool(state.offered or state.current)
    # a question about a topic (a specific point, conditions, training, a CV, other jobs) seldom brings in a new
    # occupation by a name the resolver cannot place: its odd words are the topic of the occupation at hand
    topical = ask in TOPICAL and at_hand and not naming
    # buttons ignored for a message of nothing but a name's words ("mechanik samochodowy – co musi wiedzieć?"): the
    # new name is what the user means, not the occupations offered before
    typed_on = bool(state.offered) and n.bare
    if n.kind == "ambiguous" and (naming or n.head or typed_on or not at_hand) and not (topical and not n.head):
        if n.lead and n.candidates:
            return Step("assume", code=n.candidates[0][0], ask=ask, question=n.question, candidates=n.candidates[1:])
        return Step("choose", ask=ask, candidates=n.candidates, words=n.words, question=n.question)
    # the resolver's "unknown" weighed the current occupation already ("czym zajmuje się X" introduces X); only
    # buttons it did not know of make the words a topic
    if n.kind == "unknown" and (naming or not state.offered) and not topical:
        return Step("unknown", ask=ask, candidates=n.candidates, question=n.question)
    if state.offered:  # the user typed on instead of clicking one of the occupations offered
        # a question only one of them answers says which ("czy pisze się aplikacje na Androida?": the mobile one)
        first = fits if fits in state.offered else state.offered[0]
        # "co jeszcze mogę robić z takim doświadczeniem?" under the occupations a described job fits: the first
        # one's related occupations answer it, the others stay as buttons (asking again would answer nothing)
        if fits in state.offered or state.offered_lead or state.offered_again or ask == "related":
            return Step("assume", code=first, ask=ask, question=n.question,
                        candidates=tuple((c, "") for c in state.offered if c != first))
        return Step("choose", ask=ask, candidates=tuple((c, "") for c in state.offered), question=n.question,
                    words="again")
    if state.current:
        return about(ask, state.current, n.question)
    return Step("ask_which", ask=ask, question=n.question)


def about(ask: str, code: str, question: str) -> Step:
    """The step that answers ``ask`` about ``code``: the related list, the Polish name, or passages."""
    if ask == "related":
        return Step("related", code=code)
    if ask == "in_polish":
        return Step("in_polish", code=code)
    return Step("answer", code=code, ask=ask, question=question)


def _compare(state: State, msg: Understood) -> Step:
    """Two occupations: both named; one named and the current one (without one, the first other occupation offered
    as a button); the first two offered as buttons the user did not click; or the last two of the conversation."""
    shared = msg.kind == "shared"
    pair = list(dict.fromkeys(msg.pair))
    if not pair and len(state.offered) >= 2:  # "a czym się różnią?" under the buttons: the first two offered
        pair = list(state.offered[:2])
    # "a czym się różni od magazyniera?" under buttons not clicked: the first offered is the other one
    lead = next((c for c in state.offered if c not in pair), None) if not state.current else None
    for known in (state.current, lead, state.previous):
        if len(pair) < 2 and known and known not in pair:
            pair.insert(0, known) if pair else pair.append(known)
    if len(pair) < 2:
        return Step("compare_which", shared=shared)
    return Step("compare", code=pair[0], other=pair[1], shared=shared)
