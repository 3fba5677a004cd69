"""The one catalog of what a user reads (bot/sentences.yml): the bot's replies, the labels and source lines of its
answers, the chat page's strings, the command line's sentences; each in Polish, Ukrainian and English.

Code looks a sentence up by its key (``say``, ``text``, ``words``) and never writes one itself; the index stores
where a passage comes from, and ``cite`` names that source in the reader's language at answer time.

Example::

    say("about", "en", name="Baker")                    # ' (including for Baker)'
    cite(passage.source, "uk")                          # 'Описи професій KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)'
"""

from __future__ import annotations

import re
from functools import cache

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


# --- Sources: the index stores each passage's source as its build named it (index/kzis.py, index/infodoradca.py);
# the catalog names it for the reader. A date the build added ("… (2024-07-10)") is kept as it is.
_DATED = re.compile(r"^(?P<name>.*?)(?: \((?P<date>\d{4}(?:-\d{2}-\d{2})?)\))?$")


@cache
def _stored_names() -> tuple[dict[str, str], re.Pattern[str]]:
    """The names the builds store -> the catalog's key for them, and the pattern of one ESCO occupation's skills
    (imported late: the loaders import much)."""
    from .infodoradca import SOURCE_NAME
    from .kzis import ESCO_SKILLS_SOURCE, ESCO_SOURCE, KZIS_SOURCE

    before, after = ESCO_SKILLS_SOURCE.split("{name}")
    esco = re.compile(f"^{re.escape(before)}(?P<name>.*){re.escape(after)}$")
    return {KZIS_SOURCE: "cite_kzis", SOURCE_NAME: "cite_infodoradca", ESCO_SOURCE: "cite_esco"}, esco


def cite(source: Source, lang: str) -> str:
    """A passage's source in ``lang`` ("Opisy zawodów KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)"); a source the
    catalog does not know (a new plug-in's) is named as the index stores it."""
    m = _DATED.match(source.cite())
    name, date = (m.group("name"), m.group("date")) if m else (source.cite(), None)
    names, esco_skills = _stored_names()
    esco = esco_skills.match(name)
    key = "cite_esco_skills" if esco else names.get(name)
    if key is None:
        return source.cite()
    named = say(key, lang, name=esco.group("name")) if esco else text(key, lang)
    return f"{named} ({date})" if date else named
