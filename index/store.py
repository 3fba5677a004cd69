"""Build, persist and load the vector index (faiss) with its manifest.

Layout of the index folder::

    current -> v-<time>-<ns>/         symlink swapped atomically when a build completes
    v-.../manifest.json               model, dimension, counts, input checksum, file checksums, build time
    v-.../passages.jsonl, passages.faiss
    v-.../names.jsonl, names.faiss    occupation names and synonyms, for resolution
    v-.../examples.jsonl, .faiss      expert-coded job ads (title vectors), for resolution
    v-.../vocabularies.joblib         TF-IDF vocabularies and vectors of names, titles and ads, fitted at build
    v-.../fusion.joblib               the resolver's fusion (scikit-learn), trained on examples and names at build
    v-.../statements.jsonl, .faiss    task and skill statements embedded bare (without the occupation's name)
    v-.../related.jsonl               each occupation's 20 related occupations, ranked at build (relatedness.py)

A rebuild re-embeds only texts whose embedding text changed: vectors of unchanged
texts are copied from the current version when it was built by the same model.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING

import faiss
import numpy as np
from threadpoolctl import threadpool_limits

from . import relatedness
from .corpus import Corpus, load_corpus
from .embedder import DEFAULT_BACKEND, Embedder, model_key
from .files import sha256_of
from .jobads import Example
from .kzis import bracketed_names, slash_alternatives
from .records import Name, Occupation, Passage, Source
from .resolve import Resolver
from .text import name_text, stem_tokens

if TYPE_CHECKING:  # the fusion and vocabularies need scikit-learn, imported where they are built or read: a
    # process that only reads a manifest (the supervisor of `doradca bot run`, for its banner) stays ~130 MB smaller
    from .fusion import FusionModel
    from .signals import Vocabularies

# 4: vectors stored as float16 (faiss scalar quantiser); coded ads without their descriptions;
# 5: sources stored as the catalog's keys with their values, date and file ({"key": "cite_kzis", ...}), not Polish text
FORMAT = 5
REBUILD = "doradca index build"


class IndexUnavailable(RuntimeError):
    """No usable index: missing, damaged or built by another model. The message names the command that fixes it."""


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def occupation_names(corpus: Corpus) -> list[Name]:
    out = []
    for occ in corpus.occupations.values():
        out.append(Name(occ.code, occ.name, "official"))
        known = {occ.name.lower(), *(n.lower() for n in occ.names)}
        out.extend(Name(occ.code, n, "synonym") for n in sorted(occ.names) if n.lower() != occ.name.lower())
        # "Opiekunka w żłobku / klubie dziecięcym" is also named "opiekunka w żłobku", with all its words, and
        # "Asystent osobisty (concierge)" "concierge"
        others = dict.fromkeys(n for n in [*slash_alternatives(occ.name), *bracketed_names(occ.name)]
                               if n.lower() not in known)
        out.extend(Name(occ.code, n, "synonym") for n in others)
    return out


def name_embed_text(name: Name) -> str:
    return name.text


def example_embed_text(example: Example) -> str:
    """Titles are compared with titles and messages: embedded as queries, from their name-like words."""
    return name_text(example.title)


def occupation_texts(passages: list[Passage]) -> dict[str, str]:
    """Each occupation's official wording (summary, tasks, skills), which a job ad's description echoes."""
    out: dict[str, list[str]] = {}
    for p in passages:
        if p.section in ("overview", "task", "esco_skill", "skill", "knowledge"):
            out.setdefault(p.occupation_code, []).append(p.text)
    return {code: " ".join(texts) for code, texts in out.items()}


@dataclass
class BuildReport:
    path: Path
    passages: int
    names: int
    embedded: int
    reused: int
    seconds: float
    up_to_date: bool
    problems: list[str]
    fusion_reused: bool = False  # the resolver's fusion was copied: its training inputs had not changed


KEEP_VERSIONS = 2  # the new version and the one before it, which a process may still be loading


def build(folders: list[Path], index_dir: Path, model: str, force: bool = False, progress: bool = True,
          embedder: Embedder | None = None, backend: str = DEFAULT_BACKEND) -> BuildReport:
    """Build the index over the corpus folders unless the current one is up to date. Builds of one index folder take
    turns (a file lock), so two never delete each other's versions."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".build.lock").open("w") as lock, threadpool_limits(1):
        # BLAS and OpenMP on one thread (onnxruntime keeps its own): large float32 products summed by a machine's
        # number of threads gave another fusion and other related occupations from the same vectors (two builds
        # here, 1 and 2 threads); with one thread a build took 814 s against 800 s on this busy machine
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build(folders, index_dir, model, force, progress, embedder or backend)


def _build(folders: list[Path], index_dir: Path, model: str, force: bool, progress: bool,
           embedder: Embedder | str) -> BuildReport:
    """``embedder``: a loaded one, or the backend to load the model with when the index is not up to date."""
    from .signals import Vocabularies

    start = time.perf_counter()
    corpus = load_corpus(folders)
    checksum = corpus.checksum()
    key = model_key(model, embedder) if isinstance(embedder, str) else embedder.key
    current = index_dir / "current"
    old = _read_manifest(current) if current.exists() else None
    passages, names, examples = corpus.passages, occupation_names(corpus), corpus.examples
    fusion_key = _fusion_key(key, names, examples)  # also changes with the code of the fusion's features
    if (old and not force and old.get("format") == FORMAT and old.get("model_key") == key
            and old.get("inputs_checksum") == checksum and old.get("fusion_key") == fusion_key
            and old.get("related_key") == relatedness.code_key()):
        return BuildReport(current.resolve(), old["passage_count"], old["name_count"], 0, 0,
                           time.perf_counter() - start, True, corpus.problems)
    if isinstance(embedder, str):
        embedder = Embedder(model, backend=embedder)
    reuse = _reusable(current, key) if old else {}
    p_vecs, p_new = _vectors(embedder, [p.embed_text() for p in passages], reuse, "passages", progress)
    n_vecs, n_new = _vectors(embedder, [name_embed_text(n) for n in names], reuse, "names", progress)
    e_vecs, e_new = _vectors(embedder, [example_embed_text(e) for e in examples], reuse, "examples", progress,
                             query=True)
    statements = relatedness.statement_texts(passages)
    related_start = time.perf_counter()  # embedding the bare statements is part of the related occupations' cost
    s_vecs, s_new = _vectors(embedder, statements, reuse, relatedness.VECTORS, progress)
    related_seconds = time.perf_counter() - related_start
    vocab = Vocabularies.fit(names, examples, occupation_texts(passages))
    fusion = None if force or not old or old.get("fusion_key") != fusion_key else _reusable_fusion(current, old)
    reused_fusion = fusion is not None
    fusion = fusion or train_fusion(corpus, names, n_vecs, e_vecs, p_vecs, vocab, embedder)

    arrays = {"passages": p_vecs, "names": n_vecs, "examples": e_vecs, relatedness.VECTORS: s_vecs}
    counts = {"embedded": p_new + n_new + e_new, "fusion_key": fusion_key, "fusion_reused": reused_fusion,
              "related_key": relatedness.code_key(), "statements_embedded": s_new,
              "related_seconds": round(related_seconds, 1)}
    version = _write_version(index_dir, corpus, names, arrays, vocab, fusion, embedder, key, checksum, counts,
                             statements, progress, start)
    _swap(current, version)
    _prune(index_dir, keep=version)
    embedded = p_new + n_new + e_new
    total = len(passages) + len(names) + len(examples)
    return BuildReport(version, len(passages), len(names), embedded, total - embedded,
                       time.perf_counter() - start, False, corpus.problems, reused_fusion)


def _write_version(index_dir: Path, corpus: Corpus, names: list[Name], arrays: dict[str, np.ndarray],
                   vocab: Vocabularies, fusion: FusionModel, embedder: Embedder, key: str, checksum: str,
                   counts: dict[str, object], statements: list[str], progress: bool, start: float) -> Path:
    """Write a complete version beside the others and fsync it; only then does it get its final name.
    ``statements``: the texts of ``arrays["statements"]``; ``start``: when the build began."""
    passages, examples = corpus.passages, corpus.examples
    work = index_dir / f".tmp-{os.getpid()}-{time.time_ns()}"
    work.mkdir()
    try:
        _write_jsonl(work / "passages.jsonl", (
            {**p.to_json(), "h": _sha(p.embed_text()), "t": stem_tokens(p.embed_text())} for p in passages))
        _write_jsonl(work / "names.jsonl",
                     ({"code": n.code, "text": n.text, "kind": n.kind, "h": _sha(name_embed_text(n))} for n in names))
        _write_jsonl(work / "occupations.jsonl", (_occupation_json(o, corpus) for o in corpus.occupations.values()))
        # the ads' descriptions serve only the build (vocabularies, fusion), which reads them from the corpus
        _write_jsonl(work / "examples.jsonl", ({"id": e.id, "title": e.title, "code": e.code,
                                                 "h": _sha(QUERY + example_embed_text(e))} for e in examples))
        _write_jsonl(work / f"{relatedness.VECTORS}.jsonl", ({"h": _sha(t)} for t in statements))
        seconds = relatedness.build(passages, statements, arrays[relatedness.VECTORS], work, progress)
        related = round(float(counts["related_seconds"]) + seconds, 1)  # type: ignore[arg-type]
        counts = {**counts, "related_seconds": related, "build_seconds": round(time.perf_counter() - start, 1)}
        vocab.save(work / "vocabularies.joblib")
        fusion.save(work / "fusion.joblib")
        for kind, vecs in arrays.items():
            _write_faiss(work / f"{kind}.faiss", vecs)
        files = {f.name: sha256_of(f) for f in sorted(work.iterdir())}
        manifest = {
            "format": FORMAT,
            "model": embedder.name,
            "model_key": key,
            "dimension": embedder.dim,
            "passage_count": len(passages),
            "name_count": len(names),
            "occupation_count": len(corpus.occupations),
            "example_count": len(examples),
            "inputs_checksum": checksum,
            "inputs": sorted(str(f) for f in corpus.files),
            "problems": corpus.problems,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            **counts,
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        _fsync_tree(work)  # on disk before anyone can see it
        version = index_dir / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
        work.rename(version)
        _fsync_dir(index_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return version


def _occupation_json(o: Occupation, corpus: Corpus) -> dict:
    return {
        "code": o.code,
        "name": o.name,
        "synonyms": sorted(o.names),
        "group": o.group,
        "group_name": corpus.groups.get(o.group or ""),
        "competences": [{"id": c.id, "name": c.name, "tasks": c.task_ids} for c in o.competences],
        "sources": [s.to_json() for s in sorted(o.sources, key=_source_order)],
    }


def _source_order(s: Source) -> tuple:
    return s.key, s.values, s.date or "", s.file or ""


def train_fusion(corpus: Corpus, names: list[Name], n_vecs: np.ndarray, e_vecs: np.ndarray, p_vecs: np.ndarray,
                 vocab: Vocabularies, embedder: Embedder) -> FusionModel:
    """Fit the resolver's fusion on the coded examples (each scored with itself left out) and the names
    (``p_vecs``: the vectors of ``corpus.passages``, in that order)."""
    from .fusion import train
    from .signals import Signals

    official = {c: o.name for c, o in corpus.occupations.items()}
    # Exact float32 search here: scoring the ~17,000 training texts against float16 vectors took ~17 s of a
    # profile, against float32 (BLAS, many queries at once) ~6 s; the servers' float16 scores differ by < 1e-4.
    resolver = Resolver(names, official)
    signals = Signals(names, exact_index(n_vecs), corpus.examples, exact_index(e_vecs), resolver, vocab,
                      exact_index(p_vecs), [p.occupation_code for p in corpus.passages])
    return train(signals, e_vecs, embedder.queries, corpus.glossary)


# The modules whose code computes the fusion's features: a change to them makes a trained fusion unusable.
FUSION_CODE = ("fusion.py", "signals.py", "resolve.py", "text.py", "jobads.py")  # jobads: the repost groups


def _fusion_key(model: str, names: list[Name], examples: list[Example]) -> str:
    """What the fusion is trained on: the model, the names, the coded ads and the code of the features.

    Passages are not part of it. They enter the fusion through the ``passage_dense`` signal and the ``desc_words``
    signal of whole ads; both are computed from the current version's passages (the vocabularies are refitted on
    every build), so the signals' values always come from the current texts.
    A fusion trained before a few descriptions changed is kept, which keeps such rebuilds short;
    ``doradca index build --force`` retrains it.
    """
    h = hashlib.sha256(model.encode())
    for f in FUSION_CODE:
        h.update((Path(__file__).parent / f).read_bytes())
    for n in names:
        h.update(json.dumps([n.code, n.text, n.kind], ensure_ascii=False).encode())
    for e in examples:
        h.update(json.dumps([e.id, e.title, e.description, e.code], ensure_ascii=False).encode())
    return h.hexdigest()


def _reusable_fusion(current: Path, manifest: dict) -> FusionModel | None:
    """The current version's fusion, if its file is intact (``manifest``: that version's, read already)."""
    from .fusion import FusionModel

    f = current / "fusion.joblib"
    if not f.exists() or sha256_of(f) != manifest.get("files", {}).get(f.name):
        return None
    try:
        return FusionModel.load(f)
    except (OSError, ValueError, EOFError, AttributeError, ModuleNotFoundError):
        return None


QUERY = "query: "  # hash prefix of texts embedded as queries, so they never reuse a passage vector


def _vectors(embedder: Embedder, texts: list[str], reuse: dict[str, np.ndarray], what: str,
             progress: bool, query: bool = False) -> tuple[np.ndarray, int]:
    """Vectors of ``texts``: reused by hash, else embedded, each distinct text once (job-ad titles repeat)."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    prefix = QUERY if query else ""
    for i, t in enumerate(texts):
        v = reuse.get(_sha(prefix + t))
        if v is None:
            missing.setdefault(t, []).append(i)
        else:
            out[i] = v
    todo = list(missing)
    if todo:  # one call: the embedder batches all of them by length
        label = f"embedding {what}" if progress else None
        vecs = embedder.queries(todo, label) if query else embedder.passages(todo, label)
        for t, v in zip(todo, vecs):
            out[missing[t]] = v
    # As stored (float16): the build then computes from new vectors what it computes from reused ones, so the
    # fusion and the related occupations do not depend on whether the previous version held the texts.
    return out.astype(np.float16).astype(np.float32), len(todo)


def _reusable(current: Path, key: str) -> dict[str, np.ndarray]:
    """Vectors of the current version by text hash, if the same model built it and its files are intact.

    Read file by file rather than through ``open_version``, so that vectors survive a change of the
    index format (a new file kind) as long as the model is the same.
    """
    manifest = _read_manifest(current)
    if not manifest or manifest.get("model_key") != key:
        return {}
    out: dict[str, np.ndarray] = {}
    for kind in ("passages", "names", "examples", relatedness.VECTORS):
        rows, vecs = current / f"{kind}.jsonl", current / f"{kind}.faiss"
        sha = manifest.get("files", {})
        if not rows.exists() or not vecs.exists() or any(sha256_of(f) != sha.get(f.name) for f in (rows, vecs)):
            continue
        try:
            hashes = [json.loads(x)["h"] for x in rows.read_text(encoding="utf-8").splitlines()]
            index = faiss.read_index(str(vecs))
        except (OSError, ValueError, KeyError, RuntimeError):
            continue
        if index.ntotal == len(hashes):
            out.update(zip(hashes, index.reconstruct_n(0, index.ntotal)))
    return out


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")  # fsynced with the whole version (_fsync_tree)


def vector_index(vecs: np.ndarray) -> faiss.Index:
    """Exhaustive inner-product search over the vectors stored as float16: half the memory of float32 and, since
    a search reads every vector, about twice as fast; scores differ by < 1e-4 (``bench/search_bench.py``)."""
    index = faiss.IndexScalarQuantizer(vecs.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    index.add(np.ascontiguousarray(vecs, dtype=np.float32))
    return index


def exact_index(vecs: np.ndarray) -> faiss.Index:
    """Exhaustive inner-product search over float32 vectors: the reference ``vector_index`` is measured against."""
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(np.ascontiguousarray(vecs, dtype=np.float32))
    return index


def _write_faiss(path: Path, vecs: np.ndarray) -> None:
    faiss.write_index(vector_index(vecs), str(path))


def _swap(link: Path, target: Path) -> None:
    tmp = link.with_name(f".current-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target.name)
    os.replace(tmp, link)  # atomic: readers see the old or the new version, never a mix
    _fsync_dir(link.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for f in folder.iterdir():
        with f.open("rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(folder)


def _prune(index_dir: Path, keep: Path) -> None:
    """Delete all but the newest versions: ``keep`` and the one before it stay, since a server that resolved
    ``current`` just before the swap may still be reading the previous one."""
    versions = sorted((v for v in index_dir.glob("v-*") if v != keep), key=lambda v: v.name)
    for old in versions[: max(0, len(versions) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for tmp in index_dir.glob(".tmp-*"):
        # leftovers of interrupted builds; a running build's folder is younger than a day
        if time.time() - tmp.stat().st_mtime > 86400:
            shutil.rmtree(tmp, ignore_errors=True)


def _read_manifest(version: Path) -> dict | None:
    try:
        return json.loads((version / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


@dataclass
class IndexVersion:
    path: Path
    manifest: dict
    passages: list[Passage]
    passage_tokens: list[tuple[str, ...]]  # BM25 tokens, computed at build time to keep start-up short
    passage_index: faiss.Index
    names: list[Name]
    name_index: faiss.Index
    occupations: dict[str, dict]
    examples: list[Example]  # titles and codes (the descriptions stay in the corpus: only the build reads them)
    example_index: faiss.Index
    vocabularies: Vocabularies
    fusion: FusionModel


def open_version(path: Path, key: str | None) -> IndexVersion:
    """Open and verify an index version; raises IndexUnavailable naming the rebuild command."""
    from .fusion import FusionModel
    from .signals import Vocabularies

    if not (path / "manifest.json").exists():
        raise IndexUnavailable(f"no index at {path}: run `{REBUILD}` (or `make setup`)")
    manifest = _read_manifest(path)
    if manifest is None or manifest.get("format") != FORMAT:
        raise IndexUnavailable(f"index at {path} is unreadable or from another version: run `{REBUILD}`")
    if key is not None and manifest.get("model_key") != key:
        raise IndexUnavailable(
            f"index at {path} was built by model {manifest.get('model_key')}, but the configured model is {key} "
            f"(DORADCA_MODEL, DORADCA_EMBEDDING_BACKEND): run `{REBUILD}`"
        )
    for name, sha in manifest.get("files", {}).items():
        f = path / name
        if not f.exists() or sha256_of(f) != sha:
            raise IndexUnavailable(f"index file {f} is missing or damaged: run `{REBUILD} --force`")
    try:
        passages, tokens = _read_passages(path / "passages.jsonl")
        n_rows = [json.loads(x) for x in (path / "names.jsonl").read_text(encoding="utf-8").splitlines()]
        occ = {r["code"]: r for r in map(json.loads,
                                         (path / "occupations.jsonl").read_text(encoding="utf-8").splitlines())}
        p_index = faiss.read_index(str(path / "passages.faiss"))
        n_index = faiss.read_index(str(path / "names.faiss"))
        e_rows = [json.loads(x) for x in (path / "examples.jsonl").read_text(encoding="utf-8").splitlines()]
        e_index = faiss.read_index(str(path / "examples.faiss"))
        vocab = Vocabularies.load(path / "vocabularies.joblib")
        fusion = FusionModel.load(path / "fusion.joblib")
    except (OSError, ValueError, RuntimeError, EOFError, AttributeError, ModuleNotFoundError) as e:
        raise IndexUnavailable(f"index at {path} cannot be read ({e}): run `{REBUILD} --force`") from e
    if p_index.ntotal != len(passages) or n_index.ntotal != len(n_rows) or e_index.ntotal != len(e_rows):
        raise IndexUnavailable(f"index at {path} is inconsistent: run `{REBUILD} --force`")
    names = [Name(r["code"], r["text"], r["kind"]) for r in n_rows]
    examples = [Example(r["id"], r["title"], "", r["code"]) for r in e_rows]  # descriptions: build only
    return IndexVersion(path, manifest, passages, tokens, p_index, names, n_index, occ, examples, e_index, vocab,
                        fusion)


def _read_passages(path: Path) -> tuple[list[Passage], list[tuple[str, ...]]]:
    """Passages and their BM25 tokens, row by row. Repeated strings (tokens, occupation names, sections) are
    interned: a server holds each once instead of once per passage (~230 -> ~60 MB for the full corpus)."""
    sources: dict[Source, Source] = {}  # each source once, however many passages cite it
    passages, tokens = [], []
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            source = Source.from_json(r["source"])
            passages.append(Passage(r["id"], r["occupation_code"], intern(r["occupation_name"]), intern(r["section"]),
                                    r["text"], sources.setdefault(source, source), r.get("task_id"),
                                    r.get("competence_id")))
            tokens.append(tuple(map(intern, r["t"])))
    return passages, tokens


KZIS_OCCUPATIONS = 2912  # occupations in the KZiS classification: fewer loaded means the corpus is missing
FETCH_HINT = ("run `doradca corpus fetch` and `doradca index build` (or set DORADCA_CORPUS to a corpus folder, "
              "e.g. ../shared/corpus)")


def summary(manifest: dict) -> str:
    """One line on what an index holds and where it came from, for start-up banners and build reports."""
    inputs = manifest.get("inputs", [])
    folders = sorted({str(Path(f).parent) for f in inputs})
    line = (f"{manifest.get('occupation_count', 0):,} occupations, {manifest.get('passage_count', 0):,} passages, "
            f"{manifest.get('name_count', 0):,} names, {manifest.get('example_count', 0):,} coded job ads "
            f"from {len(inputs)} file(s) in {', '.join(folders) or 'nothing'}")
    if manifest.get("occupation_count", 0) < KZIS_OCCUPATIONS:
        line += (f"\nonly the built-in descriptions are loaded, not the {KZIS_OCCUPATIONS:,} KZiS occupations: "
                 f"{FETCH_HINT}")
    return line


def open_index(index_dir: Path, model: str, backend: str = DEFAULT_BACKEND) -> IndexVersion:
    """Open the current index, checking it was built by the configured model. ``current`` is resolved once, so every
    file comes from the same version even when a build swaps it meanwhile."""
    return open_version((index_dir / "current").resolve(), model_key(model, backend))
