"""Metrics of ../shared/eval/README.md: topic hit@1/@5 and MRR@10, section precision@5, resolution accuracy@1/@3;
the calibration of a confidence; which dev ads repost training ads.

Example::

    m = retrieval_metrics(searcher, load_jsonl(Path("../shared/eval/retrieval-dev.jsonl")))
    m["hit@5"], m["section_p@5"]
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from .jobads import Example, repost_key
from .search import Hit, Searcher


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_sections_tsv(path: Path) -> list[tuple[str, str, str, str]]:
    """(section, text, label, expected) of a tab-separated labelled set after its header line, where a line
    '# section: NAME' starts a group and other '#' lines are comments (tests/data/latin-ukrainian.tsv)."""
    out, section = [], ""
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith("# section:"):
            section = line.split(":", 1)[1].strip()
        elif section and not line.startswith("#"):
            text, label, expected = line.split("\t")
            out.append((section, text, label, expected))
    return out


def _matches(hit: Hit, code: str, alt: dict) -> bool:
    p = hit.passage
    return (
        p.occupation_code == code
        and ("task" not in alt or p.task_id == alt["task"])
        and ("section" not in alt or p.section == alt["section"])
        and ("contains" not in alt or alt["contains"].lower() in p.text.lower())
    )


def run_question(searcher: Searcher, item: dict, k: int = 10) -> list[Hit]:
    """Run one dev question as the README says: occupation filter only when the question does not name it."""
    occupation = None if item.get("names_occupation") else item["code"]
    return searcher.search(item["q"], occupation=occupation, k=k).hits


def retrieval_metrics(searcher: Searcher, items: list[dict]) -> dict[str, float]:
    hit1, hit5, rr, prec = [], [], [], []
    for item in items:
        hits = run_question(searcher, item)
        if item["kind"] == "topic":
            ranks = [h.rank for h in hits if any(_matches(h, item["code"], a) for a in item["expect"])]
            first = min(ranks) if ranks else None
            hit1.append(first == 1)
            hit5.append(first is not None and first <= 5)
            rr.append(1.0 / first if first else 0.0)
        else:
            top = hits[:5]
            prec.append(sum(h.passage.occupation_code == item["code"] and h.passage.section == item["section"]
                            for h in top) / 5)
    return {
        "topic_n": len(hit1),
        "hit@1": statistics.fmean(hit1) if hit1 else 0.0,
        "hit@5": statistics.fmean(hit5) if hit5 else 0.0,
        "mrr@10": statistics.fmean(rr) if rr else 0.0,
        "section_n": len(prec),
        "section_p@5": statistics.fmean(prec) if prec else 0.0,
    }


def accuracy(ranked: list[list[str]], gold: list[str]) -> dict[str, float]:
    """acc@1 and acc@3 at 6 digits, acc@1 at 4 digits (the unit group), over ranked code lists."""
    n = len(gold) or 1
    return {
        "n": len(gold),
        "acc@1": sum(r[:1] == [g] for r, g in zip(ranked, gold)) / n,
        "acc@3": sum(g in r[:3] for r, g in zip(ranked, gold)) / n,
        "acc4@1": sum(bool(r) and r[0][:4] == g[:4] for r, g in zip(ranked, gold)) / n,
    }


def resolution_metrics(searcher: Searcher, items: list[dict]) -> dict[str, float]:
    ranked = [[c.code for c in searcher.resolve(item["q"], k=3).candidates] for item in items]
    return accuracy(ranked, [item["code"] for item in items])


def classification_metrics(searcher: Searcher, ads: list[dict], whole: bool) -> dict[str, float]:
    """Job ads (jobads-dev.jsonl): title only, or title and description."""
    clf = searcher.classifier
    ranked = [[c.code for c in clf.classify(a["title"], a.get("description") if whole else None, k=3).candidates]
              for a in ads]
    return accuracy(ranked, [a["code"] for a in ads])


BANDS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))


def calibration(pairs: list[tuple[float, bool]]) -> dict:
    """How well a confidence says how often it is right: per band of ``(score, right)`` pairs the mean score and
    the share right; the expected calibration error (those bands' gaps, weighted by their size) and the Brier score
    (mean squared gap between the score and 1 or 0)."""
    bands, ece = [], 0.0
    for lo, hi in BANDS:
        band = [(s, ok) for s, ok in pairs if lo <= s < hi]
        if band:
            score, right = statistics.fmean(s for s, _ in band), statistics.fmean(ok for _, ok in band)
            ece += len(band) / len(pairs) * abs(score - right)
            bands.append({"band": (lo, min(hi, 1.0)), "n": len(band), "score": score, "right": right})
    brier = statistics.fmean((s - ok) ** 2 for s, ok in pairs) if pairs else 0.0
    return {"n": len(pairs), "bands": bands, "ece": ece, "brier": brier}


def reposts(ads: list[dict], examples: list[Example]) -> list[bool]:
    """Which evaluation ads are reposts of coded training ads (``jobads.repost_key``): the nearest-ad signals find
    their own copy, so figures are reported with and without them."""
    seen = {repost_key(e.title, e.description) for e in examples}
    return [repost_key(a.get("title") or "", a.get("description")) in seen for a in ads]
