"""Which occupation a message or a job offer is about: signals fused into calibrated candidates, with evidence.

``OccupationClassifier.resolve`` serves the chat (a message naming an occupation, in any of the
three languages); ``classify`` serves counsellors coding a job offer (title and, optionally, its
description) and says why each candidate was proposed.

Example::

    clf = searcher.classifier      # built by ``Searcher`` from the index version, its encoder and resolver
    r = clf.classify("Kierowca C+E w ruchu krajowym", None, k=3)
    r.candidates[0].code, r.candidates[0].evidence[0].kind    # ('833202', 'example')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .fusion import Kind
from .jobads import MAX_DESCRIPTION as READ_DESCRIPTION  # the coded ads were cut there; the head says what the job is
from .records import Passage
from .resolve import LEXICAL_MIN, Candidate, Resolution, Resolver, fuller_name
from .signals import Lexical, Scores, Signals, ad_text, char_text
from .store import IndexVersion
from .text import name_text, name_words

MAX_TITLE = 2_000
MAX_DESCRIPTION = 20_000  # what an API or CLI caller may send; READ_DESCRIPTION of it is read
CONFIDENT = 0.5  # calibrated probability below which the bot asks instead of answering
CLOSE = 0.75  # the runner-up is close when its probability is at least this share of the best one's


@dataclass(frozen=True)
class Evidence:
    kind: str  # "example" | "passage" | "name"
    text: str
    code: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "code": self.code}


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4),
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class Classification:
    title: str
    candidates: list[Suggestion]
    ambiguous: bool

    def to_json(self) -> dict:
        return {"title": self.title, "candidates": [c.to_json() for c in self.candidates], "ambiguous": self.ambiguous}


# A lexical score this high: the message is one of the occupation's names word for word (any kind: a synonym, the
# team's glossary). The fusion, trained on Polish ad titles, once put an occupation no name fits above it ("bus
# driver": Specjalista kontroli jakości at p 1.00, from a character match of 0.08 with one ad title).
NAME_SAID = 0.99
# Most of a name said, clearly more than of any other occupation's ("Працював зварником на заводі": 0.80 for the
# welder, whose glossary name it is, 0.50 the next), while the fusion, unsure, put first an occupation none of the
# words name (Zbrojarz at 0.20): the words decide there too. Not when the fusion is sure: "Перекладач жестової
# мови" says more than the glossary's "перекладач", and the sign language interpreter it ranks first at 0.60 is right.
NAME_MOSTLY = 0.8
NAME_AHEAD = 0.25
Ranked = list[tuple[str, float]]  # codes with their probability, best first
UNNAMED = 0.01
NAME_FITS = 0.1  # a lexical score under this: a candidate the words were looked up for, none of its names fits


def _mostly_said(code: str, lexical: Lexical) -> bool:
    """Whether the words say most of one of that occupation's names, and clearly more than of any other's."""
    score = lexical[code][0]
    second = max((s for c, (s, _) in lexical.items() if c != code), default=0.0)
    return score >= NAME_MOSTLY and score - second >= NAME_AHEAD


def is_ambiguous(ranked: list[tuple[str, float]]) -> bool:
    """Ask rather than decide: the best candidate is unlikely, or another one is nearly as likely."""
    if not ranked:
        return False
    best = ranked[0][1]
    return best < CONFIDENT or (len(ranked) > 1 and ranked[1][1] >= CLOSE * best)


class OccupationClassifier:
    """Built once per index version (fits the TF-IDF vocabularies: a few seconds); thread-safe for reading."""

    def __init__(self, version: IndexVersion, encode: Callable[[str], np.ndarray], resolver: Resolver,
                 passages_by_code: dict[str, list[Passage]]) -> None:
        self.version, self.encode, self.resolver = version, encode, resolver
        self.passages_by_code = passages_by_code
        self.signals = Signals(version.names, version.name_index, version.examples, version.example_index, resolver,
                               version.vocabularies, version.passage_index,
                               [p.occupation_code for p in version.passages])
        self.examples_by_code: dict[str, list[int]] = {}
        for i, e in enumerate(version.examples):
            self.examples_by_code.setdefault(e.code, []).append(i)
        self.names_by_code: dict[str, list[int]] = {}
        for i, n in enumerate(version.names):
            self.names_by_code.setdefault(n.code, []).append(i)

    def _rank(self, text: str, description: str | None, kind: Kind, k: int, lexical: Lexical) -> tuple[list, Scores]:
        qvec = self.encode(name_text(text)).reshape(1, -1)
        scores = self.signals.scores([text], qvec, [description or ""] if kind == "ad" else None, lexical=[lexical])[0]
        return self.version.fusion.rank(scores, kind, self.signals.example_count, k), scores

    def _official_first(self, ranked: list[tuple[str, float]], scores: Scores,
                        text: str) -> tuple[list[tuple[str, float]], bool]:
        """A chat message or a bare job title that states an official KZiS name word for word is about that
        occupation, even where experts coded ads of that title otherwise; its score is at least how often that held
        on the coded ads.
        Returns the ranking and whether the rule decided."""
        code = self.signals.stated(scores, text)
        if code is None or not ranked:
            return ranked, False
        mine = max(dict(ranked).get(code, 0.0), self.version.fusion.stated_rate)
        return [(code, mine)] + [(c, p) for c, p in ranked if c != code], True

    def _candidate(self, code: str, score: float) -> Candidate:
        return Candidate(code, self.resolver.official.get(code, code), min(1.0, score))

    def resolve(self, text: str, k: int = 5, lexical: Lexical | None = None) -> Resolution:
        """Candidates for a chat message; keeps the lexical details the conversation needs (which words named it).
        ``lexical``: the resolver's matches of the text, when the caller has them already."""
        lexical = self.resolver.lexical(text) if lexical is None else lexical
        ranked, scores = self._rank(text, None, "title", max(k, 3), lexical)
        ranked, stated = self._official_first(ranked, scores, text)
        alone = None if stated else self.resolver.head_alone(text)
        if alone is not None and alone in lexical:  # the fusion knows few rare names ("podoficer": Podolog)
            ranked = [(alone, dict(ranked).get(alone, 0.0))] + [(c, p) for c, p in ranked if c != alone]
        if not stated and not alone and ranked:
            ranked = self._names_over_guess(text, ranked, lexical)
            ranked = self._fuller_first(text, ranked)
        if not ranked:
            return Resolution([], False, "none")
        cands = [self._candidate(c, s) for c, s in ranked[:k]]
        # the fusion's best counts as meant only when the word is all of one of its names ("kasjerka"): "opiekun"
        # starts a dozen names, and the fusion's 0.58 for Opiekunka w żłobku is a guess among them
        said = ranked[0][0] if lexical.get(ranked[0][0], (0.0, 0))[0] >= NAME_SAID else None
        several = not stated and self.resolver.heads_several(text, said)
        ambiguous = several or (is_ambiguous(ranked) and not (stated and ranked[0][1] >= CONFIDENT))  # stated decides
        # a message of question words only ("як це називається польською?") names nothing: the fusion's guess from
        # them (Filolog polski 0.66) is no reading of a name
        ambiguous = ambiguous or not name_words(text)
        best = cands[0].code
        if best == alone:
            found = replace(self.resolver.named_by(text, cands, ambiguous, lexical[best][1]), head_alone=True)
        elif best in lexical and lexical[best][0] >= LEXICAL_MIN:
            found = self.resolver.named_by(text, cands, ambiguous, lexical[best][1])
        else:
            found = Resolution(cands, ambiguous, "fused")
        return replace(found, several_heads=several)

    def _fuller_first(self, text: str, ranked: Ranked) -> Ranked:
        """While the fusion is unsure, the one of its first three whose name holds more of the message's words names
        it ("tester gier": Tester gier komputerowych, not Tester oprogramowania komputerowego; ``fuller_name``)."""
        if ranked[0][1] >= CONFIDENT:
            return ranked
        fuller = fuller_name(text, [(c, self.resolver.official.get(c, c)) for c, _ in ranked[:3]], self.names_of)
        if fuller is None or fuller == ranked[0][0]:
            return ranked
        return [(fuller, ranked[0][1]), *((c, p) for c, p in ranked if c != fuller)]

    def _names_over_guess(self, text: str, ranked: Ranked, lexical: Lexical) -> Ranked:
        """The fusion, learned on Polish ad titles, put first an occupation no name fits: the words' own matches
        decide when they name one occupation word for word ("bus driver": Kierowca autobusu; what no name of theirs
        fits stays a far option), or most of one clearly ahead of the rest while the fusion is unsure
        (``NAME_MOSTLY``), or start several names ("водій": the user's to choose)."""
        first = ranked[0][0]
        said = max(lexical, key=lambda c: lexical[c][0], default=None)
        # a candidate the words were looked up for and none fits ("Inżynier elektryk" 0.0 for "electrician") is
        # no name fitting
        fits = lambda code: lexical.get(code, (0.0, 0))[0] >= NAME_FITS  # noqa: E731
        if not fits(first) and said is not None and (
                lexical[said][0] >= NAME_SAID or (_mostly_said(said, lexical) and ranked[0][1] < CONFIDENT)):
            rest = sorted(((c, p if fits(c) else min(p, UNNAMED)) for c, p in ranked if c != said),
                          key=lambda cp: -cp[1])
            return [(said, max(dict(ranked).get(said, 0.0), CONFIDENT)), *rest]
        if lexical.get(first, (0.0, 0))[0] < NAME_SAID:
            return self._headed(text, ranked, lexical) or ranked
        return ranked

    def _headed(self, text: str, ranked: Ranked, lexical: Lexical) -> Ranked:
        """A message of one word that starts names of several occupations (of any kind, so also the team's
        Ukrainian and English glossary: "водій" starts a bus, truck and forklift driver's): those occupations, in
        the fusion's order as far as it ranks them and then by their word matches; the user's to choose
        (``heads_several`` for the official Polish names)."""
        codes = self.resolver.headed_by(text) & lexical.keys()
        if len(codes) < 2:
            return []
        whole = self.resolver.whole_name_of(text) & codes
        if len(whole) == 1:  # the word is all of one occupation's name ("cook"), the start of others' ("cook's helper")
            (code,) = whole
            return [(code, max(dict(ranked).get(code, 0.0), CONFIDENT)), *((c, p) for c, p in ranked if c != code)]
        kept = [(c, p) for c, p in ranked if c in codes]
        floor = min((p for _, p in kept), default=UNNAMED)
        rest = sorted(codes - {c for c, _ in kept}, key=lambda c: -lexical[c][0])
        return [*kept, *((c, min(floor, UNNAMED)) for c in rest)]

    def ranked(self, text: str, k: int) -> list[str]:
        """The codes ``classify`` ranks first for a bare title, without their evidence (which costs most of it)."""
        return [code for code, _ in self._ranking(text, None, "title", k)[:k]]

    def _ranking(self, text: str, description: str | None, kind: Kind, k: int) -> list[tuple[str, float]]:
        ranked, scores = self._rank(text, description, kind, max(k, 3), self.resolver.lexical(text))
        if kind == "title":  # a bare title that is an official name word for word: that occupation first, as in
            # the chat (neutral on the dev titles: 8 of 300 moved)
            ranked, _ = self._official_first(ranked, scores, text)
        return ranked

    def names_of(self, code: str) -> list[str]:
        """Every name of an occupation the index knows (official, synonyms, the team's glossary)."""
        return [self.version.names[i].text for i in self.names_by_code.get(code, [])]

    def classify(self, title: str, description: str | None = None, k: int = 3) -> Classification:
        """Candidates for a job offer, each with the examples, names and passages that support it."""
        description = (description or "")[:READ_DESCRIPTION].strip() or None
        kind: Kind = "ad" if description else "title"
        text = title if title.strip() else description or ""
        ranked = self._ranking(text, description, kind, k)
        chars = self.signals.vocab.chars.transform([char_text(text)])
        words = self._words(description)
        out = [Suggestion(c.code, c.name, c.score, self.evidence(chars, words, c.code))
               for c in (self._candidate(code, p) for code, p in ranked[:k])]
        return Classification(title, out, is_ambiguous(ranked))

    def _words(self, description: str | None):  # a sparse row or None
        vocab = self.signals.vocab
        return vocab.words.transform([ad_text(description)]) if description and vocab.words is not None else None

    def evidence(self, chars, words, code: str) -> list[Evidence]:  # sparse rows of the offer
        """The closest coded ad title, name and (for a whole ad) official passage of one candidate."""
        vocab, out = self.signals.vocab, []
        examples, names = self.version.examples, self.version.names
        for kind, rows, matrix, text_of in (
            ("example", self.examples_by_code.get(code, []), vocab.example_chars, lambda r: examples[r].title),
            ("name", self.names_by_code.get(code, []), vocab.name_chars, lambda r: names[r].text),
        ):
            if rows:
                sims = (chars @ matrix[:, rows]).toarray()[0]
                out.append(Evidence(kind, text_of(rows[int(np.argmax(sims))]), code))
        passage = self._best_passage(words, code) if words is not None else None
        if passage is not None:
            out.append(Evidence("passage", passage.text, code))
        return out

    def _best_passage(self, words, code: str) -> Passage | None:  # the offer's sparse word row
        passages = [p for p in self.passages_by_code.get(code, []) if p.section in ("task", "overview", "esco_skill")]
        if not passages:
            return None
        vectorizer = self.signals.vocab.words
        assert vectorizer is not None  # the offer's word row came from it
        m = vectorizer.transform([ad_text(p.text) for p in passages])
        sims = (m @ words.T).toarray()[:, 0]
        return passages[int(np.argmax(sims))] if sims.max() > 0 else None


def check_offer(title: object, description: object) -> tuple[str, str | None]:
    """Validate a job offer; raises ValueError with a message a counsellor understands."""
    if title is not None and not isinstance(title, str):
        raise ValueError("title must be text")
    if description is not None and not isinstance(description, str):
        raise ValueError("description must be text or null")
    title = (title or "").strip()
    description = (description or "").strip() or None
    if not title and not description:
        raise ValueError("give a title or a description of the job offer")
    if len(title) > MAX_TITLE:
        raise ValueError(f"the title is too long ({len(title)} characters; at most {MAX_TITLE})")
    if description and len(description) > MAX_DESCRIPTION:
        raise ValueError(f"the description is too long ({len(description)} characters; at most {MAX_DESCRIPTION})")
    if not re.search(r"[^\W_]", title + (description or "")):
        raise ValueError("the offer has no words (only punctuation or symbols)")
    return title, description
