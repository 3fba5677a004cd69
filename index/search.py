"""Search the occupation knowledge base: resolve the occupation, then rank its passages.

Dense retrieval (faiss: exhaustive inner-product search over vectors stored as float16, see
``store.vector_index``) fused with BM25 over lemmatised Polish (bm25s). A question that asks for a
kind of information ("co musi wiedzieć") ranks that section's passages first.

Example::

    s = Searcher.open()
    r = s.search("Co musi wiedzieć specjalista do spraw mediów interaktywnych?", k=5)
    r.occupation.code, r.hits[0].section    # ('243108', 'knowledge')
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import faiss
import numpy as np

from .catalog import Catalog
from .config import Settings, settings
from .distinct import distinct
from .embedder import Embedder
from .equivalents import expand as equivalents_expand
from .equivalents import words_like
from .intent import section_intent
from .records import SECTIONS, Passage
from .resolve import Candidate, Resolution, Resolver
from .sentences import cite
from .store import IndexVersion, open_index
from .text import (
    content_words,
    english_lemma,
    expand,
    fold,
    folded_lemma,
    language,
    lemma,
    name_words,
    polish_letters,
    stem_tokens,
)

if TYPE_CHECKING:  # scikit-learn and bm25s load with the first Searcher, not with every importer of this module
    from .signals import Lexical

MAX_QUESTION = 2000
MAX_K = 100
BM25_WEIGHT = 0.1  # share of the normalised BM25 score added to the cosine similarity
# Below this cosine (question vs passage, E5) no passage answers a specific question. Calibrated on
# bench/eval/answerable-dev.jsonl (bench/answer_bench.py): passages that answer score 0.81-0.91, the best
# passage for things no description mentions 0.76-0.82. The hybrid score cannot decide it: BM25 is
# normalised to the best lexical match, so any shared word ("prawo") earns the full bonus.
NO_ANSWER_BELOW = 0.825
# Short questions ("UDT") get inflated cosines (0.83 for "Wrzucanie ulotek do skrzynek"): a passage that
# shares no word with the question matches only when it is this close.
CLOSE_WITHOUT_WORDS = 0.86
# A Ukrainian or English question shares no word with a Polish passage, and its cosines run lower: answerable ones
# scored 0.77-0.84 on the cross-lingual lines of bench/eval/answerable-dev.jsonl, unanswerable ones 0.74-0.82. At
# 0.785, 8 of 10 are answered and 6 of 8 declined (at 0.86, none was answered: every one was a false decline).
CROSS_LINGUAL_BELOW = 0.785
# Below the thresholds above the two kinds overlap (on the same set, answerable 0.81-0.83, unanswerable 0.77-0.84).
# A passage that holds a word of the question's topic from NEAR_FROM on is shown as the closest the description
# comes, saying it does not answer directly: a decline there was wrong for answerable questions, and without a
# shared word the closest passages of unanswerable ones were unrelated ("nadgodziny" -> "dania gotowe"). Ukrainian
# and English questions share no word: in their band the unanswerable ones' closest passages were as often
# unrelated as not ("how to swim" -> "planować menu"), so they get no such band.
NEAR_FROM = 0.79
# A Ukrainian or English question is answered from CROSS_LINGUAL_BELOW, but up to this cosine the answerable and
# unanswerable ones of that set mix (answerable 0.79-0.81, unanswerable 0.79-0.82: "does a nurse repair cars?"):
# the passages are shown as the closest the description comes, not as its answer.
CROSS_LINGUAL_SURE = 0.82
# From this lexical score on, the resolver is likely to be confident: on the dev sets' 326 questions and job titles,
# this threshold guessed the ranking question right for 259 (`search_bench.py` prints it; a one-off script found
# 233 with 0.5 and 203 with 0.9).
LIKELY_CONFIDENT = 0.7


# Polish endings cut to compare a verb with its noun and unlemmatised forms ("karmić" / "karmienie", "plytek" /
# "płytka"), the longest that fits first; a word whose stem would be shorter than STEM letters stays whole, so
# "gotować" (to cook) is no "gotowy" (ready) and "prawo" no "prawny".
ENDINGS = tuple(sorted("""owanie ywanie iwanie ewanie ienie anie enie owac ywac iwac ewac ac ic yc ec ek ka ki ce ke
    ami ach owi ow om em a e i o u y""".split(), key=len, reverse=True))
STEM = 4
# A topic word this rare in the descriptions (passages holding its stem, of about 51,500) names one thing, and a
# passage of the occupation that holds it is about that thing ("misje" -> "Uczestniczenie w różnych misjach
# wojskowych", 16 passages hold "misj"), even when the cosine of the whole question stays in the band where
# answering and declining mix: it answers from RARE_FROM. Common words ("prawo" 1,034, "zmiana" 425, "klient"
# 1,432) keep the thresholds above. Words shorter than RARE_LETTERS are left out: short ones are the fillers a
# passage rarely holds ("dużo": 2 passages).
# A Ukrainian or English topic word that starts like a word of the passage, spelt alike ("documentation" and
# "dokumentacji", "метал" and "metali", "тексти" and "tekstów"), is the passage's topic: such a hit answers from
# COGNATE_FROM. On the cross-lingual lines of bench/eval/answerable-dev.jsonl it fired on 4 answerable questions
# (cosines 0.776-0.799, two of them declined without it) and none of the 16 unanswerable ones.
COGNATE_LETTERS = 5
COGNATE_FROM = 0.76
# Two topic words or more spelt alike ("restaurant"/"restauracji", "theatre"/"teatrów") say more than one: such a hit
# answers from COGNATES_FROM.
COGNATES_FROM = 0.74
# letters two spellings of one word differ by ("k"/"c", "w"/"v", "y"/"i"), mapped to one
COGNATE_SPELLING = (("ph", "f"), ("th", "t"), ("qu", "kw"), ("x", "ks"), ("w", "v"), ("k", "c"), ("y", "i"), ("j", "i"))
RARE_PASSAGES = 60
RARE_LETTERS = 5
RARE_FROM = 0.75


def shares_stem(topic: set[str], tokens: list[str] | tuple[str, ...]) -> bool:
    """Whether a passage's folded lemmas hold a topic word, as such or by its stem (``ENDINGS``): a verb and its noun
    lemmatise apart ("czy karmi pacjentów?" and "Pomoc w karmieniu osób chorych"), and a word typed without Polish
    letters is not lemmatised at all ("plytek")."""
    if topic.intersection(tokens):
        return True
    stems = {stem_of(w) for w in topic if len(w) > STEM}
    return bool(stems) and any(stem_of(w) in stems for w in tokens)


@lru_cache(maxsize=100_000)
def spelt_alike(word: str) -> str:
    """A word spelt so that its cognates in Polish, Ukrainian and English start alike (``COGNATE_SPELLING``)."""
    word = fold(polish_letters(word))
    for a, b in COGNATE_SPELLING:
        word = word.replace(a, b)
    return word


def cognates(topic: set[str], tokens: list[str] | tuple[str, ...]) -> int:
    """How many topic words (by their first COGNATE_LETTERS letters, spelt alike) start a word of the passage."""
    starts = {spelt_alike(w)[:COGNATE_LETTERS] for w in topic if len(w) >= COGNATE_LETTERS}
    return len(starts & {spelt_alike(w)[:COGNATE_LETTERS] for w in tokens if len(w) >= COGNATE_LETTERS})


@lru_cache(maxsize=100_000)
def stem_of(word: str) -> str:
    ending = next((e for e in ENDINGS if word.endswith(e)), "")
    return word[: len(word) - len(ending)] if ending and len(word) - len(ending) >= STEM else word


class QueryError(ValueError):
    """A question or option that cannot be searched; the message says why."""


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: Passage
    also: tuple[Passage, ...] = ()  # near-duplicates from other sources, shown once with this one (``distinct``)
    similarity: float = 0.0  # cosine of the question and the passage: how well it matches, whatever the ranking
    shares_words: bool = False  # the passage holds a lemma of the question's topic words
    shares_rare: bool = False  # ... and one of them is rare in the descriptions (``RARE_PASSAGES``)
    cross_lingual: bool = False  # the question is not Polish: no word to share
    cognate: bool = False  # ... yet a topic word of it is in the passage: spelt alike (``cognates``), a word
    # the glossary says is the same (``equivalents.words_like``), or a Polish word typed among others
    cognates: int = 0  # how many topic words are spelt alike in the passage (``cognates``)

    @property
    def match(self) -> str:
        """"strong" when the passage is close enough to answer a question, else "weak"."""
        cognate_from = COGNATES_FROM if self.cognates >= 2 else COGNATE_FROM
        below = ((cognate_from if self.cognate else CROSS_LINGUAL_BELOW) if self.cross_lingual
                 else RARE_FROM if self.shares_rare else NO_ANSWER_BELOW if self.shares_words else CLOSE_WITHOUT_WORDS)
        return "strong" if self.similarity >= below else "weak"

    @property
    def sure(self) -> bool:
        """Strong, and for a question in another language than the passages' clearly so."""
        return self.match == "strong" and (not self.cross_lingual or self.cognate
                                           or self.similarity >= CROSS_LINGUAL_SURE)

    @property
    def near(self) -> bool:
        """Close enough to show as the nearest the description comes to a question it does not answer."""
        return not self.cross_lingual and self.shares_words and self.similarity >= NEAR_FROM

    def to_json(self, lang: str = "pl") -> dict:
        """The hit as the API and ``doradca search --json`` give it; its source named in ``lang``."""
        p = self.passage
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "similarity": round(self.similarity, 4),
            "match": self.match,
            "passage_id": p.id,
            "occupation_code": p.occupation_code,
            "occupation_name": p.occupation_name,
            "section": p.section,
            "task_id": p.task_id,
            "competence_id": p.competence_id,
            "text": p.text,
            "source": cite(p.source, lang),
        }


@dataclass(frozen=True)
class SearchResult:
    question: str
    occupation: Candidate | None
    resolution: Resolution | None
    section: str | None  # the filter or the detected intent
    hits: list[Hit]
    topic: tuple[str, ...] = ()  # words asking about something specific ("spawać", "SEO")

    @property
    def answered(self) -> bool:
        """False when the question asks about something specific and no passage is close to it."""
        if not self.hits:
            return False
        return not self.topic or any(h.match == "strong" for h in self.hits)

    def to_json(self, lang: str = "pl") -> dict:
        return {
            "q": self.question,
            "occupation": self.occupation.to_json() if self.occupation else None,
            "hits": [h.to_json(lang) for h in self.hits],
        }


def strip_words(text: str, remove: tuple[str, ...]) -> str:
    """The text without the given words (and the "do spraw"/"ds." filler between them); '' if nothing is left."""
    out = expand(text)
    for w in remove:
        out = re.sub(rf"(?i)(?<!\w){re.escape(w)}(?:['’]s)?(?!\w)", " ", out)  # "driver's" with "driver"
    out = re.sub(r"(?i)\bdo spraw\b", " ", out)  # the filler of names like "specjalista do spraw ..."
    out = re.sub(r"\s+", " ", out).strip()
    return out if re.search(r"[^\W\d_]{2,}", out) else ""


# What opens a follow-up without adding to it ("a czy…", "— чи…", "and does…", left over when a name was cut out):
# E5 reads it as content, and it lowered the question's cosine to the passage that answers it by 0.02-0.04, the
# width of the band between answering and declining ("a jeździ na misje?" 0.768, "jeździ na misje?" 0.785).
OPENING = re.compile(r"(?i)^(?:[\W_]|\b(?:a|i|no|oraz|and|so|а|і|та|ну)\b)+(?=\w)")


def opening_trimmed(text: str) -> str:
    """The question without the particles and marks that open it; unchanged when nothing else is left."""
    return OPENING.sub("", text)


def check_question(q: object) -> str:
    if not isinstance(q, str):
        raise QueryError("the question must be text")
    q = q.strip()
    if not q:
        raise QueryError("the question is empty")
    if len(q) > MAX_QUESTION:
        raise QueryError(f"the question is too long ({len(q)} characters; at most {MAX_QUESTION})")
    if not re.search(r"[^\W_]", q):
        raise QueryError("the question has no words (only punctuation or symbols)")
    return q


def serving_threads() -> None:
    """One OpenMP thread per pool for the rest of the process (see ``Searcher.open``); call it after a ``Searcher``
    exists: the limit reaches the OpenMP libraries loaded by then (scikit-learn's come with the first one)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="openmp")  # for the process's lifetime (not used as a block)


class Searcher:
    """Holds the index, the model and BM25; answers questions. Create once, reuse."""

    def __init__(self, version: IndexVersion, embedder: Embedder) -> None:
        import bm25s

        from .classify import OccupationClassifier

        if version.manifest.get("dimension") != embedder.dim:
            raise ValueError("index dimension and model dimension differ")
        self.version, self.embedder = version, embedder
        self.passages = version.passages
        self.occupations = version.occupations
        official = {c: o["name"] for c, o in version.occupations.items()}
        self.resolver = Resolver(version.names, official)
        self.catalog = Catalog(version)
        self.rows_by_code = self.catalog.rows_by_code
        self.classifier = OccupationClassifier(version, self.encode, self.resolver,
                                               {c: self.catalog.of(c) for c in self.rows_by_code})
        self.section_of = np.array([SECTIONS.index(p.section) for p in self.passages], dtype=np.int16)
        self._cache: dict[str, Future[np.ndarray]] = {}
        self._cache_lock = threading.Lock()
        self._encoders = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")
        self._listings: dict[tuple[str, str], list[Hit]] = {}
        self._own: dict[str, frozenset[str]] = {}
        self.bm25 = bm25s.BM25()
        self.bm25.index(version.passage_tokens, show_progress=False)

    def encode(self, text: str) -> np.ndarray:
        """The query vector of a text, encoded on this thread unless it is cached or on its way (``encode_later``);
        the last few hundred are kept (follow-ups repeat the same question)."""
        with self._cache_lock:  # the web app calls this from FastAPI's thread pool
            found = self._cache.get(text)
        if found is not None:
            return found.result()
        vec = self._vector(text)
        done: Future[np.ndarray] = Future()
        done.set_result(vec)
        with self._cache_lock:
            self._keep(text, done)
        return vec

    def encode_later(self, text: str) -> Future[np.ndarray]:
        """The query vector of a text, encoded on a worker thread while the caller goes on (onnxruntime releases the
        GIL): a search encodes the question it ranks by there, on the other core, while it resolves the name."""
        with self._cache_lock:
            found = self._cache.get(text)
            if found is not None:
                return found
            found = self._encoders.submit(self._vector, text)
            self._keep(text, found)
        # outside the lock: a future already done runs the callback on this thread
        def forget_failed(f: Future[np.ndarray]) -> None:
            if f.exception() is not None:
                self._forget(text, f)

        found.add_done_callback(forget_failed)
        return found

    def _forget(self, text: str, failed: Future[np.ndarray]) -> None:
        """A failed encoding is not kept: the next call tries again."""
        with self._cache_lock:
            if self._cache.get(text) is failed:
                del self._cache[text]

    def _keep(self, text: str, vec: Future[np.ndarray]) -> None:
        """Cache a vector (to be), the oldest out beyond 512; the caller holds the lock."""
        self._cache[text] = vec
        if len(self._cache) > 512:
            self._cache.pop(next(iter(self._cache)))

    def _vector(self, text: str) -> np.ndarray:
        vec = self.embedder.queries([text])[0]
        vec.setflags(write=False)
        return vec

    @classmethod
    def open(cls, s: Settings | None = None) -> Searcher:
        """The serving searcher (servers, the CLI). Also limits the process's OpenMP pools to one thread: a serving
        process answers one question per call, and the two OpenMP threads scikit-learn's trees use per
        prediction spin while they wait for a core the other server holds: under load that cost ~8 ms of CPU per
        prediction instead of 0.6 (`bench/bot_bench.py` prints CPU per answer)."""
        s = s or settings()
        version = open_index(s.index_dir, s.model, s.embedding_backend)
        searcher = cls(version, Embedder(s.model, backend=s.embedding_backend))
        serving_threads()
        return searcher

    def resolve(self, text: str, k: int = 5, then_search: bool = False) -> Resolution:
        """The occupations a message names. ``then_search``: a search for the same message follows (``search``, the
        chat's answer), so the question it will most likely rank by (``likely_ranking_question``) is encoded
        meanwhile on the other core, while this thread encodes the message's name-like words for the resolver.
        (Reading the words on a third thread during the two encodings was slower: 2 cores.)"""
        text = check_question(text)
        lexical = self.resolver.lexical(text)
        if then_search:
            self.encode_later(self.likely_ranking_question(text, lexical))
        return self.classifier.resolve(text, k, lexical=lexical)

    def search(self, question: str, occupation: str | None = None, section: str | None = None,
               k: int = 10, resolve: bool = True) -> SearchResult:
        """Passages for a question; ``resolve=False`` searches all occupations without looking for a name."""
        q = check_question(question)
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
            raise QueryError(f"k must be a whole number from 1 to {MAX_K}")
        if section is not None and section not in SECTIONS:
            raise QueryError(f"unknown section {section!r}; one of: {', '.join(SECTIONS)}")
        if occupation is not None:
            occupation = str(occupation).strip()
            if not re.fullmatch(r"\d{6}", occupation):
                raise QueryError(f"occupation code must have 6 digits, got {occupation!r}")
            if occupation not in self.occupations:
                raise QueryError(f"unknown occupation code {occupation}")
        resolution, chosen, q_rank = None, None, q
        if occupation:
            chosen = Candidate(occupation, self.occupations[occupation]["name"], 1.0)
        elif resolve:
            resolution = self.resolve(q, then_search=True)
            if resolution.confident:
                chosen = resolution.best
                # Within one occupation its name says nothing: rank by the rest of the question,
                # so "księgowa" and "księgowy" (or any wording of the name) get the same passages.
                q_rank = self.ranking_question(q, resolution)
        q_rank = opening_trimmed(q_rank)
        qvec = self.encode(q_rank)
        intent = section or section_intent(q)
        rows = self._candidates(chosen.code if chosen else None, section)
        hits = self._rank(q_rank, qvec, rows, intent, k, self._own_words(chosen.code) if chosen else frozenset())
        topic = tuple(name_words(q_rank)) if (chosen is None or q_rank != chosen.name) else ()
        return SearchResult(q, chosen, resolution, intent, hits, topic)

    def ranking_question(self, question: str, resolution: Resolution | None) -> str:
        """The question without the words that named the resolved occupation (see ``search``)."""
        if resolution is None or not resolution.name_words or resolution.best is None:
            return question
        return self._without_name(question, resolution.name_words, resolution.best.code)

    def likely_ranking_question(self, question: str, lexical: Lexical) -> str:
        """``ranking_question`` as it will most likely be, from the words' matches (``lexical``) alone: the question
        without the words of its best match when that match is strong, else the whole question."""
        if not lexical:
            return question
        code, (score, row) = max(lexical.items(), key=lambda c: c[1][0])
        if score < LIKELY_CONFIDENT:
            return question
        return self._without_name(question, self.resolver.matched_words(question, row), code)

    def _without_name(self, question: str, name_words: tuple[str, ...], code: str) -> str:
        """The question without the words that named the occupation ``code``; its name when nothing else is left."""
        return strip_words(question, name_words) or self.occupations[code]["name"]

    def listing(self, code: str, section: str) -> list[Hit]:
        """An occupation's passages of one section in description order, each near-duplicate shown once (computed
        once per section: every answer and every "więcej" reads one). Callers must not change the list."""
        key = (code, section)
        found = self._listings.get(key)
        if found is None:
            found = distinct([Hit(i + 1, 1.0, p) for i, p in enumerate(self.catalog.section_passages(code, section))])
            self._listings[key] = found  # a race computes the same list twice, harmlessly
        return found

    def _candidates(self, code: str | None, section: str | None) -> np.ndarray | None:
        """Row ids to search, or None for the whole index."""
        rows = self.rows_by_code.get(code, np.zeros(0, np.int64)) if code else None
        if section is not None:
            sec = SECTIONS.index(section)
            rows = np.flatnonzero(self.section_of == sec) if rows is None else rows[self.section_of[rows] == sec]
        return rows

    def _own_words(self, code: str) -> frozenset[str]:
        """The folded lemmas of the words of an occupation's names (any language): every passage of it holds its
        name's words, so they share no topic with a question ("кондитери працюють вночі?" asks about nights)."""
        found = self._own.get(code)
        if found is None:
            names = [self.occupations[code]["name"], *self.classifier.names_of(code)]
            found = self._own[code] = frozenset(folded_lemma(w) for n in names for w in content_words(n))
        return found

    def _rank(self, q: str, qvec: np.ndarray, rows: np.ndarray | None, intent: str | None, k: int,
              own: frozenset[str] = frozenset()) -> list[Hit]:
        pool = max(200, k * 5)
        scores = self._dense(qvec, rows, pool)
        # BM25 re-weights the dense pool and may add a few lexical-only candidates
        for r, s in self._bm25(q, rows, pool).items():
            base = scores.get(r)
            if base is None:
                base = float(self.version.passage_index.reconstruct(int(r)) @ qvec)
            scores[r] = base + BM25_WEIGHT * s
        order = sorted(scores.items(),
                       key=lambda rs: (intent is not None and self.passages[rs[0]].section != intent, -rs[1]))
        top = np.array([r for r, _ in order[:k]], dtype=np.int64)
        sims = self.version.passage_index.reconstruct_batch(top) @ qvec if len(top) else np.zeros(0)
        cross = language(q) != "pl"
        # an English word by its English lemma too ("claws": the glossary's "claw", Polish "pazur")
        topic = {fold(lemma(w)) for w in name_words(q)} | ({english_lemma(w) for w in name_words(q) if w.isascii()}
                                                          if cross else set())
        rare = {w for w in topic if len(w) >= RARE_LETTERS and self._stem_passages[stem_of(w)] <= RARE_PASSAGES}
        tokens = self.version.passage_tokens
        # a word spelt like the occupation's own name ("оператор": every Operator's passage starts "Operator …")
        # is no cognate of its topic
        named = {spelt_alike(w)[:COGNATE_LETTERS] for w in own}
        foreign = {w.lower() for w in name_words(q) if folded_lemma(w.lower()) not in own
                   and spelt_alike(w.lower())[:COGNATE_LETTERS] not in named} if cross else set()
        # "kaloryfery" shares the topic of "grzejników", "вікна" of "okien"; the occupation's own names do not (a
        # Polish one the question kept still counts, as it always did)
        like = (topic - own if cross else topic) | (words_like(topic - own) - own)
        hits = []
        for i, ((r, score), sim) in enumerate(zip(order, sims)):
            shares = shares_stem(like, tokens[r])
            alike = cognates(foreign, tokens[r]) if foreign else 0
            hits.append(Hit(i + 1, score, self.passages[r], similarity=float(sim), shares_words=shares,
                            shares_rare=bool(rare) and shares_stem(rare, tokens[r]), cross_lingual=cross,
                            cognate=cross and (shares or alike > 0), cognates=alike))
        return hits

    @cached_property
    def _stem_passages(self) -> Counter[str]:
        """How many passages hold each stem (``stem_of``) of their lemmas: how rare a topic word is."""
        counts: Counter[str] = Counter()
        for tokens in self.version.passage_tokens:
            counts.update({stem_of(t) for t in tokens})
        return counts

    def _dense(self, qvec: np.ndarray, rows: np.ndarray | None, pool: int) -> dict[int, float]:
        index = self.version.passage_index
        params = None
        if rows is not None:
            if len(rows) == 0:
                return {}
            # faiss's SWIG constructors take the fields as keywords; its stubs do not say so
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))  # type: ignore[call-arg]
            pool = min(pool, len(rows))
        sims, ids = index.search(qvec.reshape(1, -1), pool, params=params)
        return {int(r): float(s) for s, r in zip(sims[0], ids[0]) if r >= 0}

    def _bm25(self, q: str, rows: np.ndarray | None, pool: int) -> dict[int, float]:
        if language(q) != "pl":
            return {}  # the descriptions are Polish: lexical overlap with other languages is noise
        tokens = [t for t in equivalents_expand(stem_tokens(q)) if t in self.bm25.vocab_dict]
        if not tokens:
            return {}
        all_scores = self.bm25.get_scores(tokens)
        if rows is not None:
            sub = all_scores[rows]
            top = rows[np.argsort(-sub)[:pool]]
        else:
            top = np.argpartition(-all_scores, min(pool, len(all_scores) - 1))[:pool]
        best = float(all_scores[top].max()) if len(top) else 0.0
        if best <= 0:
            return {}
        return {int(r): float(all_scores[r]) / best for r in top if all_scores[r] > 0}
