"""What a message asks (its kind: tasks, knowledge, pay, a comparison, "more", …), learned from labelled examples.

The examples are templates the team writes (``data/asks/{pl,uk,en}.yml``), filled with occupation names in the
right case (``data/asks/occupations.yml``), with and without Polish letters. They are split into train, dev and
test by template, so that fillings of one template never sit on both sides. The model is a logistic regression over
the message's E5 query vector (meaning, across languages), its character n-grams (inflections, typos) and its word
uni- and bigrams ("co trzeba", "know how": the question's frame, which character n-grams blur). How to label a
message: docs/asks-labels.md.

Example::

    model = AskModel.load(embedder)            # trained by `doradca asks train`
    model.predict("spawacz, co trzeba umieć?")  # Ask(kind='skill', p=0.93)
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .config import ROOT
from .text import fold

DATA = ROOT / "data" / "asks"
LANGS = ("pl", "uk", "en")
KINDS = ("task", "overview", "knowledge", "skill", "competence", "training", "cv", "conditions", "salary", "offers",
         "documents", "funding", "language", "compare", "shared", "related", "move", "classify_offer", "experience",
         "in_polish", "specific", "more", "name", "chitchat", "off_topic")
FILLS = 3  # occupations per template (each a training message)
SLOT = re.compile(r"\{(\w+)\}")
PL_CASES = ("nom", "gen", "dat", "ins", "loc")
UK_CASES = ("nom", "gen", "dat", "ins")
EN_FORMS = ("nom", "a")
MASK = "X"  # stands for the occupation's words, in training and in a message whose occupation the resolver found
VERSION = 5  # bump when the features or the examples' making change: a saved model of another version is retrained
E5_WEIGHT = 3.0
# small words inside one name ("opiekunka w żłobku"); not "z", "od", "do", which join two ("X od X": a comparison)
NAME_JOINERS = r"(?:w|we|na|u|dla|ds\.?|of|in|for|в|у|на|для)"
C = 4.0  # regularisation, chosen on the dev part (bench/asks_bench.py)


class MissingAskModel(RuntimeError):
    """No trained model for the current labelled set and embedding model."""


@dataclass(frozen=True)
class Example:
    text: str
    kind: str
    lang: str
    template: str  # the template it was filled from: the unit of the split

    @property
    def split(self) -> str:
        return split_of(self.lang, self.template)


@dataclass(frozen=True)
class Ask:
    kind: str
    p: float  # the model's probability of ``kind``


def split_of(lang: str, template: str) -> str:
    """train / dev / test (70/15/15) by a hash of the template, stable across runs and edits of other templates."""
    h = int(hashlib.sha256(f"{lang}\n{template}".encode()).hexdigest()[:8], 16) % 100
    return "train" if h < 70 else "dev" if h < 85 else "test"


def _fill(template: str, lang: str, names: dict, rng: random.Random) -> str:
    """One filling of a template's slots: {nom}/{gen}/… share one occupation, {nom2}/… another, each {code} its own."""
    first, second = rng.sample(names[lang], 2)
    polish = rng.choice(names["polish"])
    codes = iter(rng.sample(names["codes"], 4))
    forms = PL_CASES if lang == "pl" else UK_CASES if lang == "uk" else EN_FORMS

    def value(m: re.Match[str]) -> str:
        slot = m.group(1)
        if slot == "code":
            return next(codes)
        if slot == "pl":
            return polish
        base, row = (slot[:-1], second) if slot.endswith("2") else (slot, first)
        if base not in forms:
            raise ValueError(f"unknown slot {{{slot}}} in {lang} template {template!r}")
        return row[forms.index(base)]

    return SLOT.sub(value, template)


def examples(folder: Path = DATA) -> list[Example]:
    """Every labelled message: each template filled ``FILLS`` times (once when it has no slot) and masked, and a
    Polish one also without Polish letters (as many type on a phone), filled and masked."""
    names = yaml.safe_load((folder / "occupations.yml").read_text(encoding="utf-8"))
    out: list[Example] = []
    for lang in LANGS:
        table = yaml.safe_load((folder / f"{lang}.yml").read_text(encoding="utf-8"))
        unknown = set(table) - set(KINDS)
        if unknown:
            raise ValueError(f"data/asks/{lang}.yml: unknown kinds {sorted(unknown)}")
        for kind, templates in table.items():
            for template in dict.fromkeys(str(t).strip() for t in templates):
                rng = random.Random(f"{lang}:{template}")
                texts = [_fill(template, lang, names, rng) for _ in range(FILLS if SLOT.search(template) else 1)]
                if SLOT.search(template):  # as the bot sees a message whose occupation it recognised (``mask``)
                    texts.append(SLOT.sub(MASK, template))
                if lang == "pl":  # typed on a phone: a filling and the masked message without Polish letters
                    texts += [_no_polish_letters(texts[0]), _no_polish_letters(texts[-1])]
                out.extend(Example(text, kind, lang, template) for text in dict.fromkeys(texts))
    return out


def mask(text: str, words: tuple[str, ...] | list[str]) -> str:
    """The message with the words that name its occupation replaced by ``MASK`` ("co robi spawacz?" -> "co robi X?"):
    the question around a name is what the model learns, not the name."""
    if not words:
        return text
    pattern = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    masked = re.sub(rf"(?i)\b(?:{pattern})\w*(?:\s+(?:{pattern})\w*)*", MASK, text)
    # one name, with its small words between ("opiekunka w żłobku" -> "X w X" -> "X")
    return re.sub(rf"{MASK}(?:\s+(?:{NAME_JOINERS}\s+)?{MASK})+", MASK, masked)


def _no_polish_letters(text: str) -> str:
    return text.translate(str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ"))


def _chars(text: str) -> str:
    return fold(text)


class AskModel:
    """The trained classifier with its feature extractors."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], vectorizer: TfidfVectorizer,
                 words: TfidfVectorizer, clf: LogisticRegression) -> None:
        self.encode, self.vectorizer, self.words, self.clf = encode, vectorizer, words, clf

    @classmethod
    def train(cls, encode: Callable[[list[str]], np.ndarray], train: list[Example], c: float = C) -> AskModel:
        if not train:
            raise ValueError("no training examples")
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                     preprocessor=_chars)
        words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2, preprocessor=_chars,
                                token_pattern=r"(?u)\b\w+\b")  # one-letter words too: "a", "i", "w", "z"
        texts = [e.text for e in train]
        vectorizer.fit(texts)
        words.fit(texts)
        model = cls(encode, vectorizer, words, LogisticRegression(C=c, max_iter=3000, random_state=7))
        model.clf.fit(model._features(texts, model.encode(texts)), [e.kind for e in train])
        return model

    def _features(self, texts: list[str], vectors: np.ndarray) -> csr_matrix:
        # the vector weighs 3 against each n-gram block's unit row: chosen on the dev part (bench/asks_bench.py)
        dense = csr_matrix(np.asarray(vectors, dtype=np.float32) * E5_WEIGHT)
        return hstack([dense, self.vectorizer.transform(texts), self.words.transform(texts)]).tocsr()

    def predict_many(self, texts: list[str], vectors: np.ndarray | None = None) -> list[Ask]:
        vectors = self.encode(texts) if vectors is None else vectors
        probs = self.clf.predict_proba(self._features(texts, vectors))
        best = probs.argmax(axis=1)
        return [Ask(str(self.clf.classes_[i]), float(p[i])) for i, p in zip(best, probs)]

    def predict(self, text: str, vector: np.ndarray | None = None) -> Ask:
        """The kind of one message (``vector``: its query vector when the caller has it already)."""
        return self.predict_many([text], None if vector is None else vector[None, :])[0]

    def predict_named(self, text: str, words: tuple[str, ...] | list[str]) -> Ask:
        """The kind of a message whose occupation the resolver found by ``words``: the mean of the model's
        probabilities for the message as typed and with those words masked (either alone misleads on short
        messages: "Co robi X?" reads like pay, "co robi piekarz" is fine)."""
        masked = mask(text, words)
        if masked == text:
            return self.predict(text)
        probs = self.clf.predict_proba(self._features([text, masked], self.encode([text, masked]))).mean(axis=0)
        best = int(probs.argmax())
        return Ask(str(self.clf.classes_[best]), float(probs[best]))

    def ranking(self, text: str, vector: np.ndarray | None = None) -> list[tuple[str, float]]:
        """All kinds with their probabilities, the likeliest first."""
        vectors = self.encode([text]) if vector is None else vector[None, :]
        probs = self.clf.predict_proba(self._features([text], vectors))[0]
        return sorted(((str(k), float(p)) for k, p in zip(self.clf.classes_, probs)), key=lambda x: -x[1])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        joblib.dump({"vectorizer": self.vectorizer, "words": self.words, "clf": self.clf}, tmp)
        tmp.replace(path)

    @classmethod
    def load(cls, encode: Callable[[list[str]], np.ndarray], model_key: str, folder: Path | None = None) -> AskModel:
        path = model_path(model_key, folder)
        if not path.exists():
            raise MissingAskModel(f"no model of what messages ask at {path}: run `make setup` "
                                  "(or `doradca asks train`)")
        saved = joblib.load(path)
        return cls(encode, saved["vectorizer"], saved["words"], saved["clf"])


def fingerprint(model_key: str, folder: Path = DATA) -> str:
    """What a trained model depends on: the labelled set, this module's version and the embedding model."""
    h = hashlib.sha256(f"{VERSION}\n{model_key}\n{C}\n{E5_WEIGHT}".encode())
    for f in sorted(folder.glob("*.yml")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def model_path(model_key: str, folder: Path | None = None) -> Path:
    return (folder or ROOT / "build" / "asks") / f"asks-{fingerprint(model_key)}.joblib"


def by_split(items: list[Example]) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {"train": [], "dev": [], "test": []}
    for e in items:
        out[e.split].append(e)
    return out


def accuracy(model: AskModel, items: list[Example]) -> dict[str, float]:
    """Accuracy per language (and "all") on ``items``."""
    got = model.predict_many([e.text for e in items])
    out: dict[str, float] = {}
    for lang in (*LANGS, "all"):
        pairs = [(e, a) for e, a in zip(items, got) if lang in ("all", e.lang)]
        out[lang] = sum(e.kind == a.kind for e, a in pairs) / len(pairs) if pairs else float("nan")
    return out


def mistakes(model: AskModel, items: list[Example]) -> Iterator[tuple[Example, Ask]]:
    for e, a in zip(items, model.predict_many([e.text for e in items])):
        if e.kind != a.kind:
            yield e, a
