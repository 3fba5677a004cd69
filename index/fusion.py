"""One calibrated ranking of occupations from several signals (see ``signals``).

Every occupation that some signal ranks near the top becomes a candidate with a small feature
vector (each signal's score, whether it is that signal's first choice, how far a name match is
ahead of the next occupation's, how much the evidence agrees on its 4-digit unit group, how often
experts used the code). Gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier,
log-loss) trained on the expert-coded job ads, each scored with itself and its reposts left out
(and counting the coded ads per occupation in the other folds only: a new ad's code may have none), give the
probability that a candidate is the right code: that probability is the candidate's ``score``,
so 0.8 means "right about 8 times in 10" on texts like the training ones. Two models: titles and
chat messages, which also learn from every official name, synonym and glossary name put in a
sentence ("Czym zajmuje się {name}?"), and whole ads (title and description).

Training is deterministic: the same signals give the same trees, whatever the hash seed or the number of
cores (the early-stopping split is drawn from a fixed seed over whole repost groups, the trees are grown on
one thread since sklearn's OpenMP sums add up in the order threads finish).

Example::

    model = train(signals, example_vectors, embedder.queries)
    ranked = model.rank(signals.scores(["spawacz mig"], qvecs)[0], "title", signals.example_count)
    ranked[0]          # ('721204', 0.93)
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import joblib
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from .jobads import GlossaryName, repost_groups
from .records import Name
from .signals import AD_SIGNALS, SIGNALS, TITLE_SIGNALS, Scores, Signals
from .text import CYRILLIC, fold, name_text

Kind = Literal["title", "ad"]
TOP_PER_SIGNAL = 8
VOTING = ("example_char", "example_dense", "ad_words", "name_char", "name_dense", "desc_words")
GAPPED = ("lexical", "name_char", "name_dense", "passage_dense")  # a name match's lead over the next occupation's
SEED = 0  # the trees' and the early-stopping split's random state
VALIDATION = 0.1  # share of the training texts (whole repost groups) held out for early stopping


# The count of coded ads per occupation, as a training ad sees it: the ads of the other folds (whole repost groups
# dealt into FOLDS by a fixed seed). Not "all but the ad itself": then the right code's count is one less than the
# count every other ad sees for that code, and the trees learnt to read the exact value (an off-by-one that names the
# right code in training and never at serving: docs/figures.md, #31). A fold's count is the same for every candidate of
# every ad in it, right or wrong; serving scales the full counts to the share the folds saw.
FOLDS = 5
SERVING_SCALE = (FOLDS - 1) / FOLDS


class Prior:
    """Coded ads per occupation as one text sees them: ``counts`` less ``minus`` (a training ad: its own fold's),
    times ``scale`` (a message or a new ad: all of them, scaled to what a training ad's other folds hold)."""

    def __init__(self, counts: Mapping[str, int], minus: Mapping[str, int] | None = None, scale: float = 1.0) -> None:
        self.counts, self.minus, self.scale = counts, minus or {}, scale

    def get(self, code: str, default: int = 0) -> float:
        return (self.counts.get(code, default) - self.minus.get(code, 0)) * self.scale


def candidates(s: Scores, per_signal: int = TOP_PER_SIGNAL) -> list[str]:
    out: dict[str, None] = {}
    for signal in SIGNALS:
        for code, _ in sorted(s[signal].items(), key=lambda cs: -cs[1])[:per_signal]:
            out[code] = None
    return list(out)


def features(s: Scores, codes: list[str], used: tuple[str, ...], example_count: Prior) -> np.ndarray:
    """One row per candidate code: for each signal in ``used`` its score and whether it is that signal's first
    choice; for voting signals the unit group's share; for name signals the margin; the experts' prior."""
    firsts = {x: max(s[x], key=s[x].__getitem__) if s[x] else None for x in used}
    groups: dict[str, dict[str, float]] = {}
    for x in used:
        if x in VOTING:
            g: dict[str, float] = defaultdict(float)
            for code, v in s[x].items():
                g[code[:4]] += v
            top = max(g.values(), default=0.0) or 1.0
            groups[x] = {k: v / top for k, v in g.items()}  # the group's share relative to the best group
    gapped = [x for x in used if x in GAPPED]
    top2 = {x: [*sorted(s[x].values(), reverse=True)[:2], 0.0, 0.0] for x in gapped}
    rows = []
    for code in codes:
        row = [s[x].get(code, 0.0) for x in used]
        row += [1.0 if firsts[x] == code else 0.0 for x in used]
        row += [g.get(code[:4], 0.0) for g in groups.values()]
        for x in gapped:  # ahead of the best other occupation (negative: behind)
            mine = s[x].get(code, 0.0)
            row.append(mine - (top2[x][1] if mine >= top2[x][0] else top2[x][0]))
        row.append(math.log1p(example_count.get(code, 0)) / math.log1p(300))
        rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(len(codes), -1)


@dataclass
class Fitted:
    """One trained model: the signals it reads and sklearn's estimator (None: nothing to learn from)."""

    signals: tuple[str, ...]
    estimator: HistGradientBoostingClassifier | None


@dataclass
class FusionModel:
    """Gradient-boosted trees per kind (title / ad), stored with joblib in the index version."""

    models: dict[str, Fitted]
    stated_rate: float = 0.0  # how often a title stating an official name in full is coded as that occupation
    count_scale: float = SERVING_SCALE  # the full counts of coded ads, scaled to what training saw (``Prior``)

    def rank(self, s: Scores, kind: Kind, example_count: dict[str, int], k: int = 10) -> list[tuple[str, float]]:
        """Candidates by calibrated probability, best first."""
        codes = candidates(s)
        if not codes:
            return []
        m = self.models[kind]
        if m.estimator is None:
            # Nothing was there to learn from (no coded ads, one occupation): the lexical match is the score,
            # a name's similarity stands in below it.
            p = np.array([max(min(1.0, s["lexical"].get(c, 0.0)), 0.5 * s["name_dense"].get(c, 0.0)) for c in codes])
        else:
            prior = Prior(example_count, scale=self.count_scale)
            p = m.estimator.predict_proba(features(s, codes, m.signals, prior))[:, 1]
        order = np.argsort(-p, kind="stable")[:k]
        return [(codes[i], float(p[i])) for i in order]

    def save(self, path: Path) -> None:
        joblib.dump({"models": self.models, "stated_rate": self.stated_rate, "count_scale": self.count_scale}, path)

    @classmethod
    def load(cls, path: Path) -> FusionModel:
        saved = joblib.load(path)  # written by our own build; the manifest's checksum covers it
        return cls(saved["models"], saved["stated_rate"], saved.get("count_scale", 1.0))  # 1.0: trained on full counts


def held_out(groups: list[int], share: float = VALIDATION, seed: int = SEED) -> np.ndarray:
    """Which texts validate the early stopping: a seeded draw of whole groups (a repost never validates a tree
    that learnt from its original), the same draw on every build."""
    labels = sorted(set(groups))
    chosen = set(np.random.default_rng(seed).permutation(labels)[: max(1, round(share * len(labels)))].tolist())
    return np.array([g in chosen for g in groups], dtype=bool)


def fit(scored: list[Scores], gold: list[str], signals: tuple[str, ...], priors: list[Prior],
        groups: list[int]) -> Fitted:
    """One model from scored training texts (each coded ad scored with itself and its reposts left out);
    ``priors[i]``: the coded ads per occupation text i may count on (``Prior``); ``groups[i]``: its repost group."""
    xs: list[np.ndarray] = []
    ys: list[bool] = []
    rows_of: list[int] = []
    for i, (s, g) in enumerate(zip(scored, gold)):
        codes = candidates(s)
        if codes:
            xs.append(features(s, codes, signals, priors[i]))
            ys.extend(c == g for c in codes)
            rows_of.extend([groups[i]] * len(codes))
    y = np.array(ys, dtype=np.int64)
    if len(set(y.tolist())) < 2:
        return Fitted(signals, None)
    x = np.vstack(xs)
    val = held_out(rows_of)
    stop = len(set(y[val].tolist())) == 2 and len(set(y[~val].tolist())) == 2  # else too few texts to hold out
    # Trees capture what a linear model cannot: a name match counts for much when no coded ad is near,
    # for little when many are. Early stopping on a held-out tenth keeps the probabilities honest.
    model = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, max_leaf_nodes=31,
                                           early_stopping=stop, random_state=SEED)
    with threadpool_limits(1, user_api="openmp"):  # one thread: the same sums, in the same order, on every build
        if stop:
            model.fit(x[~val], y[~val], X_val=x[val], y_val=y[val])
        else:
            model.fit(x, y)
    return Fitted(signals, model)


# Sentences that carry a name in chat-like training messages, by the script the name is written in.
TEMPLATES = {
    "pl": ("{}", "Czym zajmuje się {}?", "Co robi {}?", "{} – jakie umiejętności?", "Co musi wiedzieć {}?"),
    "uk": ("{}", "Що робить {}?", "Я {}", "Які навички потрібні: {}?"),
    "en": ("{}", "What does a {} do?", "I was a {}", "What skills does a {} need?"),
}


def name_queries(names: list[Name], seed: int = 0) -> list[tuple[str, str]]:
    """(message, code) pairs from the names; a synonym that is another occupation's official name is left out."""
    rng = random.Random(seed)
    official = {fold(n.text): n.code for n in names if n.kind == "official"}
    out = []
    for n in names:
        if n.kind != "official" and official.get(fold(n.text), n.code) != n.code:
            continue  # GUS lists "rolnik" under several codes; the official "Rolnik" decides
        lang = "uk" if CYRILLIC.search(n.text) else "pl" if not n.text.isascii() or n.kind == "official" else \
            rng.choice(("pl", "en"))
        out.append((rng.choice(TEMPLATES[lang]).format(n.text), n.code))
    return out


def unlisted_queries(names: list[Name], glossary: list[GlossaryName], seed: int = 1) -> tuple[list[tuple[str, str]],
                                                                                        list[set[int]]]:
    """(message, code) pairs from the glossary's uk/en names, each with the rows of its occupation's glossary
    names: scored with those hidden, they show the fusion a Ukrainian or English name the glossary does not list
    (without them it learns that such texts are decided by the glossary's exact match, which a new name lacks)."""
    rng = random.Random(seed)
    rows: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, n in enumerate(names):
        rows[(n.code, n.text)].append(i)
    hidden: dict[str, set[int]] = defaultdict(set)
    for g in glossary:
        hidden[g.code].update(rows.get((g.code, g.text), []))
    out = [(rng.choice(TEMPLATES[g.lang]).format(g.text), g.code) for g in glossary if hidden[g.code]]
    return out, [hidden[code] for _, code in out]


def left_out(groups: list[int]) -> list[set[int]]:
    """For each coded ad, the rows its scoring must not see: itself and every repost of it."""
    members: dict[int, set[int]] = defaultdict(set)
    for i, g in enumerate(groups):
        members[g].add(i)
    return [members[g] for g in groups]


def folds(groups: list[int], n: int = FOLDS, seed: int = SEED) -> list[int]:
    """Each coded ad's fold: whole repost groups dealt into ``n`` folds in a seeded order, the same on every build."""
    order = np.random.default_rng(seed).permutation(sorted(set(groups))).tolist()
    fold_of = {g: i % n for i, g in enumerate(order)}
    return [fold_of[g] for g in groups]


def priors(signals: Signals, groups: list[int]) -> list[Prior]:
    """Each coded ad's view of the coded ads per occupation: those of the other folds (its own and its reposts are
    in its fold)."""
    fold = folds(groups)
    in_fold: dict[int, Counter[str]] = defaultdict(Counter)
    for f, code in zip(fold, signals.example_codes):
        in_fold[f][code] += 1
    return [Prior(signals.example_count, in_fold[f]) for f in fold]


def leave_one_out_scores(signals: Signals, qvecs: np.ndarray,
                         exclude: list[set[int]] | None = None) -> tuple[list[Scores], list[Scores]]:
    """Every coded example scored with itself and its reposts left out (what a new ad would see; ``exclude``:
    those rows, default ``left_out(repost_groups(...))``): by its title, and as a whole ad (the title's scores
    plus its description's)."""
    ex = signals.examples
    exclude = left_out(repost_groups(ex)) if exclude is None else exclude
    titles = signals.scores([e.title for e in ex], qvecs, exclude=exclude)
    ads = [{signal: dict(by_code) for signal, by_code in s.items()} for s in titles]
    signals.add_descriptions(ads, [e.description for e in ex], exclude)
    return titles, ads


def train(signals: Signals, qvecs: np.ndarray, encode: Callable[[list[str]], np.ndarray],
          glossary: list[GlossaryName] | None = None) -> FusionModel:
    """Both models from the examples and names held by ``signals`` (``qvecs``: the examples' title vectors;
    ``encode``: query vectors of texts, for the name sentences; ``glossary``: the uk/en names among them)."""
    gold = [e.code for e in signals.examples]
    groups = repost_groups(signals.examples)
    exclude = left_out(groups)
    titles, ads = leave_one_out_scores(signals, qvecs, exclude) if gold else ([], [])
    named = name_queries(signals.names)
    chat = signals.scores([q for q, _ in named], encode([name_text(q) for q, _ in named])) if named else []
    unlisted, hide = unlisted_queries(signals.names, glossary or [])
    if unlisted:
        chat += signals.scores([q for q, _ in unlisted], encode([name_text(q) for q, _ in unlisted]), hide=hide)
        named += unlisted
    ad_priors = priors(signals, groups)
    chat_prior = Prior(signals.example_count, scale=SERVING_SCALE)  # a name is no coded ad: it sees all, as a message
    chat_groups = list(range(len(gold), len(gold) + len(chat)))  # each sentence its own group
    stated = [code == g for x, g in zip(titles, gold) if (code := signals.stated(x))]
    return FusionModel({
        # titles and chat messages: job-ad titles as experts coded them, and every name put in a sentence
        "title": fit(titles + chat, gold + [c for _, c in named], TITLE_SIGNALS, ad_priors + [chat_prior] * len(chat),
                     groups + chat_groups),
        "ad": fit(ads, gold, TITLE_SIGNALS + AD_SIGNALS, ad_priors, groups),
    }, sum(stated) / len(stated) if stated else 1.0)
