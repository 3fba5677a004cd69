"""The bot's own sentences in Polish, Ukrainian and English (description passages stay Polish): the table in
bot/sentences.yml, and the section labels of replies."""

from __future__ import annotations

import yaml

from index.config import ROOT

# Every sentence of the assistant, with the channels' own, in one table (bot/sentences.yml; the channels of the
# Rasa server read it too): key -> language -> text.
MESSAGES: dict[str, dict[str, str]] = yaml.safe_load((ROOT / "bot" / "sentences.yml").read_text(encoding="utf-8"))
ABOUT = MESSAGES["about"]  # inserted into out_offers / out_salary when the question named an occupation

# What a reply shows, for its header ("Sprzedawca (KZiS 522301) – zadania zawodowe:").
SECTION_TITLES: dict[str | None, dict[str, str]] = {
    "knowledge": {"pl": "co trzeba wiedzieć", "uk": "необхідні знання", "en": "what one must know"},
    "skill": {"pl": "co trzeba umieć", "uk": "необхідні вміння", "en": "what one must be able to do"},
    "task": {"pl": "zadania zawodowe", "uk": "професійні завдання", "en": "tasks"},
    "social_competence": {"pl": "kompetencje społeczne", "uk": "соціальні компетенції", "en": "social competences"},
    "key_competence": {"pl": "kompetencje kluczowe", "uk": "ключові компетенції", "en": "key competences"},
    "overview": {"pl": "opis zawodu", "uk": "опис професії", "en": "overview"},
    "esco_skill": {"pl": "umiejętności według ESCO", "uk": "навички за ESCO", "en": "skills according to ESCO"},
    "training": {"pl": "wymagania i kształcenie", "uk": "вимоги та навчання", "en": "requirements and training"},
    "labour_market": {"pl": "rynek pracy", "uk": "ринок праці", "en": "labour market"},
    "disability": {"pl": "praca osób z niepełnosprawnością", "uk": "робота людей з інвалідністю",
                   "en": "work of people with disabilities"},
    None: {"pl": "fragmenty opisu pasujące do pytania", "uk": "фрагменти опису до питання",
           "en": "passages matching the question"},
}
# One passage's section, in labels and the source line.
SECTION_NAMES: dict[str, dict[str, str]] = {
    "overview": {"pl": "opis zawodu", "uk": "опис професії", "en": "overview"},
    "task": {"pl": "zadania zawodowe", "uk": "професійні завдання", "en": "tasks"},
    "knowledge": {"pl": "wiedza", "uk": "знання", "en": "knowledge"},
    "skill": {"pl": "umiejętności", "uk": "вміння", "en": "skills"},
    "social_competence": {"pl": "kompetencje społeczne", "uk": "соціальні компетенції", "en": "social competences"},
    "key_competence": {"pl": "kompetencje kluczowe", "uk": "ключові компетенції", "en": "key competences"},
    "esco_skill": {"pl": "umiejętności ESCO", "uk": "навички ESCO", "en": "ESCO skills"},
    "labour_market": {"pl": "rynek pracy", "uk": "ринок праці", "en": "labour market"},
    "training": {"pl": "kształcenie", "uk": "навчання", "en": "training"},
    "disability": {"pl": "niepełnosprawność", "uk": "інвалідність", "en": "disability"},
}


def label(texts: dict[str, str], lang: str) -> str:
    """A text in the user's language, Polish when there is none."""
    return texts.get(lang, texts["pl"])


def say(key: str, lang: str, **values: str) -> str:
    return label(MESSAGES[key], lang).format(**values)
