"""Index build, manifest, incremental rebuild, refusal of stale or damaged indexes, atomic swaps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.config import ROOT
from index.sentences import SENTENCES, cite
from index.store import FORMAT, IndexUnavailable, build, open_index, open_version, summary

from .conftest import copy_tree
from .test_kzis import _mini_corpus

SEED = ROOT / "data" / "243108.txt"


def test_manifest_records_model_counts_and_checksums(data_index: Path, embedder):
    m = json.loads((data_index / "current" / "manifest.json").read_text())
    assert m["model"] == embedder.name and m["model_key"] == embedder.key
    assert m["dimension"] == 384
    assert m["passage_count"] == 129 and m["occupation_count"] == 1
    assert len(m["inputs_checksum"]) == 64 and m["built_at"]
    assert set(m["files"]) == {"passages.jsonl", "passages.faiss", "names.jsonl", "names.faiss", "occupations.jsonl",
                               "examples.jsonl", "examples.faiss", "vocabularies.joblib", "fusion.joblib",
                               "statements.jsonl", "statements.faiss", "related.jsonl"}  # related occupations
    version = open_index(data_index, embedder.name)
    assert version.passage_index.ntotal == 129
    assert version.passages[0].id == "243108/task/Z1"


def test_unchanged_inputs_are_up_to_date(data_index: Path, embedder):
    before = (data_index / "current").resolve()
    report = build([ROOT / "data"], data_index, embedder.name, progress=False, embedder=embedder)
    assert report.up_to_date and report.embedded == 0
    assert (data_index / "current").resolve() == before


def test_rebuild_after_one_change_embeds_only_what_changed(tmp_path: Path, data_index: Path, embedder):
    index_dir = copy_tree(data_index, tmp_path / "index")
    data = copy_tree(ROOT / "data", tmp_path / "data")
    text = SEED.read_text(encoding="utf-8").replace("Zarządzać budżetem reklamowym;", "Zarządzać budżetem kampanii;")
    (data / "243108.txt").write_text(text, encoding="utf-8")
    report = build([data], index_dir, embedder.name, progress=False, embedder=embedder)
    assert not report.up_to_date
    assert report.embedded == 1 and report.reused == 135  # 129 passages + 7 names, one passage changed
    assert report.fusion_reused  # names and coded ads are the same: the resolver's fusion is kept, not retrained
    old_version, new_version = sorted(index_dir.glob("v-*"))
    assert (new_version / "fusion.joblib").read_bytes() == (old_version / "fusion.joblib").read_bytes()
    version = open_index(index_dir, embedder.name)
    changed = next(i for i, p in enumerate(version.passages) if p.text == "Zarządzać budżetem kampanii")
    fresh = embedder.passages([version.passages[changed].embed_text()])[0]
    assert float(version.passage_index.reconstruct(changed) @ fresh) > 0.999
    assert len(list(index_dir.glob("v-*"))) == 2  # the new one and the one before it (a server may be loading it)


def test_changed_names_or_force_retrain_the_fusion(tmp_path: Path, data_index: Path, embedder):
    index_dir = copy_tree(data_index, tmp_path / "index")
    data = copy_tree(ROOT / "data", tmp_path / "data")
    glossary = data / "names" / "uk-en-names.csv"
    glossary.write_text(glossary.read_text(encoding="utf-8")
                        + "243108,Specjalista do spraw mediów interaktywnych,,interactive media person\n",
                        encoding="utf-8")
    report = build([data], index_dir, embedder.name, progress=False, embedder=embedder)
    assert not report.up_to_date and not report.fusion_reused
    report = build([data], index_dir, embedder.name, force=True, progress=False, embedder=embedder)
    assert not report.fusion_reused and report.embedded == 0


def test_new_code_of_the_fusion_features_retrains_it(tmp_path: Path, data_index: Path, embedder,
                                                     monkeypatch: pytest.MonkeyPatch):
    from index import store

    index_dir = copy_tree(data_index, tmp_path / "index")
    monkeypatch.setattr(store, "FUSION_CODE", (*store.FUSION_CODE, "records.py"))  # as if that code had changed
    report = build([ROOT / "data"], index_dir, embedder.name, progress=False, embedder=embedder)
    assert not report.up_to_date and not report.fusion_reused and report.embedded == 0


def test_index_of_another_model_is_refused(data_index: Path):
    with pytest.raises(IndexUnavailable,
                       match=r"built by model .* configured model is other-model\+onnx-int8 \(DORADCA_MODEL, "
                                                 r"DORADCA_EMBEDDING_BACKEND\): run `doradca index build`"):
        open_index(data_index, "other-model")


def test_index_of_an_older_format_is_refused_naming_the_build(tmp_path: Path, data_index: Path, embedder):
    index_dir = copy_tree(data_index, tmp_path / "index")
    manifest = index_dir / "current" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": FORMAT - 1}))
    with pytest.raises(IndexUnavailable, match=r"from another version: run `doradca index build`"):
        open_index(index_dir, embedder.name)


def test_the_index_stores_sources_as_catalog_keys_not_polish_sentences(tmp_path: Path, embedder):
    """Each passage and occupation holds its sources' keys with their values, date and file; the Polish citation
    is made only when a reader sees it, the same text as the answers always showed."""
    index_dir = tmp_path / "index"
    build([ROOT / "data", _mini_corpus(tmp_path / "corpus")], index_dir, embedder.name, progress=False,
          embedder=embedder)
    stored = {name: (index_dir / "current" / name).read_text(encoding="utf-8")
              for name in ("passages.jsonl", "occupations.jsonl")}
    for name, rows in stored.items():
        for sentence in ("Opisy zawodów KZiS", "MRiPS", "MRPiPS", "Unia Europejska", "umiejętności zawodu ESCO"):
            assert sentence not in rows, f"{name} holds the citation text {sentence!r}"
    rows = [json.loads(line) for line in stored["passages.jsonl"].splitlines()]
    sources = {json.dumps(r["source"], ensure_ascii=False, sort_keys=True) for r in rows}
    assert sources == {
        '{"file": "243108.txt", "key": "cite_infodoradca"}',
        '{"date": "2024-07-10", "file": "kzis-dictionary-2024-07-10.csv", "key": "cite_kzis"}',
        '{"file": "esco-kzis-selected.csv", "key": "cite_esco_skills", "values": {"name": "kucharz"}}',
    }
    assert all(json.loads(s)["key"] in SENTENCES for s in sources)
    cook = next(json.loads(line) for line in stored["occupations.jsonl"].splitlines() if '"512001"' in line)
    assert [s["key"] for s in cook["sources"]] == ["cite_esco_skills", "cite_kzis"]

    version = open_index(index_dir, embedder.name)  # read back: the same Source objects the parsers made
    cited = {p.occupation_code: cite(p.source, "pl") for p in version.passages if p.section == "overview"}
    assert cited == {"512001": "Opisy zawodów KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)"}
    by_source = {cite(p.source, "pl") for p in version.passages if p.occupation_code == "243108"}
    assert by_source == {"INFOdoradca+, MRPiPS / psz.praca.gov.pl"}
    esco = {cite(p.source, "uk") for p in version.passages if p.section == "esco_skill"}
    assert esco == {"ESCO (PL): навички професії ESCO „kucharz”, © Європейський Союз"}
    assert len({id(p.source) for p in version.passages}) == 3  # one object per source, not per passage


def test_missing_index_names_the_command(tmp_path: Path, embedder):
    with pytest.raises(IndexUnavailable, match=r"no index at .*run `doradca index build`"):
        open_index(tmp_path, embedder.name)


@pytest.mark.parametrize("victim", ["passages.faiss", "passages.jsonl", "names.faiss"])
def test_damaged_index_is_refused(tmp_path: Path, data_index: Path, embedder, victim: str):
    index_dir = copy_tree(data_index, tmp_path / "index")
    f = (index_dir / "current").resolve() / victim
    raw = bytearray(f.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    f.write_bytes(bytes(raw))
    with pytest.raises(IndexUnavailable, match=f"{victim} is missing or damaged: run `doradca index build --force`"):
        open_index(index_dir, embedder.name)


def test_interrupted_build_leaves_the_current_index_in_use(tmp_path: Path, data_index: Path, embedder):
    index_dir = copy_tree(data_index, tmp_path / "index")
    before = (index_dir / "current").resolve()

    class Crashing:
        """The real embedder, failing after the first batch, as an interrupted build would."""

        name, key, dim = embedder.name, embedder.key, embedder.dim

        def passages(self, texts, progress=False):
            raise KeyboardInterrupt

    data = tmp_path / "data"
    data.mkdir()
    (data / "243108.txt").write_text(SEED.read_text(encoding="utf-8").replace("Zarządzać", "Planować"),
                                     encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build([data], index_dir, embedder.name, progress=False, embedder=Crashing())  # type: ignore[arg-type]
    assert (index_dir / "current").resolve() == before
    assert open_version(index_dir / "current", embedder.key).passage_index.ntotal == 129
    assert not list(index_dir.glob(".tmp-*"))


def test_crash_while_writing_removes_the_half_written_version(tmp_path: Path, data_index: Path, embedder, monkeypatch):
    from index import store

    index_dir = copy_tree(data_index, tmp_path / "index")
    before = (index_dir / "current").resolve()

    def broken_write(path, vecs):
        (path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(store, "_write_faiss", broken_write)
    with pytest.raises(OSError, match="disk full"):
        build([ROOT / "data"], index_dir, embedder.name, force=True, progress=False, embedder=embedder)
    assert (index_dir / "current").resolve() == before
    assert not list(index_dir.glob(".tmp-*"))
    assert np.isclose(open_index(index_dir, embedder.name).passage_index.ntotal, 129)


def test_a_reader_keeps_its_version_while_builds_replace_it(tmp_path: Path, data_index: Path, embedder):
    """A server that resolved `current` just before a swap can still read every file of that version; two builds
    at once take turns (file lock) and never delete each other's versions; older versions go."""
    from concurrent.futures import ThreadPoolExecutor

    index_dir = copy_tree(data_index, tmp_path / "index")
    loading = (index_dir / "current").resolve()  # what a starting server resolved
    build([ROOT / "data"], index_dir, embedder.name, force=True, progress=False, embedder=embedder)
    assert (index_dir / "current").resolve() != loading
    assert open_version(loading, embedder.key).passage_index.ntotal == 129  # still whole for that server
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: build([ROOT / "data"], index_dir, embedder.name, force=True, progress=False,
                                                embedder=embedder), range(2)))
    versions = sorted(index_dir.glob("v-*"))
    assert sorted(r.path for r in reports) == versions  # both builds' versions survive each other
    assert (index_dir / "current").resolve() == versions[-1] and not loading.exists()
    assert open_index(index_dir, embedder.name).passage_index.ntotal == 129


def test_the_summary_says_when_only_the_built_in_description_is_loaded(data_index: Path):
    manifest = open_version((data_index / "current").resolve(), None).manifest
    text = summary(manifest)
    assert text.startswith("1 occupations, 129 passages, ")
    assert "only the built-in descriptions are loaded, not the 2,912 KZiS occupations" in text
    assert "DORADCA_CORPUS" in text and "doradca index build" in text
    assert "only the built-in" not in summary({**manifest, "occupation_count": 2913})


def test_the_knowledge_core_imports_nothing_from_the_layers_that_serve_it():
    """index/ (sources → records → passages → index → search → answers) never reaches up into the application shell,
    the bot, the actions or the web app: they depend on it, not the other way round."""
    import ast

    upward = {"services", "bot", "actions", "web"}
    found = []
    for path in sorted((ROOT / "index").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in upward]
    assert found == []
