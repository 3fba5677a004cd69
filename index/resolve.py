"""The lexical signal of which occupation a message names: its name words matched against the names.

Lexical matching on name words (lemmas, female forms, missing Polish letters, "ds.") against official names
and GUS/ESCO synonyms. The ranking itself is the fusion's (``classify.OccupationClassifier.resolve``), which
reads these matches among its signals and asks ``named_by`` which words named its choice.

Example::

    best = max(resolver.lexical("Co robi sprzedawczyni?").items(), key=lambda c: c[1][0])
    best[0]   # '522301' (code; its score and the row of the best name follow)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .records import Name
from .text import canonical, content_words, is_verb, keys, name_words, words

WEAK = 0.75  # a match on a long common prefix only (typo, inflection unknown to the lemmatiser)
OFFICIAL_BONUS = 0.05  # the KZiS name outranks a synonym that other sources attach to another code
LEXICAL_MIN = 0.5  # below this the lexical match does not name an occupation


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    score: float

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Resolution:
    candidates: list[Candidate]
    ambiguous: bool
    method: str = "lexical"  # "lexical" (words of a name), "fused" (other signals), "none"
    name_words: tuple[str, ...] = ()  # words of the message that named the best candidate (lexical only)
    coverage: float = 0.0  # share of the best name's words the message contains exactly (lexical only)
    asks_name_only: bool = False  # every name-like word of the message belongs to the best name
    head_named: bool = False  # the message has the best name's first word ("Operator" of "Operator zdjęć")
    head_alone: bool = False  # the best is named by a word only its names start with ("podoficer", "кухар")
    several_heads: bool = False  # one word that starts several official names, none of them the best ("malarz")

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def confident(self) -> bool:
        return bool(self.candidates) and (self.head_alone
                                          or (not self.ambiguous and self.candidates[0].score >= LEXICAL_MIN))


def _near(a: str, b: str) -> bool:
    """Same word up to its ending: a common prefix of 6+ letters covering 3/4 of the longer word."""
    if a[:6] != b[:6] or len(a) < 6 or len(b) < 6:
        return False
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 0.75 * max(len(a), len(b))


# Endings that make a Polish adjective of a noun: "hotel" -> "hotelowy", "szpital" -> "szpitalny"
ADJECTIVE_ENDINGS = frozenset({"owy", "owa", "owe", "owego", "owej", "owych", "owym", "ny", "na", "ne", "nego", "nej",
                               "nych"})
ADJECTIVE_STEM = 4  # letters at least of the noun ("dom" -> "domowy" is too short to tell)


def _adjective_of(noun: str, word: str) -> bool:
    """``word`` is the adjective of ``noun`` ("w hotelu" names the hotel receptionist: Recepcjonista hotelowy)."""
    return len(noun) >= ADJECTIVE_STEM and word.startswith(noun) and word[len(noun):] in ADJECTIVE_ENDINGS


def _in_name(word_keys: frozenset[str], name_keys: list[frozenset[str]], near: bool = True) -> bool:
    """A word (its keys) is one of a name's words: as such, by lemma, or (``near``) up to its ending or as the
    adjective of the noun ("hotelu" in "Recepcjonista hotelowy")."""
    return any(word_keys & nk or (near and any(_near(a, b) or _adjective_of(a, b) for a in word_keys for b in nk))
               for nk in name_keys)


def holds_words(name: str, words: tuple[str, ...] | list[str], near: bool = True) -> bool:
    """Every one of ``words`` is a word of ``name`` (``near``: also up to its ending)."""
    name_keys = [keys(w) for w in content_words(name)]
    return bool(words) and all(_in_name(keys(w), name_keys, near) for w in words)


def fuller_name(q: str, candidates: list[tuple[str, str]], names_of: Callable[[str], list[str]]) -> str | None:
    """The one candidate of the first three that one of its names (``names_of``: code -> names, synonyms included)
    holds more of the message's name-like words than the first's do, and all of those, its first word among them:
    the message names the narrower occupation ("sprzedawca w sklepie spożywczym": Sprzedawca w branży spożywczej,
    not Sprzedawca; "elektryk samochodowy": Elektromechanik pojazdów samochodowych by its synonym, not Technik
    elektryk samochodowy), or two of them where the first holds none. Never a "not elsewhere classified" one (..90)."""
    words = name_words(q)
    if len(words) < 2 or len(candidates) < 2:
        return None

    def held(code: str, name: str) -> set[str]:  # the most words one of its names holds, named by its first word
        best: set[str] = set()
        for text in (name, *names_of(code)):
            got = {w for w in words if holds_words(text, [w])}
            if len(got) > len(best) and holds_words(" ".join(words), content_words(text)[:1]):
                best = got
        return best

    have = [held(code, name) for code, name in candidates[:3]]
    # a first that holds none of the words is a guess (the fusion's "Pracownik produkcji" for "operator linii
    # produkcyjnej"): one that holds two of them, its first word among them, is named
    better = [i for i in range(1, len(have))
              if (have[0] < have[i] if have[0] else len(have[i]) >= 2) and not candidates[i][0].endswith("90")
              and one_phrase(q, have[i])]
    return candidates[better[0]][0] if len(better) == 1 else None


def one_phrase(q: str, held: set[str]) -> bool:
    """The words stand in one phrase of the message, no verb between them: "sprzedawca w sklepie spożywczym" names
    one occupation, while in "czy stolarz naprawia też stare meble?" the furniture is what the joiner works on."""
    tokens = words(q)
    at = [i for i, w in enumerate(tokens) if w in held]
    return not at or not any(is_verb(w) for w in tokens[min(at) + 1:max(at)])



class QueryKeys:
    """The keys of a message's name-like words (read only): a message is compared with a few hundred names, and
    tokenising it again for each (folding, lemmas) was most of the resolver's time."""

    def __init__(self, text: str) -> None:
        self.words = tuple(name_words(text))
        self.per_word = tuple(keys(w) for w in self.words)
        self.all: frozenset[str] = frozenset().union(*self.per_word)
        self._by_prefix: dict[str, list[str]] = defaultdict(list)  # only keys of 6+ letters can be near
        for k in self.all:
            if len(k) >= 6:
                self._by_prefix[k[:6]].append(k)

    def near(self, name_keys: frozenset[str]) -> bool:
        """Some key of a name word is near (same word up to its ending) some key of the message."""
        if not self._by_prefix:
            return False
        for k in name_keys:
            near = self._by_prefix.get(k[:6])  # a shorter key is its own prefix and has no entry
            if near and any(_near(k, qk) for qk in near):
                return True
        return False


def _positions(text: str, name_like: tuple[str, ...]) -> list[int]:
    """Where each of a message's name-like words (a subsequence of its words) stands among all its words."""
    out, i = [], 0
    tokens = words(text)
    for w in name_like:
        while i < len(tokens) and tokens[i] != w:
            i += 1
        out.append(i)
        i += 1
    return out


@lru_cache(maxsize=4096)
def query_keys(text: str) -> QueryKeys:
    """A message's ``QueryKeys``, worked out once: the lexical match, the coverage of each candidate's name and the
    signals all read them for the same message."""
    return QueryKeys(text)


class Resolver:
    """Matches a message's words against every name; build once per index (a few hundred ms)."""

    def __init__(self, names: list[Name], official: dict[str, str]) -> None:
        self.names = names
        self.official = official
        self.tokens: list[list[tuple[frozenset[str], float]]] = []
        by_key: dict[str, set[int]] = defaultdict(set)
        by_prefix: dict[str, set[int]] = defaultdict(set)
        df: dict[str, int] = defaultdict(int)
        raw = [[(canonical(w), keys(w)) for w in content_words(n.text)] for n in names]
        self.heads: dict[str, set[str]] = defaultdict(set)  # key of a name's first word -> codes
        self.official_heads: dict[str, set[str]] = defaultdict(set)  # the same for official names alone
        self.one_word: set[str] = set()  # keys of official names of one word ("Spawacz")
        self.whole: dict[str, set[str]] = defaultdict(set)  # key of a one-word name of any kind -> codes ("cook")
        for i, toks in enumerate(raw):
            for k in toks[0][1] if toks else ():
                self.heads[k].add(names[i].code)
                if len(toks) == 1:
                    self.whole[k].add(names[i].code)
                if names[i].kind == "official" and len(toks) == 1:
                    self.one_word.add(k)
            if toks and names[i].kind == "official":  # "Malarz-tapeciarz" starts with "malarz" too
                first = content_words(names[i].text)[0]
                for k in toks[0][1] | keys(first.split("-")[0]):
                    self.official_heads[k].add(names[i].code)
            for _, ks in toks:
                for k in ks:
                    by_key[k].add(i)
                    if len(k) >= 6:
                        by_prefix[k[:6]].add(i)
            for c in {c for c, _ in toks}:
                df[c] += 1
        n = len(names)
        self.idf = {k: math.log(1 + n / d) for k, d in df.items()}
        self.max_idf = math.log(1 + n)
        for toks in raw:
            self.tokens.append([(ks, self.idf[c]) for c, ks in toks])
        self.by_key, self.by_prefix = by_key, by_prefix

    def lexical(self, text: str) -> dict[str, tuple[float, int]]:
        """Occupation code -> (score, index of the best name) from word matches.

        A name scores by the share of its words found in the message (coverage) and the share
        of the message's name-like words it explains, so "tester gier" prefers "Tester gier
        komputerowych" over the synonym "tester".
        """
        q = query_keys(text)
        hits: set[int] = set()
        query_mass = 0.0
        for w, ks in zip(q.words, q.per_word):
            found: set[int] = set()
            for k in ks:
                found |= self.by_key.get(k, set())
                if len(k) >= 6:
                    found |= self.by_prefix.get(k[:6], set())
            if found:
                hits |= found
                query_mass += self.idf.get(canonical(w), self.max_idf)
        if not hits:
            return {}
        best: dict[str, tuple[float, int]] = {}
        weight: dict[frozenset[str], float] = {}  # per name word: names share words ("specjalista" in hundreds)
        for i in hits:
            total = matched = 0.0
            for ks, idf in self.tokens[i]:  # (w above is a word of the message)
                total += idf
                m = weight.get(ks)
                if m is None:
                    m = weight[ks] = 1.0 if ks & q.all else WEAK if q.near(ks) else 0.0
                matched += m * idf
            if not total:
                continue
            score = 0.6 * (matched / total) + 0.4 * min(1.0, matched / query_mass)
            if self.names[i].kind == "official":
                score += OFFICIAL_BONUS
            code = self.names[i].code
            if score > best.get(code, (-1.0, 0))[0]:
                best[code] = (score, i)
        return best

    def head_alone(self, text: str) -> str | None:
        """The one occupation whose names alone start with a word of the message, when each other name-like word
        of the message is a word of its names, or of no name and not right after that word: "podoficer" names
        Podoficer zawodowy Sił Zbrojnych, though 1 of its 4 words, and so does "zwykłego kucharza" Kucharz;
        "malarz" starts names of several occupations, and in "taxi dispatcher" the unknown word after "taxi" may
        be the name's head; a verb there is not ("a szeregowy jeździ na misje?")."""
        q = query_keys(text)
        starts = [set().union(*(self.heads.get(k, ()) for k in ks)) for ks in q.per_word]
        found = {c for s in starts if len(s) == 1 for c in s}
        if len(found) != 1:
            return None
        code = found.pop()
        at = _positions(text, q.words)
        heads = {at[i] for i, s in enumerate(starts) if s == {code}}
        for i, ks in enumerate(q.per_word):
            codes = {self.names[n].code for k in ks for n in self.by_key.get(k, ())}
            if (codes and code not in codes) or (not codes and at[i] - 1 in heads and not is_verb(q.words[i])):
                return None
        return code

    def heads_several(self, text: str, best: str | None) -> bool:
        """The message names an occupation by one word that starts the official names of several occupations, is
        no official name itself, and the best reading (``best``, None when no name of it is the word) is none of
        them: a synonym led elsewhere, or nothing the word says decides. "malarz" starts Malarz budowlany,
        Malarz-tapeciarz, …, while ESCO's synonym makes it Artysta malarz: which one is meant is the user's to say.
        Not "kasjerka" (the best, Kasjer handlowy, is one of them), "spawacz" (an official name) nor "ochroniarz" (no
        official name starts with it). Official names are Polish: "painter" and "маляр" name Malarz budowlany by the
        team's glossary."""
        q = query_keys(text)
        if len(q.words) != 1 or q.all & self.one_word:
            return False
        codes = set().union(*(self.official_heads.get(k, ()) for k in q.all))
        return len(codes) >= 2 and best not in codes

    def whole_name_of(self, text: str) -> set[str]:
        """The occupations one of whose names is the message's one name-like word ("cook": Kucharz, not Pizzer)."""
        q = query_keys(text)
        return set().union(*(self.whole.get(k, ()) for k in q.all)) if len(q.words) == 1 else set()

    def headed_by(self, text: str) -> set[str]:
        """The occupations with a name (of any kind) that starts with the message's word, when it has one."""
        q = query_keys(text)
        return set().union(*(self.heads.get(k, ()) for k in q.all)) if len(q.words) == 1 else set()

    def named_by(self, text: str, cands: list[Candidate], ambiguous: bool, name_index: int) -> Resolution:
        """A lexical resolution: which of the message's words named the name at ``name_index``, and how fully."""
        matched = self.matched_words(text, name_index)
        head = self.tokens[name_index][0][0] if self.tokens[name_index] else frozenset()
        head_named = bool(head & set().union(*(keys(w) for w in matched))) if matched else False
        return Resolution(cands, ambiguous, "lexical", matched, self.coverage(text, name_index),
                          len(matched) == len(query_keys(text).words), head_named)

    def coverage(self, text: str, name_index: int) -> float:
        """Share of a name's words (counted, not weighted) that the message contains as such."""
        q_all = query_keys(text).all
        tokens = self.tokens[name_index]
        return sum(1 for ks, _ in tokens if ks & q_all) / len(tokens) if tokens else 0.0

    def matched_words(self, text: str, name_index: int) -> tuple[str, ...]:
        """The message's words that match words of one name (as written in the message)."""
        name_keys = [ks for ks, _ in self.tokens[name_index]]
        out = []
        q = query_keys(text)
        for w, ks in zip(q.words, q.per_word):
            if _in_name(ks, name_keys):
                out.append(w)
        return tuple(out)



