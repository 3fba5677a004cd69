"""Ukrainian typed in Latin letters ("Shcho treba vmity v Polshchi?") back into Cyrillic.

Jobseekers from Ukraine often type on a Polish or English keyboard, in the official 2010 national transliteration
or an ad-hoc one (shch/sch/szcz, kh/h/ch, ya/ia/ja, y for и, i for і, ' for ь...). Each word is read back by walking
pymorphy3's Ukrainian dictionary (a DAWG of all inflected forms) with every romanisation a Latin chunk may stand
for, so only readings that stay a prefix of a real word survive: the search is bounded by the dictionary, not by the
number of spellings. A message is Ukrainian when its words with a Ukrainian reading outweigh its Polish and English
words (simplemma's dictionaries, the cached strategy index/text.py uses; see _is_ukrainian for the thresholds).
The action server reads every chat message through `latin_ukrainian` first (actions/base.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product

from index import text

# Latin chunk -> Cyrillic readings with a cost: 0 for the official 2010 transliteration, more for the ad-hoc and
# Polish-keyboard spellings, so that when two readings are both words the commoner spelling wins.
RULES: dict[str, tuple[tuple[str, float], ...]] = {
    "shch": (("щ", 0.0),),
    "szcz": (("щ", 0.2),),
    "sch": (("щ", 0.2),),
    "zh": (("ж", 0.0),),
    "kh": (("х", 0.0),),
    "ch": (("ч", 0.0), ("х", 0.6)),
    "sh": (("ш", 0.0),),
    "sz": (("ш", 0.3),),
    "cz": (("ч", 0.3),),
    "rz": (("рж", 0.0), ("ж", 0.6)),
    "ts": (("ц", 0.0),),
    "tz": (("ц", 0.5),),
    "ya": (("я", 0.0),),
    "la": (("ля", 0.5),),  # Polish-style: "dla" is "для" (Polish writes л before a vowel as ł)
    "lu": (("лю", 0.5),),
    "lo": (("льо", 0.5),),
    "ia": (("я", 0.1),),
    "ja": (("я", 0.2),),
    "yu": (("ю", 0.0),),
    "iu": (("ю", 0.1),),
    "ju": (("ю", 0.2),),
    "ye": (("є", 0.0),),
    "ie": (("є", 0.1),),
    "je": (("є", 0.2),),
    "yi": (("ї", 0.0), ("ий", 0.0)),
    "ji": (("ї", 0.2),),
    "yo": (("йо", 0.0), ("ьо", 0.1)),
    "io": (("ьо", 0.2),),
    "a": (("а", 0.0),),
    "b": (("б", 0.0),),
    "c": (("ц", 0.2), ("ч", 0.7), ("к", 0.8)),
    "d": (("д", 0.0),),
    "e": (("е", 0.0), ("є", 0.5)),
    "f": (("ф", 0.0),),
    "g": (("г", 0.2), ("ґ", 0.3)),
    "h": (("г", 0.0), ("х", 0.4)),
    "i": (("і", 0.0), ("и", 0.3), ("ї", 0.3), ("й", 0.35)),  # "katehorii" is more often "категорії" than "-ій"
    "j": (("й", 0.2),),
    "k": (("к", 0.0),),
    "l": (("л", 0.0),),
    "m": (("м", 0.0),),
    "n": (("н", 0.0),),
    "o": (("о", 0.0),),
    "p": (("п", 0.0),),
    "q": (("к", 0.8),),
    "r": (("р", 0.0),),
    "s": (("с", 0.0),),
    "t": (("т", 0.0),),
    "u": (("у", 0.0), ("ю", 0.8)),  # "rezume"
    "v": (("в", 0.0),),
    "w": (("в", 0.3),),
    "x": (("кс", 0.5), ("х", 0.5)),
    "y": (("и", 0.0), ("й", 0.2), ("і", 0.5)),
    "z": (("з", 0.0),),
    "'": (("'", 0.0), ("ь", 0.1)),
}
LONGEST = max(map(len, RULES))
SOFTENED = tuple("дтзсцлнр")  # consonants a dropped ь may follow (the official transliteration writes no ь)
IOTATED = tuple("яюєї")  # vowels a dropped apostrophe may precede ("obovyazky" is "обов'язки")
SOFT_SIGN_COST = 0.2
APOSTROPHE_COST = 0.1
BEAM = 48  # dictionary states kept per position: enough for every word tried, bounded for any input
# Frequent words pymorphy3's Ukrainian dictionary lacks (particles and adverbs), and frequent words that should win
# over a rarer word of the same spelling ("bud laska" is "будь ласка", not "буд"; "den" is "день", not "ден").
COMMON_UKRAINIAN = frozenset("ще вже теж нема немає ой будь день".split())
COMMON_BONUS = 0.5
RARE_GRAMMEMES = frozenset({"Name", "Surn", "Patr", "Dist", "Abbr"})
RARE_COST = 0.5
WEAK_COST_PER_LETTER = 0.25
SHARED_MAX_COST = 0.5  # "dla" as "для" and "polsku" as "польську" (two dropped ь) are read; "doradca" as "дорадча"
# (c for ч) and "widlowy" as "відлови" (w twice) are not

# Polish greetings the dictionaries lack, which read as Ukrainian words ("hej" is "гей"): "hej, robilam jako kasjerka…"
# had been taken for Ukrainian typed in Latin letters
GREETINGS = frozenset("hej siema siemka elo czesc witam nara narka papa dzieki spoko".split())
ONE_LETTER_WORDS = frozenset("AIVUZOJ")  # а, і, в, у, з, о, й
WORD = re.compile(r"[^\W\d_]+(?:[-'’`ʼ][^\W\d_]+)*'?")
LATIN = re.compile(r"[a-z']+")
APOSTROPHES = str.maketrans({"’": "'", "`": "'", "ʼ": "'"})
# Polish letters that a phone keyboard's user leaves out: candidate restorations of an unaccented word.
POLISH_ACCENTS = {"a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "źż"}
MAX_RESTORATIONS = 64
# Spellings no Polish word has (kh, zh, sh, ts, y before a vowel, iu, an apostrophe): no restoration to look up.
NOT_POLISH = re.compile(r"kh|zh|sh|ts|y[aeiouy]|iu|'")
MAX_WORD = 40  # letters: no Ukrainian word is longer (the walk is linear in a word's length anyway)
MAX_STEPS = 50_000  # remembered DAWG transitions, ~250 bytes each: ~12 MB at most (the set of 219 messages takes 4,100)


@dataclass(frozen=True)
class Reading:
    """A Latin word's best Cyrillic reading; `known` when pymorphy3's dictionary (or COMMON_UKRAINIAN) has it,
    `rare` when the dictionary knows it only as a name, an abbreviation or a marked spelling ("cv" is "кв"): such a
    reading is chosen but is no evidence that the message is Ukrainian."""

    cyrillic: str
    known: bool
    rare: bool = False
    cost: float = 0.0


def latin_ukrainian(message: str) -> str | None:
    """The message in Cyrillic when it is Ukrainian typed in Latin letters, else None.

    Polish and English words with no Ukrainian reading (an occupation's Polish name, "driver"), words with Polish
    letters, acronyms and category letters ("SEP", "C"), numbers (KZiS codes) and punctuation stay as typed.
    Messages with Cyrillic letters, Polish, English and short replies ("ok", "dzieki", "yes") give None.

    >>> latin_ukrainian("Shcho treba vmity v Polshchi?")
    'Що треба вміти в Польщі?'
    >>> latin_ukrainian("shcho robyt spawacz?")
    'що робить spawacz?'
    >>> latin_ukrainian("czy trzeba miec prawo jazdy") is None
    True
    """
    if text.CYRILLIC.search(message):
        return None
    if message.isupper() and len(message.lower()) == len(message):  # typed with Caps Lock: not acronyms
        lowered = latin_ukrainian(message.lower())
        return lowered.upper() if lowered is not None else None
    tokens = [(m.start(), m.end(), m.group().translate(APOSTROPHES)) for m in WORD.finditer(message)]
    starts = [not message[:start].rstrip() or message[:start].rstrip()[-1] in ".!?" for start, _, _ in tokens]
    kinds = [_kind(word, start) for (_, _, word), start in zip(tokens, starts)]
    # Decide on the cheap look-ups first: only a word neither Polish nor English (nor unaccented Polish, nor a
    # name) can be the Ukrainian word that _is_ukrainian needs, so a message of Polish and English words walks no
    # dictionary (the common path), and the Polish and English words are read only when another word is Ukrainian.
    readings = {i: _reading(w.lower()) for i, (_, _, w) in enumerate(tokens) if kinds[i] == "latin"}
    if not any(_settled("latin", r, tokens[i][2], starts[i]) == "ukrainian" for i, r in readings.items() if r.known):
        return None
    readings |= {i: _reading(w.lower()) for i, (_, _, w) in enumerate(tokens) if kinds[i] == "known"}
    kinds = [_settled(k, readings.get(i), tokens[i][2], starts[i]) for i, k in enumerate(kinds)]
    if not _is_ukrainian(kinds, tokens):
        return None
    kept = ("foreign", "other")
    return _replaced(message, tokens, {i: _cased(r.cyrillic, tokens[i][2]) for i, r in readings.items()
                                       if kinds[i] not in kept})


def _replaced(message: str, tokens: list[tuple[int, int, str]], words: dict[int, str]) -> str:
    """The message with the tokens numbered in `words` replaced, everything between them as it was."""
    out, last = [], 0
    for i, (start, end, _) in enumerate(tokens):
        out += [message[last:start], words.get(i, message[start:end])]
        last = end
    out.append(message[last:])
    return "".join(out)


def _settled(kind: str, reading: Reading | None, word: str, sentence_start: bool) -> str:
    """After the dictionary walk: ukrainian (only a Ukrainian reading), shared (also Polish or English: "na",
    "tak", "robota", or unaccented Polish: "tez"), foreign (Polish or English only, kept as typed), unknown (no
    dictionary knows it: a typo or a name, transliterated), other (kept, not counted). A capitalised word inside
    a sentence is a name ("Mam na imie Olena"): read, but no evidence of the message's language."""
    if reading is None:
        return kind
    # a Polish word read only through ad-hoc spellings is Polish ("doradca" is not "дорадча")
    if kind == "known" or _unaccented_polish(word.lower()):
        return "shared" if reading.known and reading.cost <= SHARED_MAX_COST else "foreign"
    name = word[:1].isupper() and not sentence_start
    return "ukrainian" if reading.known and not reading.rare and not name else "unknown"


def _is_ukrainian(kinds: list[str], tokens: list[tuple[int, int, str]]) -> bool:
    """The thresholds, set on tests/data/latin-ukrainian.tsv:
    - a word that only Ukrainian reads, and another Ukrainian reading besides (one reading alone is too often
      chance: Polish "tez" is "тез", English "yak" is "як");
    - those words outweigh the Polish and English ones, a shared word counting half ("ya pratsiuvav yak spawacz":
      a Polish name in a Ukrainian sentence is common, a Ukrainian word in a Polish one is not);
    - shared and Ukrainian words are at least half the message (the rest are typos and names no dictionary
      knows: a message of unknown words is not read as anything).
    A message of one word is Ukrainian when only Ukrainian reads it and it has 5+ letters ("pratsiuiu"): the
    short replies ("ok", "dzieki", "super", "yes") are Polish or English words or too short to tell."""
    ukrainian, shared, foreign = kinds.count("ukrainian"), kinds.count("shared"), kinds.count("foreign")
    counted = len(kinds) - kinds.count("other")
    if counted == 1:
        word = next(w for (_, _, w), k in zip(tokens, kinds) if k != "other")
        return ukrainian == 1 and len(word) >= 5
    return ukrainian >= 1 and ukrainian + shared >= 2 and ukrainian + shared / 2 > foreign \
        and 2 * (ukrainian + shared) >= counted


@lru_cache(maxsize=50_000)
def _kind(word: str, sentence_start: bool) -> str:
    """foreign: letters no romanisation uses (Polish ones); other: an acronym or a category letter ("SEP", "C",
    "kat. B"; a capital letter is a word only where it starts a sentence: "V Polshchi"); known: a Polish or English
    word; latin: neither."""
    if (word.isupper() and len(word) > 1) or (word.isupper() and not (sentence_start and word in ONE_LETTER_WORDS)):
        return "other"
    if "-" in word:  # "Murarz-tynkarz" is one Polish name; "будь-який" one Ukrainian word
        parts = {_kind(part, sentence_start) for part in word.split("-")}
        return "foreign" if "foreign" in parts else "known" if parts == {"known"} else "latin"
    lower = word.lower()
    if not LATIN.fullmatch(lower) or lower in ("w", "x", "q") or len(lower) > MAX_WORD:
        return "foreign"
    if lower in text.POLISH or lower in text.ENGLISH or lower in GREETINGS or _in_dictionary(lower):
        return "known"
    return "latin"


def _in_dictionary(word: str) -> bool:
    strategy = text.dictionaries()
    return strategy.is_dictionary_member(word, "pl") or strategy.is_dictionary_member(word, "en")


@lru_cache(maxsize=50_000)
def _unaccented_polish(word: str) -> bool:
    """A Polish word typed without its accents ("jezdze" is "jeżdżę", "tez" is "też"): one of its restorations
    with the fewest accents (at most MAX_RESTORATIONS tried) is in simplemma's Polish dictionary."""
    if "-" in word:
        return any(_unaccented_polish(part) for part in word.split("-"))
    if NOT_POLISH.search(word):
        return False
    slots = [(i, POLISH_ACCENTS[ch]) for i, ch in enumerate(word) if ch in POLISH_ACCENTS]
    strategy = text.dictionaries()
    tried = 0
    for count in range(1, min(len(slots), 3) + 1):
        for chosen in combinations(slots, count):
            for letters in product(*(alts for _, alts in chosen)):
                chars = list(word)
                for (i, _), letter in zip(chosen, letters):
                    chars[i] = letter
                if strategy.is_dictionary_member("".join(chars), "pl"):
                    return True
                tried += 1
                if tried >= MAX_RESTORATIONS:
                    return False
    return False


@lru_cache(maxsize=50_000)
def _reading(word: str) -> Reading:
    """The cheapest reading the dictionaries know, else the cheapest reading (a typo, a name). Of the cheapest
    known ones, a first name, surname or a distorted spelling pymorphy3 marks is taken only when nothing else is:
    "den" is "день", not the name "Ден"; "obovyazky" is "обов'язки", not the marked "обовязки"."""
    if "-" in word:
        parts = [_reading(part) for part in word.split("-")]
        return Reading("-".join(p.cyrillic for p in parts), all(p.known for p in parts), any(p.rare for p in parts),
                       sum(p.cost for p in parts))
    common = [(cost - COMMON_BONUS, cyr) for cost, cyr in _walk(word, _common_lexicon())]
    ends = [(cost + RARE_COST * bool(_marks(cyr)), cost, cyr) for cost, cyr in _walk(word, _dawg_lexicon())[:4]]
    ends += [(cost, cost, cyr) for cost, cyr in common]
    if not ends:
        return Reading(_plain(word), False)
    _, cost, cyrillic = min(ends, key=lambda e: (e[0], len(e[2])))  # a tie: the reading that took a digraph
    # no evidence: a name or an abbreviation (a distorted spelling is still Ukrainian), or a reading that took
    # unlikely spellings for most of its letters ("cv" is "кв" only if c is к)
    weak = not common and (_marks(cyrillic) - {"Dist"} or cost > WEAK_COST_PER_LETTER * len(word))
    return Reading(cyrillic, True, bool(weak), cost)


@lru_cache(maxsize=50_000)
def _marks(cyrillic: str) -> frozenset[str]:
    """The RARE_GRAMMEMES that every parse of a word has: a word known only as a name, an abbreviation or a marked
    spelling ("ден" is also the plural genitive of "дно": not marked). pymorphy3's Ukrainian parses are not in
    order of frequency: the first one of "кухар" is a surname."""
    parses = text.ukrainian_morphology().parse(cyrillic)
    marks = [p.tag.grammemes & RARE_GRAMMEMES for p in parses]
    return frozenset(set.union(*map(set, marks))) if marks and all(marks) else frozenset()


def _walk(word: str, lexicon: _Lexicon) -> list[tuple[float, str]]:
    """The word's readings the lexicon has, cheapest first: dynamic programming over the word's positions; a state
    is a node of the lexicon, so two spellings that reach the same node keep only the cheaper one."""
    states: list[dict[object, tuple[float, str]]] = [{} for _ in range(len(word) + 1)]
    states[0][lexicon.root] = (0.0, "")
    for i in range(len(word)):
        if not states[i]:
            continue
        beam = sorted(states[i].items(), key=lambda kv: kv[1][0])[:BEAM]
        for length in range(1, min(LONGEST, len(word) - i) + 1):
            for out, cost in _variants(word[i : i + length], i > 0):
                for node, (acc, cyr) in beam:
                    nxt = lexicon.follow(node, out)
                    if nxt is not None:
                        best = states[i + length].get(nxt)
                        if best is None or acc + cost < best[0]:
                            states[i + length][nxt] = (acc + cost, cyr + out)
    return sorted(v for node, v in states[-1].items() if lexicon.is_word(node))


@lru_cache(maxsize=512)
def _variants(chunk: str, inside: bool) -> tuple[tuple[str, float], ...]:
    """A chunk's readings with the letters the transliteration drops: ь after a consonant, an apostrophe before
    я/ю/є/ї (inside a word). At a word's start "ia" is as common as the official "ya" ("Ia pratsiuiu")."""
    out: list[tuple[str, float]] = []
    for cyr, cost in RULES.get(chunk, ()):
        out.append((cyr, 0.0 if not inside and chunk in ("ia", "iu", "ie") else cost))
        if cyr.endswith(SOFTENED):
            out.append((cyr + "ь", cost + SOFT_SIGN_COST))
        if inside and cyr.startswith(IOTATED):
            out.append(("'" + cyr, cost + APOSTROPHE_COST))
    return tuple(out)


def _plain(word: str) -> str:
    """Longest chunk first, cheapest reading: the transliteration of a word no dictionary knows."""
    out, i = [], 0
    while i < len(word):
        for length in range(min(LONGEST, len(word) - i), 0, -1):
            if word[i : i + length] in RULES:
                out.append(RULES[word[i : i + length]][0][0])
                i += length
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def _cased(cyrillic: str, latin: str) -> str:
    if latin.isupper() and len(latin) > 1:
        return cyrillic.upper()
    return cyrillic[:1].upper() + cyrillic[1:] if latin[:1].isupper() else cyrillic


class _Lexicon:
    root: object

    def follow(self, node: object, chunk: str) -> object | None:
        raise NotImplementedError

    def is_word(self, node: object) -> bool:
        raise NotImplementedError


class _DawgLexicon(_Lexicon):
    """pymorphy3's Ukrainian word forms: walking its DAWG (UTF-8 bytes) costs a few steps per letter."""

    def __init__(self) -> None:
        words = text.ukrainian_morphology().dictionary.words
        self._dct = words.dct
        self._separator = getattr(words, "_payload_separator", b"\x01")[0]  # between a form and its record
        self.root = self._dct.ROOT
        self._steps: dict[tuple[object, str], object | None] = {}

    def follow(self, node: object, chunk: str) -> object | None:
        # DAWG-Python steps byte by byte in Python (~1 µs a byte): words share their first letters' transitions,
        # and a dictionary look-up of a remembered one is ~20 times cheaper
        key = (node, chunk)
        try:
            return self._steps[key]
        except KeyError:  # (a local result, not a second look-up: another thread may clear the memo meanwhile)
            if len(self._steps) >= MAX_STEPS:
                self._steps.clear()
            step = self._steps[key] = self._dct.follow_bytes(chunk.encode(), node)
            return step

    def is_word(self, node: object) -> bool:
        return self._dct.follow_char(self._separator, node) is not None


class _SetLexicon(_Lexicon):
    """A handful of words, as the set of their prefixes."""

    def __init__(self, words: frozenset[str]) -> None:
        self._words = words
        self._prefixes = {w[:i] for w in words for i in range(len(w) + 1)}
        self.root = ""

    def follow(self, node: object, chunk: str) -> object | None:
        nxt = f"{node}{chunk}"
        return nxt if nxt in self._prefixes else None

    def is_word(self, node: object) -> bool:
        return node in self._words


@lru_cache(maxsize=1)
def _dawg_lexicon() -> _DawgLexicon:
    return _DawgLexicon()


@lru_cache(maxsize=1)
def _common_lexicon() -> _SetLexicon:
    return _SetLexicon(COMMON_UKRAINIAN)
