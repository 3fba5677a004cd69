"""Turn search results into the bot's messages: passages grouped by task, one source line.

Only passage text from the descriptions is shown as content; the bot's own words are
headers and hints from ``messages``.

Example::

    text = passages_text(searcher, result.hits, "knowledge", "pl")
"""

from __future__ import annotations

from index.records import SECTION_LABELS_PL
from index.search import Hit, Searcher

from .messages import SECTION_TITLES

SOURCE_LABEL = {"pl": "Źródło", "uk": "Джерело", "en": "Source"}


def passages_text(searcher: Searcher, hits: list[Hit], section: str | None, lang: str) -> str:
    """Header, passages grouped by task (Z1..) or section, and one source line."""
    first = hits[0].passage
    title = SECTION_TITLES.get(section, SECTION_TITLES[None])
    lines = [f"{first.occupation_name} (KZiS {first.occupation_code}) – {title.get(lang, title['pl'])}:"]
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(_group_key(h), []).append(h)
    for key, group in groups.items():
        lines.append("")
        lines.append(_group_title(searcher, key, group[0]))
        lines.extend(f"• {h.passage.text}" for h in group)
    lines.append("")
    lines.append(source_line(hits, lang))
    return "\n".join(lines)


def _group_key(h: Hit) -> str:
    p = h.passage
    if p.task_id and p.task_id.startswith("Z"):
        return p.task_id
    return f"section:{p.section}"


def _group_title(searcher: Searcher, key: str, h: Hit) -> str:
    p = h.passage
    if key.startswith("Z"):
        statement = searcher.task_text(p.occupation_code, key) or ""
        label = f"{key} ({SECTION_LABELS_PL[p.section]})" if p.section != "task" else key
        return f"{label} {statement}".strip()
    return SECTION_LABELS_PL[p.section].capitalize() + ":"


def source_line(hits: list[Hit], lang: str) -> str:
    """'Źródło: NAME, kod KZiS CODE, sekcja: ...; SOURCE' for the hits shown."""
    p = hits[0].passage
    sections = ", ".join(dict.fromkeys(SECTION_LABELS_PL[h.passage.section] for h in hits))
    sources = "; ".join(dict.fromkeys(h.passage.source.cite() for h in hits))
    return f"{SOURCE_LABEL.get(lang, SOURCE_LABEL['pl'])}: {p.occupation_name}, kod KZiS {p.occupation_code}, sekcja: {sections}; {sources}"


def occupations_text(hits: list[Hit], limit: int, lang: str, title: str) -> tuple[str, list[Hit]]:
    """For "which occupations involve X": the best passage of each of the first ``limit`` occupations."""
    best: dict[str, Hit] = {}
    for h in hits:
        best.setdefault(h.passage.occupation_code, h)
        if len(best) == limit:
            break
    lines = [title]
    for h in best.values():
        p = h.passage
        lines.append(f"• {p.occupation_name} ({p.occupation_code}) – {SECTION_LABELS_PL[p.section]}: {p.text}")
    sources = "; ".join(dict.fromkeys(h.passage.source.cite() for h in best.values()))
    lines.append(f"{SOURCE_LABEL.get(lang, SOURCE_LABEL['pl'])}: {sources}")
    return "\n".join(lines), list(best.values())


def choose_buttons(candidates: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Buttons whose payload picks an occupation by code."""
    return [{"title": f"{name} ({code})", "payload": f'/choose_occupation{{"code":"{code}"}}'} for code, name in candidates]
