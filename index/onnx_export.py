"""Export the rebuilt sentence-transformers model to ONNX (fp32 and int8), once at setup time.

optimum cannot be installed beside the pinned transformers 5 (it needs transformers<4.58), so the export uses
torch's own ONNX exporter and onnxruntime's dynamic quantisation, the two established tools that work here. The graph
includes E5's mean pooling and L2 normalisation, so serving needs only onnxruntime and the tokenizer (no torch).

Example::

    export(Path("models/multilingual-e5-small"))   # -> onnx/model.onnx, onnx/model_qint8.onnx
"""

from __future__ import annotations

from pathlib import Path

ONNX_DIR = "onnx"
FILES = {"onnx": "model.onnx", "onnx-int8": "model_qint8.onnx"}
TOKENIZER = "tokenizer.model"  # the same unigram pieces for sentencepiece: ~60 MB in memory instead of ~290 MB
NORMALIZER = "normalizer.json"  # the model's text normalisation, as a tokenizers pipeline without the vocabulary


def onnx_path(model_dir: Path, backend: str) -> Path:
    return model_dir / ONNX_DIR / FILES[backend]


def export(model_dir: Path) -> list[Path]:
    """Write both ONNX files and the tokenizer files next to the model (replacing older ones); returns their paths."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(model_dir)).eval()

    class Pooled(torch.nn.Module):
        """The encoder with E5's pooling: the mean of the token vectors under the mask, unit length."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            # keyword arguments: positional ones collide with use_cache in transformers 5
            tokens = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    out_dir = model_dir / ONNX_DIR
    out_dir.mkdir(exist_ok=True)
    fp32, int8 = out_dir / FILES["onnx"], out_dir / FILES["onnx-int8"]
    example = (torch.tensor([[0, 41, 1294, 2]]), torch.ones(1, 4, dtype=torch.long))
    tmp = fp32.with_suffix(".tmp")
    with torch.no_grad():
        torch.onnx.export(
            Pooled(), example, str(tmp), input_names=["input_ids", "attention_mask"], output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
            opset_version=17, dynamo=False,
        )
    tmp.replace(fp32)
    tmp = int8.with_suffix(".tmp")
    quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=fp32_nodes(fp32))
    tmp.replace(int8)
    return [fp32, int8, *export_tokenizer(model_dir)]


def export_tokenizer(model_dir: Path) -> list[Path]:
    """The fast tokenizer's unigram pieces as a sentencepiece model (same ids), and its normaliser on its own.

    The ``tokenizers`` library keeps a char-level trie of the 250,002 pieces (~290 MB per process); sentencepiece
    holds the same pieces in a double-array trie. The test suite checks that both give the same ids."""
    import json

    from sentencepiece import sentencepiece_model_pb2 as spm_model

    spec = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    model = spec["model"]
    if model["type"] != "Unigram" or model.get("byte_fallback"):
        raise RuntimeError(f"tokenizer.json: a {model['type']} model, expected Unigram without byte fallback")
    piece = spm_model.ModelProto.SentencePiece  # type: ignore[attr-defined]  # generated protobuf classes
    proto = spm_model.ModelProto()  # type: ignore[attr-defined]
    control = {t["id"] for t in spec["added_tokens"] if t["special"]}
    for i, (text, score) in enumerate(model["vocab"]):
        kind = piece.UNKNOWN if i == model["unk_id"] else piece.CONTROL if i in control else piece.NORMAL
        proto.pieces.add(piece=text, score=score, type=kind)
    ids = {t["content"]: t["id"] for t in spec["added_tokens"]}
    trainer = proto.trainer_spec
    trainer.model_type = spm_model.TrainerSpec.UNIGRAM  # type: ignore[attr-defined]
    trainer.vocab_size = len(model["vocab"])
    trainer.unk_id, trainer.bos_id = model["unk_id"], ids["<s>"]
    trainer.eos_id, trainer.pad_id = ids["</s>"], ids["<pad>"]
    # the normaliser runs before (from normalizer.json); sentencepiece only marks word starts, like Metaspace
    norm = proto.normalizer_spec
    norm.name, norm.add_dummy_prefix = "identity", True
    norm.remove_extra_whitespaces, norm.escape_whitespaces = False, True
    out = model_dir / ONNX_DIR
    (out / TOKENIZER).write_bytes(proto.SerializeToString())
    bare = {**spec, "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]], "byte_fallback": False},
            "added_tokens": [], "post_processor": None, "truncation": None, "padding": None}
    (out / NORMALIZER).write_text(json.dumps(bare, ensure_ascii=False), encoding="utf-8")
    return [out / TOKENIZER, out / NORMALIZER]


# Measured on 400 dev questions and titles against fp32 (see README): one int8 scale per tensor gives cosine >= 0.974;
# per-channel scales >= 0.990 but the first passage changes on 3 of the 20 retrieval-dev questions (near ties);
# keeping the feed-forward layers of blocks 4-7 in fp32 gives >= 0.995 and changes 1 of 20, for ~1 ms per question.
FP32_BLOCKS = range(4, 8)


def fp32_nodes(model: Path) -> list[str]:
    """The feed-forward MatMuls of the middle blocks, kept in fp32 (int8 there costs the most agreement)."""
    import onnx

    graph = onnx.load(str(model), load_external_data=False).graph
    wanted = [f"/bert/encoder/layer.{i}/{part}/dense/MatMul" for i in FP32_BLOCKS for part in ("intermediate",
                                                                                               "output")]
    found = {n.name for n in graph.node}
    if missing := [w for w in wanted if w not in found]:  # another exporter names nodes differently: say so
        raise RuntimeError(f"ONNX export has no node {missing[0]}: update FP32_BLOCKS' node names")
    return wanted
