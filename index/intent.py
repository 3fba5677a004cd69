"""Which section a question asks for ("co musi wiedzieć" -> knowledge), in Polish, Ukrainian and English, by its
words: the search ranks that section's passages first. (What a chat message asks, and so what the bot answers, is
the learned model's call: ``index.asks``.)

Example::

    section_intent("Co musi umieć tynkarz?")   # 'skill'
"""

from __future__ import annotations

import re

from .text import fold

# Checked in order: the more specific kinds of competence come before plain skills.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("key_competence", re.compile(r"kompetencj\w* kluczow|key competenc|ключов\w* компетен")),
    ("social_competence", re.compile(
        r"kompetencj\w* spoleczn|postaw\w*\b|cech\w* (osobist|charakter)|soft skill|personal (qualit|trait)|attitude"
        r"|особист\w* як|соціальн\w* компетен")),
    ("esco_skill", re.compile(r"\besco\b")),
    ("training", re.compile(
        r"wyksztalc|\bszkol[aeyi]\b|\bszkole\b|szkolen|\bkurs|nauczyc|\buczyc sie|\bstudi|kwalifikac|uprawnien"
        r"|certyfikat|\begzamin|\beducation|\btraining|\bcourses?\b|\bstudy|\bqualification|\bcertificat|\blearn"
        r"|\bосвіт|\bнавчан|\bнавчит|\bкурс|\bвчитис|кваліфікац|\bшкол|\bсертифікат")),
    ("knowledge", re.compile(
        r"\bwiedz|\bznac\b|\bzna\b|\bznajomosc|\bknow\b|\bknowledge|need to know|\bзнат|\bзнан|\bзна\w* треба")),
    ("skill", re.compile(
        r"\bumiec\b|\bumie\b|umiejetnosc|\bpotraf|\bskill|able to|\bcan\b.*\bdo\b|навич|\bвмі|\bумін|\bвміння")),
    ("task", re.compile(
        r"\bzadani|czym (sie )?zajmuj|\bco robi|\bobowiazk|na czym polega (praca|zawod)|\bduties|\btasks?\b"
        r"|what does .+ do\b|\binvolve|\bробить|обов.язк|завданн|чим займа")),
    ("overview", re.compile(r"opis zawodu|\bkim jest\b|co to za zawod|what is an? |хто так")),
]


def section_intent(question: str) -> str | None:
    """The section a question asks for, or None for a question about something specific."""
    q = fold(question)
    for section, pattern in PATTERNS:
        if pattern.search(q):
            return section
    return None


# Phrases that introduce an occupation ("czym zajmuje się X", "pracowałam jako X", "I was a X", "Я працювала X"):
# the words after them name an occupation, not a topic of the current one.
OCCUPATION_FRAMES = re.compile(
    # "co robi przy złamaniach", "pracuje się w nocy", "чи працюють вночі" ask about the job at hand
    r"\bczym (sie )?zajmuj|\bco robi\b(?! (przy|w|we|na|z|ze|po|podczas|gdy|kiedy|jak|tam|wtedy)\b)|\bkim jest\b"
    r"|\bjestem\b|\bbylem\b|\bbylam\b|\bpracowal\w*|\bpracuje\b(?! sie\b)"
    r"|\bjako\b|\bzawod\w*|\bzostac\b|\bchce byc\b"
    r"|\bwhat does an? |\bwhat do\b.*\bdo\b|\bi am an?\b|\bi'm an?\b|\bi was an?\b|\bi worked as\b|\bworking as\b"
    r"|\bas an? \w+|\bbecome an?\b|\bjob of\b"
    r"|\bщо робить|\bчим займа|\bя\s|\bпрацюв\w*|\bпрацюю\b|\bбути\b|\bстати\b|\bхто так|\bпрофесі"
)


def names_occupation(question: str) -> bool:
    """True when the message introduces an occupation of its own (see ``OCCUPATION_FRAMES``)."""
    return bool(OCCUPATION_FRAMES.search(fold(question)))
