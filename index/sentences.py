"""The one catalog of what a user reads (bot/sentences.yml): the bot's replies, the labels and source lines of its
answers, the chat page's strings, the command line's sentences; each in Polish, Ukrainian and English.

Code looks a sentence up by its key (``say``, ``text``, ``words``) and never writes one itself; the index stores
each passage's source as the key of its ``cite_*`` sentence (``records.Source``), and ``cite`` names that source in
the reader's language at answer time.

Example::

    say("about", "en", name="Baker")                    # ' (including for Baker)'
    cite(passage.source, "uk")                          # 'Описи професій KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)'
"""

from __future__ import annotations

import yaml

from .config import ROOT
from .records import Source

CATALOG = ROOT / "bot" / "sentences.yml"
LANGS = ("pl", "uk", "en")
CLI_LANG = "pl"  # the command line speaks to the office's staff in Polish
# key -> language -> text (the Rasa server's channels read the same file: bot/channels.py)
SENTENCES: dict[str, dict[str, str]] = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
PAGE = "page_"  # the chat page's strings: served to the page by the web app (web/pages.py)


def text(key: str, lang: str) -> str:
    """The sentence in ``lang``, Polish when the language is not one of the catalog's."""
    texts = SENTENCES[key]
    return texts.get(lang, texts["pl"])


def say(key: str, lang: str, **values: object) -> str:
    """The sentence with its {fields} filled in."""
    return text(key, lang).format(**values)


def words(key: str) -> dict[str, str]:
    """The sentence in every language (language -> text), for code that reads the bot's replies back."""
    return dict(SENTENCES[key])


def page_strings() -> dict[str, dict[str, str]]:
    """The chat page's strings: language -> name (without ``page_``) -> text."""
    return {lang: {key[len(PAGE):]: text(key, lang) for key in SENTENCES if key.startswith(PAGE)} for lang in LANGS}


CITE = "cite_"  # the catalog's sentences naming a source; a passage's Source holds the key


def cite(source: Source, lang: str) -> str:
    """A passage's source in ``lang`` ("Opisy zawodów KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)"): the sentence of
    its key with its values filled in; a key the catalog does not know (a new plug-in's source) is the source's own
    name, shown as it is."""
    known = source.key.startswith(CITE) and source.key in SENTENCES
    named = say(source.key, lang, **dict(source.values)) if known else source.key
    return f"{named} ({source.date})" if source.date else named
