"""The team's labelled conversations (bench/eval/conversations*.yml) played against the running assistant and judged.

Each turn is labelled with the kind of reply expected (passages, decline, route, choose, …) and the occupation
code(s) it must name. Every turn is also checked for what must never happen: a false "no information" (a decline
where something else is expected), a list repeated word for word from an earlier turn, and the bot's own
sentences in another language than the conversation's. A reply's kinds are read from its text: the sentences of
bot/sentences.yml (in every language) and the headers the composer writes.

Example::

    with Assistant(...) as bot:
        results = play(bot.send, load(EVAL / "conversations.yml"))
    summary(results)["all"]          # share of turns that meet their label
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.compose import COMPARE_WORDS, SOURCE_WORD, TASK
from index.config import ROOT
from index.sentences import SENTENCES as MESSAGES

EVAL = ROOT / "bench" / "eval"
LANGS = ("pl", "uk", "en")
# sentence keys -> the kind of reply they make
KIND_OF: dict[str, str] = {
    "no_specific": "decline", "no_conditions": "decline", "not_directly": "decline", "no_description": "decline",
    "no_training": "decline",  # said as such, and the skills shown instead: a decline and passages both
    "out_salary": "route", "out_offers": "route", "out_documents": "route", "out_funding": "route",
    "out_language": "route", "route_described": "route",
    "choose": "choose", "choose_again": "choose", "choose_unnamed": "choose", "unknown_occupation": "choose",
    "experience": "choose",
    "found_in": "choose", "codes": "codes", "which_occupation": "ask", "compare_which": "ask",
    "unknown_occupation_none": "ask", "greet": "chitchat", "goodbye": "chitchat", "thank": "chitchat",
    "capabilities": "chitchat", "contact": "contact", "out_of_scope": "out_of_scope", "section_shown": "end",
    "no_more": "end", "nothing_to_continue": "ask", "in_polish": "passages", "to_learn_head": "related",
    "to_learn_none": "related", "shared_none": "compare",
}
NO_INFORMATION = ("no_specific", "no_conditions")  # "nie ma informacji"
HEADER = re.compile(r"\(KZiS \d{6}\) – ")
Send = Callable[[str, str], list[dict]]


def _pattern(template: str) -> re.Pattern[str] | None:
    """A sentence as a regular expression, its {fields} as wildcards; None when too little of it is fixed text."""
    parts = re.split(r"\{\w+\}", template.strip())
    if sum(len(p.strip()) for p in parts) < 15:
        return None
    return re.compile(r"[\s\S]*?".join(re.escape(p) for p in parts))


# (a sentence written the same in two languages, a source's proper name, says nothing of the reply's language)
SENTENCES: list[tuple[str, str, re.Pattern[str]]] = [
    (key, lang, pat) for key, texts in MESSAGES.items() if isinstance(texts, dict)
    for lang, text in texts.items() if list(texts.values()).count(text) == 1 and (pat := _pattern(text)) is not None
]


@dataclass
class Turn:
    say: str | None
    click: int | None
    expect: list[str]
    codes: list[str]


@dataclass
class Conversation:
    id: str
    lang: str
    user: str
    turns: list[Turn]


@dataclass
class Result:
    conversation: Conversation
    turn: Turn
    message: str
    reply: str
    kinds: set[str]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def load(path: Path) -> list[Conversation]:
    out = []
    for c in yaml.safe_load(path.read_text(encoding="utf-8")):
        turns = [Turn(t.get("say"), t.get("click"), _as_list(t["expect"]), [str(x) for x in t.get("codes") or []])
                 for t in c["turns"]]
        out.append(Conversation(c["id"], c["lang"], c["user"], turns))
    return out


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def kinds_of(reply: str) -> tuple[set[str], set[str], set[str]]:
    """The kinds of a reply, the sentence keys found in it and the languages of those sentences."""
    keys: set[str] = set()
    langs: set[str] = set()
    # a description's own words ("występują zróżnicowane zadania zawodowe") are no sentence of the bot's
    own = "\n".join(line for line in reply.splitlines() if not line.startswith("• "))
    for key, lang, pat in SENTENCES:
        if pat.search(own):
            keys.add(key)
            langs.add(lang)
    kinds = {KIND_OF[k] for k in keys if k in KIND_OF}
    if HEADER.search(reply) and "•" in reply:
        kinds.add("passages")
    for lang, w in COMPARE_WORDS.items():
        if f"{w['title']}: " in reply:
            kinds.add("compare")
            langs.add(lang)
        if f"{w['related']} – " in reply:
            kinds.add("related")
            langs.add(lang)
    for lang, word in SOURCE_WORD.items():  # the source line and task labels are the bot's own words too
        if re.search(rf"(^|\n){word}: ", reply) or re.search(rf"(^|\n){TASK[lang]}: ", reply):
            langs.add(lang)
    return kinds, keys, langs


def _bullets(reply: str) -> tuple[str, ...]:
    return tuple(line for line in reply.splitlines() if line.startswith("• "))


def judge(c: Conversation, turn: Turn, message: str, reply: str, earlier: list[tuple[str, ...]],
          buttons: tuple[str, ...] = ()) -> Result:
    """``buttons``: the titles of the reply's buttons; a choice offered names its occupations there."""
    kinds, keys, langs = kinds_of(reply)
    problems = []
    if not set(turn.expect) & kinds:
        problems.append(f"expected {'/'.join(turn.expect)}, got {'/'.join(sorted(kinds)) or 'nothing known'}")
    shown = reply + "\n" + "\n".join(buttons) if "choose" in kinds else reply
    missing = [code for code in turn.codes if code not in shown]
    if missing:
        problems.append(f"does not name {', '.join(missing)}")
    if "decline" not in turn.expect and keys & set(NO_INFORMATION):
        problems.append("false 'no information'")
    bullets = _bullets(reply)
    if bullets and bullets in earlier:
        problems.append("repeats an earlier list word for word")
    if langs - {c.lang}:
        problems.append(f"own sentences in {'/'.join(sorted(langs - {c.lang}))}, not {c.lang}")
    return Result(c, turn, message, reply, kinds, problems)


def play(send: Send, conversations: list[Conversation], prefix: str = "judge") -> list[Result]:
    """Every conversation from its start (a sender id of its own), each turn judged."""
    results = []
    for c in conversations:
        sender = f"{prefix}-{c.id}"
        buttons: list[dict[str, Any]] = []
        earlier: list[tuple[str, ...]] = []
        for turn in c.turns:
            if turn.click is not None and not 0 <= turn.click < len(buttons):
                results.append(Result(c, turn, f"(button {turn.click})", "", set(), [f"no button {turn.click}"]))
                continue
            message = buttons[turn.click]["payload"] if turn.click is not None else turn.say or ""
            replies = send(sender, message)
            reply = "\n".join(r.get("text") or "" for r in replies)
            buttons = [b for r in replies for b in r.get("buttons") or []]
            titles = tuple(b.get("title") or "" for b in buttons)
            results.append(judge(c, turn, message, reply, earlier, titles))
            if _bullets(reply):
                earlier.append(_bullets(reply))
    return results


def summary(results: list[Result]) -> dict[str, float]:
    """Share of turns that meet their label: all, per language, per user group; and the false "no information"."""
    groups: dict[str, list[Result]] = {"all": results}
    for r in results:
        groups.setdefault(r.conversation.lang, []).append(r)
        groups.setdefault(r.conversation.user, []).append(r)
    out = {k: sum(r.ok for r in v) / len(v) for k, v in groups.items() if v}
    out["false_no_information"] = sum("false 'no information'" in r.problems for r in results)
    out["turns"] = len(results)
    return out
