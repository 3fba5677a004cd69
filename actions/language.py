"""Which language a message is in (pl, uk, en), for the bot's own sentences."""

from __future__ import annotations

import re

CYRILLIC = re.compile(r"[а-яіїєґ]", re.I)
ENGLISH = {
    "what", "which", "who", "how", "does", "do", "is", "are", "the", "a", "an", "must", "need", "needs", "know",
    "skills", "job", "jobs", "tell", "me", "about", "hello", "hi", "thanks", "thank", "you", "more", "show",
    "can", "help", "bye", "goodbye", "and", "of", "work", "with", "i", "want", "to", "talk", "person", "human",
}
POLISH_LETTERS = re.compile(r"[ąćęłńóśźż]", re.I)


def detect(text: str, default: str = "pl") -> str:
    """Cyrillic script means Ukrainian; mostly English function words mean English; else Polish."""
    if CYRILLIC.search(text):
        return "uk"
    words = re.findall(r"[a-ząćęłńóśźż']+", text.lower())
    if not words:
        return default
    if POLISH_LETTERS.search(text):
        return "pl"
    english = sum(w in ENGLISH for w in words)
    return "en" if english / len(words) >= 0.3 else "pl"
