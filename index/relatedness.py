"""Related occupations by what they share, statement by statement; ranked once at index build.

The old ranking (``Relations.related_by_mean``) takes the cosine of each occupation's mean passage vector: the many
generic statements ("przestrzeganie przepisów BHP", "utrzymywanie porządku") dominate the mean, and since a
passage is embedded with its occupation's name ("Pizzer – zadanie zawodowe: ..."), similar-looking names pull
each other in (Pizzer -> Piaskarz, Pisarz). Here:

- each task statement is embedded bare, without the occupation's name (``statements.faiss``, reused by text hash
  on rebuilds like the passage vectors);
- each task of A is matched with its closest task of B. E5 cosines say more about wording than meaning
  ("Przygotowywanie elementów do piaskowania" - "Przygotowanie produktów do wyrobu pizzy": 0.96), so a match is
  judged against the statement's own matches in all occupations: its z-score there (how far above that statement's
  usual best match in an occupation); it counts from ``LOW`` and fully from ``HIGH`` standard deviations;
- a statement counts by how specific it is: an inverse document frequency over the occupations that have a
  near paraphrase of it (cosine >= ``GENERIC``), so "przestrzeganie przepisów BHP" weighs little;
- the words of the work count too: the tf-idf cosine of the folded lemmas of each occupation's task statements, rare
  words only (in at most ``LEXICAL_DF`` of the occupations: "ryba", "zwłoki", "pszczoła", not "klient", "praca"),
  at weight ``LEXICAL``. E5's z-scores follow how a statement is worded; the shared objects, materials and tools
  say which field two jobs are in (dev set: a small weight helps, a larger one brings in occupations sharing one
  rare word);
- ESCO skills are compared by label where both occupations have them (idf-weighted overlap), the overlap put on the
  statements' scale before the two are mixed (``calibrate``): its values are far smaller (a pair's best overlap is
  about half its best statement score), so without it a pair of occupations that both have ESCO skills ranked
  below one that has none, for the same evidence;
- the KZiS hierarchy adds a bonus (the same unit group, minor group, sub-major group), a signal, not the answer:
  in full only for a pair with some shared statements (``HIERARCHY_FULL``), and none for a residual group (a code
  ending in 9: "specjaliści ochrony zdrowia gdzie indziej niesklasyfikowani", minor group 229 "inni specjaliści
  ochrony zdrowia"), which gathers what fits nowhere else: of the dev set's judged candidates, 98 % in the same
  ordinary unit group were acceptable, 44 % in the same residual one, about as many as with no group in common;
  the same ordinary unit group is the strongest single sign a counsellor goes by (95 % of the 348 such judgements on
  the 100 dev occupations acceptable, 70 % for the same minor group), so its bonus (0.5) outweighs a better statement
  match elsewhere, while it grows with the evidence at the same rate as before (0.5 in full from ``HIERARCHY_FULL`` =
  0.2, as 0.25 did from 0.1): an occupation of the group with next to nothing in common gains no more than it did (the
  pharmacy manager for a shop manager, 1420), one with shared statements comes before the rest (the minor and
  sub-major bonuses keep their size and reach it at 0.2 too: on dev the same as a gate of their own at 0.1);
- moves a counsellor plans as retraining, not as a related job, count less: one that needs a degree (into major
  group 2 from groups 3-9), another degree (another minor group within major group 2: the physiotherapist to the
  psychologist, the doctor to the dentist), and an office one is elected or appointed to (minor groups 111, 112:
  members of parliament, ministers, presidents of companies) from outside sub-major group 11; and, outside major
  group 2, a move up the skill levels the major groups stand for (ISCO: group 9 level 1, groups 4-8 level 2, group
  3 level 3), ``LEVEL_STEP`` per level: a technician's qualification for a shop assistant, a trade for a
  labourer, which a counsellor plans as training too.

    cover(A -> B) = sum of weight(p) * match(p, B) over A's tasks p / sum of weight(p)
    raw(A, B)     = sqrt(cover(A -> B) * cover(B -> A)), mixed with the words' cosine, then with the calibrated
                    ESCO overlap
    score(A, B)   = raw + hierarchy bonus * min(1, raw / HIERARCHY_FULL) - retraining steps

The parameters were chosen on the dev set (bench/eval/related-labelled.txt) only; bench/related_bench.py prints
the held-out set beside it.

``rank`` keeps the ``TOP`` best per occupation (written to ``related.jsonl`` at build); ``explain`` says, for a move
from A to B, which of B's statements A already has (``shared``) and which it lacks (``to_learn``).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .records import Passage
from .text import fold, stem_tokens

TASKS = ("task", "knowledge", "skill")  # compared by meaning (knowledge and skills: INFOdoradca+ descriptions)
ESCO = "esco_skill"  # compared by label
STATEMENTS = (*TASKS, ESCO)  # embedded bare, shown as shared / to learn
TOP = 20  # related occupations kept per occupation
LOW, HIGH = 1.0, 3.5  # z-score at which a task starts to match / fully matches another (bench/related_bench.py)
CLOSE = 3.0  # z-score of "a close statement": counted as shared
SPECIFIC = 0.5  # a statement less specific than this is not listed as something to learn
GENERIC = 0.92  # cosine of a near paraphrase: a statement with one in many occupations is generic ("BHP")
LEARN = 2.5  # a target's task with no match this close (z-score) in the source is something to learn
ESCO_SHARE = 0.7  # weight of the ESCO overlap when both occupations have ESCO skills
LEXICAL = 0.1  # weight of the words' cosine against the statements' cover
LEXICAL_FULL = 0.3  # words' cosine that counts in full
LEXICAL_DF = 0.05  # a word in more of the occupations than this is generic ("klient", "przestrzegać")
SAME_UNIT, SAME_MINOR, SAME_SUBMAJOR = 0.5, 0.16, 0.02  # hierarchy bonus: the closest ordinary group shared
HIERARCHY_FULL = 0.2  # raw score from which the hierarchy bonus counts in full (below: in proportion)
DEGREE_STEP = 0.2  # less for a move into KZiS major group 2 (professionals: a degree) from groups 3-9
OTHER_DEGREE = 0.2  # less for a move within major group 2 into another minor group (another degree)
APPOINTED = ("111", "112")  # elected or appointed offices: not a move from outside sub-major group 11
APPOINTED_STEP = 0.2
LEVEL_STEP = 0.1  # less per skill level up for a move within groups 3-9 (half the degree step: no degree needed)
SKILL_LEVEL = {"2": 4, "3": 3, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2, "9": 1}  # ISCO levels; 0, 1: no level
SHOWN = 5  # shared and to-learn statements per pair
BLOCK = 1024  # task rows compared at once (~100 MB of float32)
FILE = "related.jsonl"
VECTORS = "statements"  # statements.faiss / statements.jsonl: the bare statements' vectors


def statement_texts(passages: list[Passage]) -> list[str]:
    """The distinct statement texts, in first-seen order: what ``statements.faiss`` holds."""
    return list(dict.fromkeys(p.text for p in passages if p.section in STATEMENTS))


def code_key() -> str:
    """Changes with this module's code: a build whose ranking was made by other code is redone."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


@dataclass
class Statements:
    """Occupations' statements with their bare vectors (unit length) and how specific each is."""

    passages: list[Passage]
    vectors: np.ndarray  # one per distinct text
    row_of: dict[str, int]  # text -> row of ``vectors``
    by_code: dict[str, list[int]]  # occupation -> passage rows of its statements
    weight: dict[str, list[float]]  # passage id -> [specificity in 0..1, mean and deviation of its best matches]

    @classmethod
    def of(cls, passages: list[Passage], texts: list[str], vectors: np.ndarray,
           weight: dict[str, list[float]] | None = None) -> Statements:
        v = np.asarray(vectors, dtype=np.float32)
        v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        if np.asarray(vectors).dtype == np.float16:  # a server keeps them as float16: half the memory
            v = v.astype(np.float16)
        by_code: dict[str, list[int]] = {}
        for i, p in enumerate(passages):
            if p.section in STATEMENTS:
                by_code.setdefault(p.occupation_code, []).append(i)
        return cls(passages, v, {t: i for i, t in enumerate(texts)}, by_code, weight or {})

    def rows(self, code: str, sections: tuple[str, ...] = STATEMENTS) -> list[int]:
        return [i for i in self.by_code.get(code, []) if self.passages[i].section in sections]

    def matrix(self, rows: list[int]) -> np.ndarray:
        v = self.vectors[[self.row_of[self.passages[i].text] for i in rows]]
        return v.reshape(len(rows), -1).astype(np.float32)

    def explain(self, a: str, b: str) -> tuple[list[Passage], list[Passage]]:
        """The move A -> B: B's statements that A has a close statement for (``shared``), and B's with none
        (``to_learn``), the most specific first, ``SHOWN`` distinct texts each."""
        ra, rb = self.rows(a, TASKS), self.rows(b)
        if not rb:
            return [], []
        z = np.full(len(rb), -9.0, dtype=np.float32)  # how close each of b's statements comes in a, as a z-score
        w = np.zeros(len(rb), dtype=np.float32)
        tasks = [k for k, i in enumerate(rb) if self.passages[i].section in TASKS]
        if ra and tasks:
            best = (self.matrix([rb[k] for k in tasks]) @ self.matrix(ra).T).max(axis=1)
            for k, cos in zip(tasks, best):
                spec, mu, sd = self.weight.get(self.passages[rb[k]].id, [0.5, 0.9, 0.03])
                z[k], w[k] = (cos - mu) / max(sd, 1e-3), spec
        labels = {fold(self.passages[i].text) for i in self.rows(a, (ESCO,))}
        for k, i in enumerate(rb):  # ESCO skills by label; "to learn" only when a has ESCO skills to compare
            if self.passages[i].section == ESCO:
                w[k] = self.weight.get(self.passages[i].id, [0.5])[0]
                z[k] = HIGH if fold(self.passages[i].text) in labels else (-9.0 if labels else LEARN)
        # the most specific and closest first; tasks before ESCO skills, which are terser ("pomagać klientom")
        esco = np.array([self.passages[i].section == ESCO for i in rb])
        shared = [rb[k] for k in np.lexsort((-w * np.minimum(z, HIGH), esco)) if z[k] >= CLOSE]
        # generic statements ("przestrzegać przepisów BHP") are not what a move has to learn
        learn = [rb[k] for k in np.lexsort((-w, esco)) if z[k] < LEARN and w[k] >= SPECIFIC]
        return self._distinct(shared), self._distinct(learn)

    def _distinct(self, rows: list[int]) -> list[Passage]:
        seen: dict[str, Passage] = {}
        for i in rows:
            seen.setdefault(fold(self.passages[i].text), self.passages[i])
        return list(seen.values())[:SHOWN]


def _ramp(z: np.ndarray) -> np.ndarray:
    return np.clip((z - LOW) / (HIGH - LOW), 0.0, 1.0)


def task_covers(st: Statements, codes: list[str], progress: bool = False
                ) -> tuple[np.ndarray, dict[str, list[float]]]:
    """cover[a, b] over the tasks of ``codes``, and each task's specificity with the mean and deviation of its
    best matches over the occupations (passage id -> [weight, mean, deviation])."""
    rows, owner = [], []
    for k, code in enumerate(codes):
        r = st.rows(code, TASKS)
        rows += r
        owner += [k] * len(r)
    n, n_occ = len(rows), len(codes)
    owner_a = np.array(owner, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, owner_a[1:] != owner_a[:-1]]) if n else np.zeros(0, np.int64)
    present = owner_a[starts]  # occupations with tasks, in order
    x = st.matrix(rows)
    z = np.zeros((n, n_occ), dtype=np.float16)  # each task's best match in every occupation, as a z-score
    mean, dev = np.zeros(n, dtype=np.float32), np.ones(n, dtype=np.float32)
    df = np.zeros(n, dtype=np.int64)  # occupations with a near paraphrase
    others = np.zeros(n_occ, dtype=bool)
    others[present] = True
    for lo in range(0, n, BLOCK):
        hi = min(n, lo + BLOCK)
        block = np.zeros((hi - lo, n_occ), dtype=np.float32)
        block[:, present] = np.maximum.reduceat(x[lo:hi] @ x.T, starts, axis=1)
        mask = np.broadcast_to(others, block.shape).copy()
        mask[np.arange(hi - lo), owner_a[lo:hi]] = False  # not its own occupation
        df[lo:hi] = (mask & (block >= GENERIC)).sum(axis=1)
        count = np.maximum(mask.sum(axis=1), 1)  # an index of one occupation has no others
        mu = np.where(mask, block, 0.0).sum(axis=1) / count
        var = np.where(mask, (block - mu[:, None]) ** 2, 0.0).sum(axis=1) / count
        mean[lo:hi], dev[lo:hi] = mu, np.maximum(np.sqrt(var), 1e-3)
        z[lo:hi] = np.where(mask, (block - mean[lo:hi, None]) / dev[lo:hi, None], -9.0)
        if progress and lo // BLOCK % 10 == 9:
            print(f"related occupations: {hi:,}/{n:,} tasks compared", flush=True)
    w = (np.log((n_occ + 1) / (df + 1)) / math.log(n_occ + 1)).astype(np.float32)
    cover = np.zeros((n_occ, n_occ), dtype=np.float32)
    for s, a in zip(range(len(starts)), present):
        lo, hi = int(starts[s]), int(starts[s + 1]) if s + 1 < len(starts) else n
        cover[a] = (w[lo:hi] @ _ramp(z[lo:hi].astype(np.float32))) / max(float(w[lo:hi].sum()), 1e-6)
    return cover, {st.passages[i].id: [float(a), float(b), float(c)] for i, a, b, c in zip(rows, w, mean, dev)}


def esco_overlap(st: Statements, codes: list[str]) -> tuple[np.ndarray, np.ndarray, dict[str, list[float]]]:
    """overlap[a, b]: the idf-weighted share of ESCO labels the two have in common (sqrt of both directions'
    shares); ``has[a]``: whether an occupation has ESCO skills; each ESCO statement's specificity."""
    labels = [{fold(st.passages[i].text) for i in st.rows(c, (ESCO,))} for c in codes]
    has = np.array([bool(x) for x in labels])
    df = Counter(x for s in labels for x in s)
    n = int(has.sum())
    idf = {x: math.log((n + 1) / (k + 1)) / math.log(n + 1) for x, k in df.items()}
    vocab = {x: j for j, x in enumerate(idf)}
    m = np.zeros((len(codes), len(vocab)), dtype=np.float32)
    for a, s in enumerate(labels):
        for x in s:
            m[a, vocab[x]] = idf[x]
    inter = (m > 0).astype(np.float32) @ m.T  # [a, b]: idf sum of b's labels that a has too
    total = np.maximum(m.sum(axis=1), 1e-6)
    share = inter / total[None, :]  # of b's labels
    overlap = np.sqrt(share * share.T)
    weight = {st.passages[i].id: [idf[fold(st.passages[i].text)]] for c in codes for i in st.rows(c, (ESCO,))}
    return overlap, has, weight


def calibrate(overlap: np.ndarray, score: np.ndarray, both: np.ndarray) -> np.ndarray:
    """The ESCO overlap mapped onto the statements' scores by rank, over the pairs that both have ESCO skills: the
    pair with the k-th largest overlap gets the k-th largest statement score (no label in common: the lowest), so
    that mixing the two does not rank ESCO pairs lower only because label overlaps are small numbers."""
    pairs = both & ~np.eye(len(both), dtype=bool)
    values = overlap[pairs]
    if values.size < 2:
        return overlap
    share = np.searchsorted(np.sort(values), values, side="left") / values.size  # below this pair's overlap
    out = overlap.copy()
    out[pairs] = np.quantile(score[pairs], share)
    return out


def word_cosine(st: Statements, codes: list[str]) -> np.ndarray:
    """cosine[a, b] of the tf-idf vectors of the folded lemmas of the occupations' task statements (sublinear tf,
    words of at least two occupations and at most ``LEXICAL_DF`` of them), scaled to 0..1 at ``LEXICAL_FULL``."""
    docs = [[w for i in st.rows(c, TASKS) for w in stem_tokens(st.passages[i].text) if len(w) > 2] for c in codes]
    if sum(bool(d) for d in docs) < 2:
        return np.zeros((len(codes), len(codes)), dtype=np.float32)
    tfidf = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, min_df=2, max_df=LEXICAL_DF)
    try:
        x = tfidf.fit_transform(docs)
    except ValueError:  # no word left (a tiny corpus): no signal
        return np.zeros((len(codes), len(codes)), dtype=np.float32)
    cosine = (x @ x.T).toarray().astype(np.float32)
    return np.clip(cosine / LEXICAL_FULL, 0.0, 1.0)


def hierarchy(codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The KZiS signal: the bonus for the same sub-major, minor and unit group (scaled by the evidence in ``rank``;
    none for a residual group, its code ending in 9), and the steps down for moves a counsellor plans as
    retraining: into the professionals (major group 2, a degree) from a job of groups 3-9 (the vet for a vet
    technician, the nurse for a carer); within group 2 into another minor group (another degree: the dentist for a
    doctor); into an elected or appointed office (111, 112) from outside sub-major group 11; up the skill levels
    outside group 2 (``LEVEL_STEP`` per level: a shop assistant to a technician, a labourer to a trade)."""
    major = np.array([c[0] for c in codes])
    minor = np.array([c[:3] for c in codes])
    bonus = np.zeros((len(codes), len(codes)), dtype=np.float32)
    for size, b in ((2, SAME_SUBMAJOR), (3, SAME_MINOR), (4, SAME_UNIT)):  # the closest group the two share
        g = np.array([c[:size] for c in codes])
        residual = np.array([x.endswith("9") for x in g])  # "gdzie indziej niesklasyfikowani", "inni ...": no signal
        bonus = np.where((g[:, None] == g[None, :]) & ~residual[:, None], np.float32(b), bonus)
    step = DEGREE_STEP * (~np.isin(major, ["1", "2"])[:, None] & (major[None, :] == "2"))
    step += OTHER_DEGREE * ((major[:, None] == "2") & (major[None, :] == "2") & (minor[:, None] != minor[None, :]))
    step += APPOINTED_STEP * (np.array([c[:2] != "11" for c in codes])[:, None] & np.isin(minor, APPOINTED)[None, :])
    level = np.array([SKILL_LEVEL.get(m, 0) for m in major], dtype=np.float32)
    up = np.clip(level[None, :] - level[:, None], 0, None) * (level[:, None] > 0) * (major[None, :] != "2")
    step += LEVEL_STEP * up
    return bonus, step.astype(np.float32)


def rank(st: Statements, progress: bool = False) -> tuple[list[dict], dict[str, list[float]]]:
    """Each occupation's ``TOP`` related occupations (``{"code", "related": [{"code", "score"}]}``), best first,
    and every statement's specificity (passage id -> weight)."""
    codes = sorted(st.by_code)
    cover, w_task = task_covers(st, codes, progress)
    score = (1 - LEXICAL) * np.sqrt(cover * cover.T) + LEXICAL * word_cosine(st, codes)
    overlap, has, w_esco = esco_overlap(st, codes)
    both = has[:, None] & has[None, :]
    score = np.where(both, (1 - ESCO_SHARE) * score + ESCO_SHARE * calibrate(overlap, score, both), score)
    bonus, step = hierarchy(codes)
    score = score + bonus * np.clip(score / HIERARCHY_FULL, 0.0, 1.0) - step
    np.fill_diagonal(score, -np.inf)
    out = []
    for a, code in enumerate(codes):
        top = np.argsort(-score[a], kind="stable")[:TOP]
        out.append({"code": code, "related": [{"code": codes[b], "score": round(float(score[a, b]), 4)}
                                              for b in top if np.isfinite(score[a, b])]})
    return out, {**w_task, **w_esco}


def build(passages: list[Passage], texts: list[str], vectors: np.ndarray, folder: Path,
          progress: bool = False) -> float:
    """Rank every occupation's related ones and write ``related.jsonl`` (one line per occupation; a last line holds
    the statements' specificity) into ``folder``; returns the seconds it took."""
    start = time.perf_counter()
    st = Statements.of(passages, texts, vectors)
    rows, weight = rank(st, progress)
    with (folder / FILE).open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        f.write(json.dumps({"weights": {k: [round(x, 4) for x in v] for k, v in weight.items()}}) + "\n")
    return time.perf_counter() - start


def read(folder: Path) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[float]]]:
    """The ranking written by ``build``: code -> [(related code, score)], and the statements' specificity."""
    ranked: dict[str, list[tuple[str, float]]] = {}
    weight: dict[str, list[float]] = {}
    with (folder / FILE).open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if "weights" in row:
                weight = row["weights"]
            else:
                ranked[row["code"]] = [(r["code"], r["score"]) for r in row["related"]]
    return ranked, weight
