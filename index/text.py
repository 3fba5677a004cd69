"""Text normalisation for matching Polish occupation names and questions.

Lemmas come from simplemma (dictionary based, Polish and English) and pymorphy3 with its
Ukrainian dictionary (simplemma's Ukrainian data misses instrumental forms such as
"касиркою", which people use after "працювала"); on top of that every token
gets a set of *keys*: its folded surface form, its folded lemma and masculine
variants of female forms ("spawaczka" -> "spawacz", "księgowa" -> "ksiegowy"),
so that a user's word and a name's word match when their key sets meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

import pymorphy3
import simplemma
from simplemma.language_detector import LanguageDetector
from simplemma.strategies import DefaultStrategy

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+", re.UNICODE)
ABBREVIATIONS = [
    (re.compile(r"\bds\.?(?=\s|$)", re.IGNORECASE), "do spraw"),
    (re.compile(r"\bd/s\b", re.IGNORECASE), "do spraw"),
    (re.compile(r"\bspec\.(?=\s)", re.IGNORECASE), "specjalista"),
    (re.compile(r"\bkier\.(?=\s)", re.IGNORECASE), "kierownik"),
    (re.compile(r"\bprawk(?:o|a|iem|u)\b", re.IGNORECASE), "prawo jazdy"),  # colloquial: "czy musi mieć prawko?"
]
# Female -> male endings (several candidates where Polish is ambiguous: -czka is -cz or -k).
FEMALE_ENDINGS: list[tuple[str, tuple[str, ...]]] = [
    ("czyni", ("ca",)),
    ("yni", ("",)),
    ("niczka", ("nik",)),
    ("czka", ("cz", "k")),
    ("arka", ("arz",)),
    ("erka", ("er",)),
    ("stka", ("sta",)),
    ("żka", ("g",)),
    ("ica", ("ik",)),
    ("owa", ("owy",)),
    ("na", ("ny",)),
    ("ka", ("",)),
]
FILLER = {"do", "spraw", "i", "w", "z", "ze", "na", "oraz", "od", "the", "a", "of", "and", "для", "з"}


def fold(text: str) -> str:
    """Lowercase and strip diacritics (ł -> l as well), for users who type without Polish letters."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Cyrillic in Polish spelling, for comparing names by their letters: many Ukrainian job names share a root with the
# Polish one ("тракторист" / "traktorzysta", "кухар" / "kucharz", "маляр" / "malarz"), which a character n-gram
# sees only in one alphabet. Written here, not taken from a transliteration library: those spell for English
# ("ch", "sh", "v") or by the national standards, not as a Polish cognate is spelt ("cz", "sz", "w").
CYRILLIC_TO_POLISH = str.maketrans({
    "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "ж": "ż", "з": "z", "и": "y", "і": "i",
    "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ь": "", "ъ": "", "ы": "y",
    "э": "e", "ё": "jo", "'": "", "’": "", "ʼ": ""})
# я, ю, є: "ja" at a word's start or after a vowel; after a consonant the vowel alone, as the Polish cognate has it
# ("столяр" / "stolarz", "слюсар" / "ślusarz")
IOTATED = {"я": "a", "ю": "u", "є": "e"}
AFTER_CONSONANT = re.compile(r"(?<=[бвгґджзклмнпрстфхцчшщ])([яює])")
IOTATED_LETTER = re.compile("[яює]")


def polish_letters(text: str) -> str:
    """The text lowercased, its Cyrillic letters spelt as Polish would ("Тракторист" -> "traktoryst") and its
    apostrophes dropped (the Ukrainian one is a letter's mark)."""
    text = AFTER_CONSONANT.sub(lambda m: IOTATED[m.group(1)], text.lower())
    text = IOTATED_LETTER.sub(lambda m: "j" + IOTATED[m.group(0)], text)
    return text.translate(CYRILLIC_TO_POLISH)


def expand(text: str) -> str:
    """Expand abbreviations and colloquial short forms users type ("ds." -> "do spraw", "prawko" -> "prawo jazdy")."""
    for pattern, repl in ABBREVIATIONS:
        text = pattern.sub(repl, text)
    return text


POSSESSIVE = re.compile(r"(?<=[a-z])['’]s$")  # English "driver's": the word is "driver"


def words(text: str) -> list[str]:
    return [POSSESSIVE.sub("", w.lower()) for w in WORD.findall(expand(text))]


@lru_cache(maxsize=1)
def _lemmatizer() -> simplemma.Lemmatizer:
    # the front-coded dictionaries read on demand: the same lemmas as simplemma's default in ~50 MB instead of
    # ~450 MB per process (Polish and English), which every server process would otherwise hold
    return simplemma.Lemmatizer(lemmatization_strategy=dictionaries())


@lru_cache(maxsize=1)
def dictionaries() -> DefaultStrategy:
    """simplemma's dictionaries, read on demand, one copy for the lemmatizer and the language detectors."""
    return DefaultStrategy(low_memory=True)


@lru_cache(maxsize=1)
def ukrainian_morphology() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="uk")  # ~50 ms, once per process


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    if re.search("[а-яіїєґ]", word):
        return ukrainian_morphology().parse(word)[0].normal_form
    return _lemmatizer().lemmatize(word, lang="pl")


@lru_cache(maxsize=50_000)
def english_lemma(word: str) -> str:
    """The folded English lemma of a word ("claws" -> "claw")."""
    return fold(_lemmatizer().lemmatize(word.lower(), lang="en"))


@lru_cache(maxsize=50_000)
def is_verb(word: str) -> bool:
    """A verb form, by its lemma: a Polish infinitive ends in -ć ("jeździ"), a Ukrainian one pymorphy3 tags
    ("працює"). Unaccented Polish ("jezdzi") is not recognised."""
    if CYRILLIC.search(word):
        return ukrainian_morphology().parse(word)[0].tag.POS in ("VERB", "INFN")
    lem = lemma(word)
    return lem.endswith("ć") and not lem.endswith(("ość", "ęć", "ęść"))  # nouns: jakość, pamięć, pięć, część


UK_READINGS = 4  # distinct lemmas of a Ukrainian word's pymorphy3 parses that are its keys


@lru_cache(maxsize=200_000)
def keys(word: str) -> frozenset[str]:
    """Match keys of one lowercased word: folded surface, folded lemmas (Polish and English), male forms."""
    out = {canonical(word), fold(word), fold(lemma(word)), *_male_forms(word)}
    parts = word.split("-")
    if 1 < len(parts) <= 3 and all(parts):  # each part of a compound inflects: "betoniarzem-zbrojarzem" is
        # "betoniarz-zbrojarz", and has a female form: "malarka-tapeciarka" is "malarz-tapeciarz"
        out.update("-".join(p) for p in product(*({fold(lemma(part)), *_male_forms(part)} for part in parts)))
    if word.isascii():
        out.add(_lemmatizer().lemmatize(word, lang="en"))  # "nurses" -> "nurse", "welders" -> "welder"
        out.update(_loanword_stems(word))
    elif CYRILLIC.search(word):  # each reading's lemma: "сантехніка" is plumbing, and the plumber's genitive
        lemmas = dict.fromkeys(p.normal_form for p in ukrainian_morphology().parse(word))
        out.update(fold(w) for w in list(lemmas)[:UK_READINGS])
    return frozenset(out)


LOANWORD_ENDINGS = ("ami", "ach", "owi", "em", "om", "ów", "a", "u", "y")  # Polish cases on a borrowed noun
LOANWORD_STEM = 4  # letters at least left of it


def _loanword_stems(word: str) -> list[str]:
    """A borrowed word Polish inflects but its dictionary lacks: "barbera", "dispatcherem" are "barber",
    "dispatcher" (the lemmatizer leaves them as they are)."""
    if len(word) <= LOANWORD_STEM or dictionaries().is_dictionary_member(word, "pl"):
        return []
    return [word[: -len(e)] for e in LOANWORD_ENDINGS if word.endswith(e) and len(word) - len(e) >= LOANWORD_STEM][:1]


@lru_cache(maxsize=200_000)
def canonical(word: str) -> str:
    """One key per word, the same for its female and male forms (used for word weights)."""
    male = _male_forms(word)
    return male[0] if male else fold(lemma(word))


def _male_forms(word: str) -> list[str]:
    lem = lemma(word).lower()
    for base in (lem, word):
        for ending, repl in FEMALE_ENDINGS:
            if base.endswith(ending) and len(base) > len(ending) + 2:
                stem = base[: -len(ending)]
                if ending == "ka" and stem[-1] in "aeiouyąęó":
                    break
                return [fold(stem + r) for r in repl]
    return []


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in FILLER and not w.isdigit()]


# Words of questions about occupations that are not part of an occupation's name (lemmas, folded).
QUESTION_WORDS = frozenset(fold(w) for w in """
co czy jak jaki który kto czym gdzie kiedy ile być mieć robić musieć wiedzieć umieć znać zajmować się trzeba
potrzebny potrzeba powinien powinno umiejętność wiedza zadanie obowiązek kompetencja praca pracować zawód cecha
postawa osobisty ważny opis informacja chcieć zostać móc mój ten ta to wymagać robota wykonywać jakiś dobry
społeczny kluczowy a i lub albo oraz dla o z ze na w we do od po przy tak nie też także jeszcze więcej
dokładnie konkretnie ogólnie generalnie zazwyczaj zwykle exactly actually usually typically generally точно саме
загалом зазвичай coś mnie mi ja
pokazać pokaż powiedzieć opowiedzieć prosić proszę dać interesować zawodowy wykonywać potrzebować
jako jestem byłem byłam obecnie rok lata lat doświadczenie szukać szukam oferta chciałbym chciałabym tutaj teraz
umiejętności wiedzy zadania obowiązki kompetencje kompetencji cechy wymagania musi powinna trzeba jakie jaka
społeczne kluczowe osobiste zajmuje
what does do is are the an must need know skill skills job task tasks work and or for in on of to with about tell
me which who how can should this that it they need needs more please occupation
am was were be been worked working as at my have has had years year now want become get find look looking
here there some any knowledge required require requires needed duties responsibilities competences
competencies abilities qualities involve involves kod kodem kodzie code
pokrewny podobny wspólny różnić różnica porównać porównaj related similar common difference compare between
схожий споріднений спільний різниця порівняти
а і й та що які яка який як чи чим потрібні потрібно треба знати вміти робить професія професії про ще навички
знання завдання обов'язки розкажи я ти ми він вона був була бути працювати працювала працював хотіти хочу мати
мій моя в у на з із до від для роки рік років досвід шукати робота роботу можу могти який повинен мусити має
займатися вимога яку де знайти п'ять необхідний необхідно потрібний
tam tu tym tego tej temu taki taka takie właściwie właśnie polegać nazywać nazwa bardzo naprawdę potem wtedy
trochę może chcę wiem mówić powiedz pytanie pytać codzienny codziennie
там тут це цей ця такий така називатися називається назва полягати
called name there łączyć share shared alike спільне схожі
kat kategoria категорія category
стати чого мені щоб довчитися навчитися вчитися треба
робити зробити ким інший інша інше інші іншу інших підходити мене можна else could other others would jobs suit fit
learn study retrain
uczyć nauczyć douczyć szkolić przeszkolić żeby aby zostać zapytać spytać dowiedzieć
hi hey hello i'm im whats trained qualified certified experienced polish occupation profession
polsku polsky po-polsku польськи по-польськи по-польському польською мовою
daily everyday main basic typical usual щодня щоденні
from living live lived according classification country według klasyfikacja mieszkać згідно класифікація
""".split())


def name_words(text: str) -> list[str]:
    """Content words of a message that may belong to an occupation's name."""
    return [w for w in content_words(text) if fold(lemma(w)) not in QUESTION_WORDS and fold(w) not in QUESTION_WORDS]


def name_text(text: str) -> str:
    """The words of a message that may name an occupation ("Jestem kierowcą kat. C+E" -> "kierowcą kat c e")."""
    return " ".join(name_words(text)) or text


def stem_tokens(text: str) -> list[str]:
    """Tokens for BM25: folded lemmas of the content words."""
    return [folded_lemma(w) for w in words(text) if w not in FILLER]


@lru_cache(maxsize=200_000)
def folded_lemma(word: str) -> str:
    # an index build folds ~2.4 million words of ~70,000 distinct ones: folding once per word saves seconds
    return fold(lemma(word))


LEADING_CONJUNCTIONS = frozenset({"a", "i", "а", "і"})  # "a murarz?", "а монтер?": no word of a name


def names_only(text: str) -> bool:
    """Every word names something: no question or function word but a leading "a" / "і" ("а монтер …?")."""
    ws = words(text)
    return bool(ws) and len(name_words(text)) >= len(ws) - (ws[0] in LEADING_CONJUNCTIONS)


CYRILLIC = re.compile(r"[а-яіїєґ]", re.IGNORECASE)
POLISH_LETTERS = re.compile(r"[ąćęłńóśźż]", re.IGNORECASE)
ENGLISH = frozenset(
    "what which who whom how does do did is are was the an must need needs know knows skills job jobs tell me about "
    "hello hi thanks thank you more show can could help bye goodbye and of work works with want to talk person human "
    "should have has there this that for in on be i i'm am worked working as my been also any it its if or but not "
    "no yes so than then when where why you your we our they their them he she his her will would get like very "
    "much many some other from by at after before just still only too".split()
)
POLISH = frozenset(
    "czy co jak jaki jakie jaka jakich czym kto gdzie się sie jest są sa w we z ze na do nie to i oraz musi trzeba "
    "ma mieć miec powinien który ktory która ktora dla od po przy tak ten ta tym tej".split()
)


def language(text: str, default: str = "pl", settled: bool = False) -> str:
    """pl, uk or en: Cyrillic means Ukrainian; more English than Polish function words means English (a Polish
    place or occupation name in an English sentence does not make it Polish); a message of names alone, with no
    function word of either language ("Pakowacz ręczny", "a zmywacz naczyń?"), keeps the conversation's language."""
    if CYRILLIC.search(text):
        return "uk"
    ws = re.findall(r"[a-ząćęłńóśźż']+", text.lower())
    english = sum(w in ENGLISH for w in ws)
    polish = sum(w in POLISH for w in ws)
    if english > polish:
        return "en"
    # Polish letters decide a first message, and a later one with a word that names nothing ("Dziękuję bardzo",
    # "szukam informacji"); a later one of names alone is a Polish name ("a zmywacz naczyń?" in Ukrainian)
    if polish > english or (not english and POLISH_LETTERS.search(text) and default != "en"
                            and not (settled and names_only(text))):
        return "pl"
    if not settled and not english and not polish and ws and _english_only(" ".join(ws)):
        return "en"  # a first message "receptionist": words English has and Polish has not (later, in a Polish
        # conversation, "Key Account Manager" is a job title, not a change of language)
    return default  # a tie ("do" is both) or no function word: the conversation's language


def _english_only(text: str) -> bool:
    """Every word is in simplemma's English dictionary and one at least is not in its Polish one: "hotel
    receptionist", "forklift operator" ("hotel" and "operator" are Polish words too); "barista", "manager" and
    "bus driver" are in both (simplemma reads "driver" as Polish): not decided by this."""
    en, pl = _detectors()
    return (en.proportion_in_target_languages(text) == 1.0
            and any(pl.proportion_in_target_languages(w) == 0.0 for w in text.split()))


@lru_cache(maxsize=1)
def _detectors() -> tuple[LanguageDetector, LanguageDetector]:
    return (LanguageDetector(lang="en", lemmatization_strategy=dictionaries()),
            LanguageDetector(lang="pl", lemmatization_strategy=dictionaries()))
