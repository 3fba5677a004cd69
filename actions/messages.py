"""The bot's own sentences in Polish, Ukrainian and English (description passages stay Polish), looked up by key in
the one catalog (bot/sentences.yml, read by ``index.sentences``); the section labels of replies come from it too."""

from __future__ import annotations

from index.records import SECTIONS
from index.sentences import SENTENCES, say, words

__all__ = ["ABOUT", "MESSAGES", "SECTION_NAMES", "SECTION_TITLES", "label", "say"]

MESSAGES = SENTENCES  # key -> language -> text: every sentence of the assistant, the channels' own included
ABOUT = words("about")  # inserted into out_offers / out_salary when the question named an occupation
# What a reply shows, for its header ("Sprzedawca (KZiS 522301) – zadania zawodowe:"); None: passages of any section.
SECTION_TITLES: dict[str | None, dict[str, str]] = {**{s: words(f"title_{s}") for s in SECTIONS},
                                                    None: words("title_any")}
# One passage's section, in labels and the source line.
SECTION_NAMES: dict[str, dict[str, str]] = {s: words(f"section_{s}") for s in SECTIONS}


def label(texts: dict[str, str], lang: str) -> str:
    """A text in the user's language, Polish when there is none."""
    return texts.get(lang, texts["pl"])
