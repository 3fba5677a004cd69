"""Evidence of which occupation a text names, one score per occupation from each source.

Each signal maps a text (a job title, the name-like words of a message, optionally a job ad's
description) to ``{code: score}``; ``fusion`` turns them into one calibrated ranking.

| signal | what it compares | how |
|---|---|---|
| ``lexical`` | the message's words against official names and synonyms | lemmas, female forms (``resolve.Resolver``) |
| ``official`` | whether the text holds every word of the occupation's official KZiS name | 1 or absent |
| ``name_char`` | the text against every name | character 2-4-grams, TF-IDF cosine (scikit-learn) |
| ``name_dense`` | the text against every name | multilingual E5 cosine (faiss) |
| ``passage_dense`` | the text against every passage of the descriptions | E5 cosine, best of each occupation's passages among the 100 nearest |
| ``example_char`` | the text against expert-coded job-ad titles | character n-grams, soft votes of the 10 nearest |
| ``example_dense`` | the text against expert-coded job-ad titles | E5 cosine, soft votes of the 10 nearest (faiss) |
| ``ad_words`` | an ad's description against the coded ads' descriptions | word TF-IDF on lemmas, soft votes of the 20 nearest |
| ``desc_words`` | an ad's description against each occupation's official tasks, summary, skills | word TF-IDF cosine |

Example::

    vocab = Vocabularies.fit(names, examples, occupation_texts)       # at index build; stored with the index
    sig = Signals(names, name_index, examples, example_index, resolver, vocab)
    s = sig.scores(["kierowca kat c e"], embedder.queries(["kierowca kat c e"]))[0]
    max(s["example_char"], key=s["example_char"].get)     # '833202'
"""  # noqa: E501 - a table's rows stay one line each

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .jobads import Example
from .records import Name
from .resolve import Resolver
from .text import fold, name_text, polish_letters, stem_tokens

TITLE_SIGNALS = ("lexical", "official", "name_char", "name_dense", "passage_dense", "example_char", "example_dense")
AD_SIGNALS = ("ad_words", "desc_words")
SIGNALS = TITLE_SIGNALS + AD_SIGNALS
NEAREST_EXAMPLES = 10
NEAREST_ADS = 20
NEAREST_NAMES = 30
NEAREST_PASSAGES = 100
CHAR_TEMPERATURE = 0.1  # TF-IDF cosine units: the nearest titles share the vote unless clearly closer
DENSE_TEMPERATURE = 0.02  # E5 cosines of related texts differ by hundredths
CHUNK = 512  # rows per sparse product when scoring many texts (bounds memory)

Scores = dict[str, dict[str, float]]  # signal -> occupation code -> score
Lexical = dict[str, tuple[float, int]]  # the resolver's lexical matches: code -> (score, row of the best name)


def char_text(text: str) -> str:
    """A message's or a job title's name-like words as the character signals read them: folded, Cyrillic spelt as
    Polish would (a Ukrainian name meets its Polish cognate: "тракторист" and "traktorzysta")."""
    return _letters(name_text(text))


def _letters(text: str) -> str:
    """A whole name as the character signals read it (``char_text`` without picking the name-like words)."""
    return fold(polish_letters(text))


def ad_text(description: str) -> str:
    """An ad's or a passage's words as the word vocabulary reads them: folded lemmas."""
    return " ".join(stem_tokens(description))


def _votes(sims: np.ndarray, labels: Sequence[str], temperature: float) -> dict[str, float]:
    """Soft votes of the nearest items: each votes exp((sim - best) / T) for its occupation; shares sum to 1."""
    if len(sims) == 0:
        return {}
    top = float(sims.max())
    if top <= 0:
        return {}
    votes: dict[str, float] = defaultdict(float)
    for s, label in zip(sims, labels):
        votes[label] += math.exp((float(s) - top) / temperature)
    total = sum(votes.values())
    return {c: v / total for c, v in votes.items()}


def _best_per_code(sims: np.ndarray, labels: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for s, label in zip(sims, labels):
        if s > out.get(label, 0.0):
            out[label] = float(s)
    return out


@dataclass
class Vocabularies:
    """The fitted TF-IDF vocabularies and the vectors of names, titles, ads and official texts.

    Fitted once at index build (lemmatising ~6,000 ad descriptions takes seconds) and stored in the
    index version, so that servers start without refitting.
    """

    chars: TfidfVectorizer  # one character vocabulary for names and titles: both compared in the same space
    name_chars: sparse.csr_matrix  # features x names
    example_chars: sparse.csr_matrix  # features x coded ads (titles)
    words: TfidfVectorizer | None = None  # lemma words of ads and official texts; None without coded ads
    ad_words: sparse.csr_matrix | None = None  # features x coded ads (descriptions)
    desc_words: sparse.csr_matrix | None = None  # features x occupations (official texts)
    desc_codes: list[str] = field(default_factory=list)

    @classmethod
    def fit(cls, names: list[Name], examples: list[Example], occupation_texts: dict[str, str]) -> Vocabularies:
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32)
        matrix = chars.fit_transform([_letters(n.text) for n in names] + [char_text(e.title) for e in examples])
        vocab = cls(chars, matrix[: len(names)].T.tocsr(), matrix[len(names):].T.tocsr())
        if not any(e.description for e in examples):
            return vocab
        ads = [ad_text(e.description) for e in examples]
        official = [ad_text(t) for t in occupation_texts.values()]
        # 60k of ~153k terms: the vocabulary dict is held by the action server (-23 MB RSS); the ad-words
        # signal alone on jobads-dev moved 0.293/0.420 -> 0.293/0.403 (acc@1/acc@3), the fusion not beyond noise
        vocab.words = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5, ngram_range=(1, 2),
                                      max_features=60_000, dtype=np.float32)
        vocab.words.fit([a for a in ads if a] + official)  # an ad without a description says nothing of words
        vocab.ad_words = vocab.words.transform(ads).T.tocsr()
        vocab.desc_words = vocab.words.transform(official).T.tocsr()
        vocab.desc_codes = list(occupation_texts)
        return vocab

    def save(self, path: Path) -> None:
        if self.words is not None:  # sklearn's memo of a stop-word check holds a memory address (id(None)):
            vars(self.words).pop("_stop_words_id", None)  # without it two builds write the same bytes
        joblib.dump(self, path)

    @staticmethod
    def load(path: Path) -> Vocabularies:
        return joblib.load(path)  # written by our own build; the manifest's checksum covers it


class Signals:
    """Holds the vocabularies and neighbour indexes; scores texts. Build once per index version (fast)."""

    def __init__(self, names: list[Name], name_index: faiss.Index, examples: list[Example],
                 example_index: faiss.Index | None, resolver: Resolver, vocab: Vocabularies,
                 passage_index: faiss.Index | None = None, passage_codes: list[str] | None = None) -> None:
        if name_index.ntotal != len(names) or vocab.name_chars.shape[1] != len(names):
            raise ValueError("name index, vocabulary and name list differ in length")
        if example_index is not None and example_index.ntotal != len(examples):
            raise ValueError("example index and example list differ in length")
        if passage_index is not None and passage_index.ntotal != len(passage_codes or []):
            raise ValueError("passage index and passage codes differ in length")
        self.passage_index, self.passage_codes = passage_index, passage_codes or []
        self.names, self.name_index = names, name_index
        self.examples, self.example_index = examples, example_index
        self.resolver = resolver
        self.vocab = vocab
        self.name_codes = [n.code for n in names]
        self.example_codes = [e.code for e in examples]
        self.official_row = {n.code: i for i, n in enumerate(names) if n.kind == "official"}
        self.example_count: dict[str, int] = defaultdict(int)
        for e in examples:
            self.example_count[e.code] += 1

    def scores(self, texts: list[str], qvecs: np.ndarray, descriptions: list[str] | None = None,
               exclude: list[set[int]] | None = None, lexical: list[Lexical] | None = None,
               hide: list[set[int]] | None = None) -> list[Scores]:
        """Scores of each text; ``exclude[i]``: coded ads (rows) to leave out (when training on the coded ads: the
        ad itself and its reposts, see ``jobads.repost_groups``);
        ``lexical``: the resolver's matches of each text, when the caller has them already; ``hide[i]``: names
        (rows) the name signals act as if they did not know (training: a name outside the glossary)."""
        n = len(texts)
        out: list[Scores] = [{s: {} for s in SIGNALS} for _ in range(n)]
        for i, t in enumerate(texts):
            matches = lexical[i] if lexical is not None else self.resolver.lexical(t)
            if hide is not None:
                matches = {c: m for c, m in matches.items() if m[1] not in hide[i]}
            out[i]["lexical"] = {c: s for c, (s, _) in matches.items()}
            out[i]["official"] = {c: 1.0 for c in matches if c in self.official_row
                                  and self.resolver.coverage(t, self.official_row[c]) == 1.0}
        v = self.vocab
        chars = v.chars.transform([char_text(t) for t in texts])
        qvecs = np.ascontiguousarray(qvecs, dtype=np.float32)
        self._sparse_knn(chars, v.name_chars, self.name_codes, out, "name_char", NEAREST_NAMES, None, hide)
        self._sparse_knn(chars, v.example_chars, self.example_codes, out, "example_char", NEAREST_EXAMPLES,
                         CHAR_TEMPERATURE, exclude)
        extra = max((len(h) for h in hide), default=0) if hide is not None else 0
        sims, rows = self.name_index.search(qvecs, min(NEAREST_NAMES + extra, len(self.names)))
        for i in range(n):
            ok = [j for j, r in enumerate(rows[i]) if r >= 0 and (hide is None or r not in hide[i])][:NEAREST_NAMES]
            out[i]["name_dense"] = _best_per_code(sims[i][ok], [self.name_codes[rows[i][j]] for j in ok])
        if self.passage_index is not None and self.passage_codes:
            sims, rows = self.passage_index.search(qvecs, min(NEAREST_PASSAGES, len(self.passage_codes)))
            for i in range(n):
                ok = rows[i] >= 0
                out[i]["passage_dense"] = _best_per_code(sims[i][ok], [self.passage_codes[r] for r in rows[i][ok]])
        if self.example_index is not None and self.examples:
            left_out = max((len(e) for e in exclude), default=0) if exclude is not None else 0
            sims, rows = self.example_index.search(qvecs, min(NEAREST_EXAMPLES + left_out, len(self.examples)))
            for i in range(n):
                keep = [j for j, r in enumerate(rows[i]) if r >= 0 and (exclude is None or r not in exclude[i])]
                keep = keep[:NEAREST_EXAMPLES]
                out[i]["example_dense"] = _votes(sims[i][keep], [self.example_codes[rows[i][j]] for j in keep],
                                                 DENSE_TEMPERATURE)
        if descriptions is not None:
            self.add_descriptions(out, descriptions, exclude)
        return out

    def add_descriptions(self, out: list[Scores], descriptions: list[str],
                         exclude: list[set[int]] | None = None) -> None:
        """Add the description signals (``ad_words``, ``desc_words``) to scores of the same texts' titles."""
        v = self.vocab
        if v.words is None:
            return
        with_desc = [i for i, d in enumerate(descriptions) if d and d.strip()]
        if not with_desc:
            return
        docs = v.words.transform([ad_text(descriptions[i]) for i in with_desc])
        sub = [out[i] for i in with_desc]
        ex = [exclude[i] for i in with_desc] if exclude is not None else None
        self._sparse_knn(docs, v.ad_words, self.example_codes, sub, "ad_words", NEAREST_ADS, CHAR_TEMPERATURE, ex)
        self._sparse_knn(docs, v.desc_words, v.desc_codes, sub, "desc_words", NEAREST_NAMES, None, None)

    def stated(self, s: Scores, text: str = "") -> str | None:
        """The occupation whose official name the text states word for word; the longest such name wins
        ("psycholog sportowy" over "psycholog"), and of names as long the one the text spells as it is ("pracownik
        socjalny": Pracownik socjalny, not Pracownik do spraw socjalnych, whose words are the same)."""
        if not s["official"]:
            return None
        size = {c: len(self.resolver.tokens[self.official_row[c]]) for c in s["official"]}
        longest = [c for c in s["official"] if size[c] == max(size.values())]
        spelt = [c for c in longest if fold(self.resolver.official.get(c, "")) in fold(text)]
        return (spelt or longest)[0]

    @staticmethod
    def _sparse_knn(queries: sparse.csr_matrix, columns: sparse.csr_matrix, labels: list[str], out: list[Scores],
                    signal: str, k: int, temperature: float | None, exclude: Sequence[set[int]] | None) -> None:
        """Nearest columns by cosine (rows are L2-normalised by TF-IDF): soft votes, or best cosine per code;
        ``exclude[i]``: columns the i-th query must not see."""
        for start in range(0, queries.shape[0], CHUNK):
            block = (queries[start : start + CHUNK] @ columns).toarray()
            for j, row in enumerate(block):
                i = start + j
                if exclude is not None and exclude[i]:
                    row[list(exclude[i])] = 0.0
                top = np.argpartition(-row, min(k, len(row) - 1))[:k] if len(row) > k else np.arange(len(row))
                top = top[row[top] > 0]
                lab = [labels[r] for r in top]
                out[i][signal] = _votes(row[top], lab, temperature) if temperature else _best_per_code(row[top], lab)
