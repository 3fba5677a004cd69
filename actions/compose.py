"""Turn search results into the bot's messages: a header that says what is shown, passages, one source line.

Only passage text from the descriptions is shown as content; the bot's own words (headers, labels, hints)
are in the user's language. Long answers are split into messages a phone shows whole.

Example::

    messages = passages_messages(searcher, hits, "pl")       # ['Specjalista ... – co trzeba wiedzieć:\\n...']
"""

from __future__ import annotations

import textwrap

from index.records import Passage
from index.related import Comparison, Related
from index.search import Hit, Searcher
from index.sentences import LANGS, cite, say, text, words

from .messages import SECTION_NAMES, SECTION_TITLES, label

MAX_MESSAGE = 1500  # characters per message: about two screens of a 360 px phone
# The bot's own words in its answers, from the catalog (bot/sentences.yml); the conversation judge
# (services/conversations.py) reads them back in replies.
TASK = words("task_label")
SOURCE_WORD = words("source_word")
COMPARE_NAMES = ("title", "same_group", "other_groups", "training", "no_training", "shared", "related",
                 "same_group_short", "similar", "related_source")
COMPARE_WORDS: dict[str, dict[str, str]] = {lang: {n: text(f"compare_{n}", lang) for n in COMPARE_NAMES}
                                            for lang in LANGS}


def passages_messages(searcher: Searcher, hits: list[Hit], lang: str, hint: str = "",
                      title: str | None = None) -> list[str]:
    """Header, passages (a task's knowledge or skills under the task they serve), one source line, ``hint``.
    The header names ``title`` (a section listed, maybe after the overview) or the one section shown."""
    first = hits[0].passage
    sections = list(dict.fromkeys(h.passage.section for h in hits))
    title = title or (sections[0] if len(sections) == 1 else None)
    blocks = [f"{first.occupation_name} (KZiS {first.occupation_code}) – {label(SECTION_TITLES[title], lang)}:"]
    groups: dict[tuple[str, str], list[Hit]] = {}
    for h in hits:
        groups.setdefault(_group_key(h), []).append(h)
    for (task, section), group in groups.items():
        lines = []
        if task:  # knowledge or skills of one task: the task they serve, then what the section asks
            statement = searcher.catalog.task_text(first.occupation_code, task) or ""
            suffix = f" ({label(SECTION_NAMES[section], lang)})" if len(sections) > 1 else ""
            lines.append(f"{label(TASK, lang)}: {statement}{suffix}")
        elif len(sections) > 1:
            lines.append(_heading(label(SECTION_NAMES[section], lang)))
        lines.extend(f"• {h.passage.text}" for h in group)
        blocks.append("\n".join(lines))
    blocks.append(source_line(hits, lang) + (f"\n{hint}" if hint else ""))
    return pack(blocks)


def _heading(text: str) -> str:
    """'umiejętności ESCO' -> 'Umiejętności ESCO:' (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:] + ":"


def _group_key(h: Hit) -> tuple[str, str]:
    p = h.passage
    task = p.description_task if p.section != "task" else None  # task statements are the bullets
    return task or "", p.section


def source_line(hits: list[Hit], lang: str) -> str:
    """'Źródło: NAME, kod KZiS CODE, sekcja: ...; SOURCE' for the hits shown and the duplicates folded into them."""
    p = hits[0].passage
    shown: list[Passage] = [x for h in hits for x in (h.passage, *h.also)]
    sections = list(dict.fromkeys(label(SECTION_NAMES[x.section], lang) for x in shown))
    return say("source_line", lang, source=text("source_word", lang), name=p.occupation_name, code=p.occupation_code,
               what=text("section_many" if len(sections) > 1 else "section_one", lang),
               sections=", ".join(sections), sources=sources_text(shown, lang))


def sources_text(passages: list[Passage], lang: str) -> str:
    """The sources of ``passages``, each once, named in ``lang`` ("INFOdoradca+, MRPiPS / …; Opisy zawodów KZiS …")."""
    return "; ".join(dict.fromkeys(cite(p.source, lang) for p in passages))


def sources_line(passages: list[Passage], lang: str) -> str:
    """'Źródło: <the sources of passages>'."""
    return f"{text('source_word', lang)}: {sources_text(passages, lang)}"


def pack(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Blocks joined by blank lines into as few messages as fit ``limit``; a longer block is split at its lines."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _pieces(block, limit):
            if current and len(current) + 2 + len(piece) > limit:
                messages.append(current)
                current = piece
            else:
                current = f"{current}\n\n{piece}" if current else piece
    if current:
        messages.append(current)
    return messages


def _pieces(block: str, limit: int) -> list[str]:
    """A block that fits, or its lines packed into pieces that fit (a passage longer than ``limit`` is wrapped)."""
    if len(block) <= limit:
        return [block]
    lines = [chunk for line in block.split("\n") for chunk in (textwrap.wrap(line, limit) or [""])]
    out = [lines[0]]
    for line in lines[1:]:
        if len(out[-1]) + 1 + len(line) > limit:
            out.append(line)
        else:
            out[-1] += "\n" + line
    return out


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
        lines.append(f"• {p.occupation_name} ({p.occupation_code}) – {label(SECTION_NAMES[p.section], lang)}: {p.text}")
    lines.append(sources_line([h.passage for h in best.values()], lang))
    return "\n".join(lines), list(best.values())


def choose_buttons(candidates: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Buttons whose payload picks an occupation by code."""
    return [{"title": f"{name} ({code})",
             "payload": f'/choose_occupation{{"code":"{code}"}}'} for code, name in candidates]


def counsellor_button(lang: str) -> dict[str, str]:
    """The button that asks for the office's counsellor, in the conversation's language."""
    return {"title": text("counsellor_button", lang), "payload": "/ask_human"}


def comparison_messages(c: Comparison, lang: str) -> list[str]:
    """Two occupations side by side: unit group, first tasks and skills, training, shared ESCO skills, sources."""
    w = COMPARE_WORDS.get(lang, COMPARE_WORDS["pl"])
    a, b = c.a, c.b
    group = (f"{w['same_group']}: {a.group} {a.group_name or ''}".strip() if c.same_group else
             f"{w['other_groups']}: {a.group} {a.group_name or ''}; {b.group} {b.group_name or ''}")
    blocks = [f"{w['title']}: {a.name} (KZiS {a.code}) – {b.name} (KZiS {b.code})\n{group}"]
    for side in (a, b):
        lines = [f"{side.name}:"]
        for items in (side.tasks, side.skills):
            if items:
                section = label(SECTION_NAMES[items[0].section], lang)
                lines.append(_heading(section))
                lines.extend(f"• {p.text}" for p in items)
        lines.append(f"{w['training']}: " + (side.training[0].text if side.training else w["no_training"]))
        blocks.append("\n".join(lines))
    if c.shared_skills:
        blocks.append(f"{w['shared']}: " + "; ".join(c.shared_skills[:8]))
    shown = [p for side in (a, b) for p in side.tasks + side.skills + side.training]
    blocks.append(sources_line(shown, lang))
    return pack(blocks)


def shared_messages(c: Comparison, lang: str, none: str) -> list[str]:
    """What two occupations have in common: their unit groups and the ESCO skills both have (``none`` when they
    share none); never the side-by-side comparison again."""
    w = COMPARE_WORDS.get(lang, COMPARE_WORDS["pl"])
    a, b = c.a, c.b
    group = (f"{w['same_group']}: {a.group} {a.group_name or ''}".strip() if c.same_group else
             f"{w['other_groups']}: {a.group} {a.group_name or ''}; {b.group} {b.group_name or ''}")
    lines = [f"{w['title']}: {a.name} (KZiS {a.code}) – {b.name} (KZiS {b.code})", group]
    if c.shared_skills:
        lines.append(f"{w['shared']}:")
        lines.extend(f"• {x}" for x in c.shared_skills[:10])
        lines.append(f"{text('source_word', lang)}: {text('cite_shared', lang)}")
    else:
        lines.append(none)
    return pack(["\n".join(lines)])


def related_text(name: str, code: str, related: list[Related], lang: str) -> str:
    """Related occupations: the same unit group first, then those with the closest tasks and skills."""
    w = COMPARE_WORDS.get(lang, COMPARE_WORDS["pl"])
    lines = [f"{w['related']} – {name} (KZiS {code}):"]
    for r in related:
        why = w["same_group_short"] if r.same_group else w["similar"]
        lines.append(f"• {r.name} ({r.code}) – {why}")
    lines.append(f"{text('source_word', lang)}: {w['related_source']}")
    return "\n".join(lines)

