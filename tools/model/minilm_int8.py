"""Make the int8 variant of the shipped all-MiniLM-L6-v2 from its committed fp32 graph.

Dynamic int8 quantisation with onnxruntime's own quantiser (`quantize_dynamic`): weights of the MatMul
nodes become int8 with one scale per output column (per-channel), activations are quantised on the fly.
Only MatMul is quantised: the embedding Gathers and the attention's Softmax/LayerNorm stay fp32 (int8
embeddings save 10 MB but cost accuracy on short texts; the MatMuls are where the time goes).

The weights are 7-bit (`reduce_range=True`, int8 in [-64, 64]) so that every CPU computes the same
vectors. onnxruntime multiplies the u8 activations by s8 weights with a per-ISA kernel: on x86 with
AVX2 but no VNNI, VPMADDUBSW adds two u8 x s8 products into a saturating int16, and 2 x 255 x 127
overflows it; AVX-512 VNNI / AVX-VNNI (VPDPBUSD), SSE (sign-extend + PMADDWD) and ARM (SDOT/UDOT/USDOT)
add in 32 bits and do not. With full-range weights one file gave 0.6471 on AVX2 and 0.6755 on VNNI or
SSE for the quickstart pair; with |w| <= 64, 2 x 255 x 64 = 32,640 fits, no kernel saturates, every
kernel gets the same integer sums, and the vectors differ only by fp32 rounding elsewhere in the graph
(0.650719 on AVX2 natively and on SSE under `qemu-x86_64 -cpu Nehalem`). `--compare` measures the three
schemes side by side (u8u8 also never saturates; it scored the same on STS-B and speed here, but cannot use
VNNI's u8 x s8 instruction). The tests assert the bound (test/integration/embed/model-variants.test.ts).

The input is resources/models/all-MiniLM-L6-v2/onnx/model.onnx, checked against the sha256 its manifest
lists, so the same fp32 file and the same onnxruntime version give the same int8 file (the script
prints its sha256; run it twice to see).

Writes:
- resources/models/all-MiniLM-L6-v2/onnx/model_qint8.onnx and the manifest's "int8" variant, the
  default for new indexes (`--default fp32` makes fp32 the default again; an index built with one
  variant keeps it whatever the default: src/core/models/indexed-variant.ts).
- the int8 load check: fp32's published similarities of the quickstart pairs, with a tolerance from the
  measured quantisation error (check_tolerance).
- test/fixtures/golden/all-MiniLM-L6-v2/int8.json: the golden texts' int8 vectors from python
  onnxruntime (the tests compare Trove's int8 output with them), and the worst and mean cosine of the
  int8 vectors to sentence-transformers' fp32 vectors (test/fixtures/golden/embeddings.json).

    /work/venv/bin/python tools/model/minilm_int8.py --compare [SCHEME...]   # schemes vs fp32, nothing written
    /work/venv/bin/python tools/model/minilm_int8.py [--default int8|fp32]    # int8 unless told
"""
import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime
from onnxruntime.quantization import QuantType, quantize_dynamic

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import EVAL, GOLDEN, RESOURCES, require_sha256, sha256, sts_rows, write_json, write_manifest  # noqa: E402
from onnx_encoder import FolderEncoder, sts_spearman  # noqa: E402

FOLDER = RESOURCES / "all-MiniLM-L6-v2"
FP32 = "onnx/model.onnx"
INT8 = "onnx/model_qint8.onnx"
FIXTURE = GOLDEN / "all-MiniLM-L6-v2" / "int8.json"
# The pairs Trove checks fp32 all-MiniLM-L6-v2 with on load (src/core/embed/model-check.ts PUBLISHED_CHECKS):
# the int8 graph is checked on the same pairs against fp32's similarities, with a tolerance measured from
# its quantisation error (check_tolerance), so a damaged or swapped int8 file is refused like a damaged fp32 one
# while every CPU's kernels pass.
CHECK_PAIRS = [("The weather is lovely today.", "It's so sunny outside!"),
               ("The weather is lovely today.", "He drove to the stadium.")]
# Encoded in one batch after model-check.ts's three sanity sentences, as Trove encodes them: int8
# activations are quantised with one scale per batch, so a text's vector depends (by ~0.01 in cosine)
# on what else is in its batch.
CHECK_BATCH_HEAD = ["A man is playing a guitar.", "A man plays the guitar.",
                    "The stock market fell sharply after the announcement."]
# sentence-transformers' published similarities of CHECK_PAIRS for the fp32 model (model-check.ts PUBLISHED_CHECKS).
FP32_CHECKS = [0.666, 0.1046]


# The weight schemes compared by --compare: (name, weight type, reduce_range).
SCHEMES = {"s8": (QuantType.QInt8, False), "s8-reduce-range": (QuantType.QInt8, True), "u8u8": (QuantType.QUInt8, False)}


def quantise(src: Path, dest: Path, per_channel: bool, scheme: str = "s8-reduce-range") -> None:
    weight_type, reduce_range = SCHEMES[scheme]
    quantize_dynamic(str(src), str(dest), per_channel=per_channel, reduce_range=reduce_range, weight_type=weight_type,
                     op_types_to_quantize=["MatMul"])


class VariantEncoder(FolderEncoder):
    """FolderEncoder on a graph that need not be listed in the manifest yet."""

    def __init__(self, graph: Path, threads: int = 2):
        super().__init__(FOLDER, "fp32", threads)
        opts = onnxruntime.SessionOptions()
        opts.intra_op_num_threads = threads
        self.sess = onnxruntime.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])


def golden_figures(enc: FolderEncoder) -> tuple[np.ndarray, list, np.ndarray]:
    g = json.loads((GOLDEN / "embeddings.json").read_text(encoding="utf-8"))
    got = enc.encode(g["texts"])
    ref = np.asarray(g["vectors"], np.float32)
    cos = (got * ref).sum(1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(ref, axis=1))
    return got, g["texts"], cos


def speed(enc: FolderEncoder, texts: list) -> float:
    enc.encode(texts[:64])
    t0 = time.perf_counter()
    enc.encode(texts)
    return len(texts) / (time.perf_counter() - t0)


def scifact_texts(n: int) -> list:
    lines = (EVAL / "scifact" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    return [(d["title"] + " " + d["text"]) for d in map(json.loads, lines)]


def cpu_features() -> str:
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return "unknown"
    return " ".join(f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni") if f in flags) or "no avx2"


def quickstart(enc: FolderEncoder) -> tuple[float, float]:
    """The quickstart pair's cosine alone in a two-text batch, and inside the load check's batch."""
    a, b = CHECK_PAIRS[0]
    two = enc.encode([a, b])
    batch = enc.encode(CHECK_BATCH_HEAD + [t for pair in CHECK_PAIRS for t in pair])[len(CHECK_BATCH_HEAD):]
    return float(two[0] @ two[1]), float(batch[0] @ batch[1])


def compare(schemes: list) -> None:
    """Weight schemes against fp32, in one run (python onnxruntime, 2 threads)."""
    texts = scifact_texts(400)
    print(f"CPU features: {cpu_features()}; onnxruntime {onnxruntime.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = [("fp32", FOLDER / FP32)]
        for scheme in schemes:
            dest = Path(tmp) / f"int8-{scheme}.onnx"
            quantise(FOLDER / FP32, dest, True, scheme)
            rows.append((f"int8 {scheme}", dest))
        base = None
        for name, graph in rows:
            enc = VariantEncoder(graph)
            _, _, cos = golden_figures(enc)
            rho, _, _ = sts_spearman(enc, EVAL / "stsb" / "sts-test.csv")
            two, in_batch = quickstart(enc)
            tps = speed(enc, texts)
            base = base or tps
            print(f"{name:20} {graph.stat().st_size / 1e6:6.1f} MB  golden cosine min {cos.min():.4f} mean {cos.mean():.4f}"
                  f"  STS-B {rho:.2f}  quickstart {two:.4f} / {in_batch:.4f}  {tps:.1f} texts/s ({tps / base:.2f}x fp32)")


def pair_errors(quantised: FolderEncoder, exact: FolderEncoder, path: Path) -> np.ndarray:
    """|cosine(int8) - cosine(fp32)| over every sentence pair of an STS-B split, each side in batches of 32."""
    rows = sts_rows(path)
    def cosines(enc):
        a = enc.encode([r[1] for r in rows])
        b = enc.encode([r[2] for r in rows])
        return (a * b).sum(1)
    return np.abs(cosines(quantised) - cosines(exact))


def check_tolerance(errors: np.ndarray) -> float:
    """The load check's tolerance from the measured quantisation error: the largest pair error on STS-B dev,
    rounded up to 0.01 — wide enough for any kernel that computes the graph exactly (they differ from each
    other by ~1e-4), narrow enough to refuse a wrong model (a corrupted graph is off by 0.3 or more)."""
    return max(0.02, math.ceil(float(errors.max()) * 100) / 100)


def build(default: str, scheme: str) -> None:
    manifest = json.loads((FOLDER / "manifest.json").read_text())
    require_sha256(FOLDER / FP32, manifest["files"][FP32]["sha256"])
    quantise(FOLDER / FP32, FOLDER / INT8, per_channel=True, scheme=scheme)
    print(f"{INT8} ({scheme}): sha256 {sha256(FOLDER / INT8)}, {(FOLDER / INT8).stat().st_size / 1e6:.1f} MB;"
          f" CPU features {cpu_features()}")
    enc = VariantEncoder(FOLDER / INT8)
    vectors, texts, cos = golden_figures(enc)
    print(f"int8 vs sentence-transformers fp32 on {len(texts)} golden texts: min {cos.min():.4f} mean {cos.mean():.4f}")
    errors = pair_errors(enc, VariantEncoder(FOLDER / FP32), EVAL / "stsb" / "sts-dev.csv")
    tolerance = check_tolerance(errors)
    print(f"|cosine int8 - fp32| over {len(errors)} STS-B dev pairs: mean {errors.mean():.4f} p99 {np.quantile(errors, 0.99):.4f}"
          f" max {errors.max():.4f} -> check tolerance {tolerance}")
    write_json(FIXTURE, {
        "model": manifest["id"], "variant": "int8", "scheme": scheme,
        "producer": f"python onnxruntime {onnxruntime.__version__} on {INT8} (tools/model/minilm_int8.py), CPU features {cpu_features()}",
        "cosineToFp32": {"min": round(float(cos.min()), 6), "mean": round(float(cos.mean()), 6),
                         "worstText": texts[int(cos.argmin())]},
        "texts": texts, "vectors": [[round(float(x), 6) for x in v] for v in vectors],
    })
    fields = {k: v for k, v in manifest.items() if k not in ("files", "sizeBytes")}
    fields["variants"] = {"fp32": FP32, "int8": INT8}
    fields["default"] = default
    fields["variantLabels"] = {"fp32": "exact (fp32)", "int8": "int8 (faster)"}
    # Judged against the fp32 model's similarities (sentence-transformers' published figures), not against
    # what one CPU's int8 kernels gave: the check must hold on every machine.
    pairs = enc.encode(CHECK_BATCH_HEAD + [t for pair in CHECK_PAIRS for t in pair])[len(CHECK_BATCH_HEAD):]
    for i, (a, b) in enumerate(CHECK_PAIRS):
        print(f"check pair {i + 1}: int8 {float(pairs[2 * i] @ pairs[2 * i + 1]):.4f}, fp32 {FP32_CHECKS[i]:.4f}")
    fields["variantChecks"] = {"int8": {
        "checks": [{"a": a, "b": b, "similarity": FP32_CHECKS[i]} for i, (a, b) in enumerate(CHECK_PAIRS)],
        "tolerance": tolerance,
        "toleranceFrom": f"largest |cosine int8 - fp32| over {len(errors)} STS-B dev pairs, {errors.max():.4f}, rounded up",
    }}
    write_manifest(FOLDER, **fields)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--compare", nargs="*", choices=list(SCHEMES), metavar="SCHEME",
                    help=f"weight schemes ({', '.join(SCHEMES)}; all if none given) against fp32; writes nothing")
    ap.add_argument("--default", choices=["fp32", "int8"], default="int8")
    ap.add_argument("--scheme", choices=list(SCHEMES), default="s8-reduce-range",
                    help="weight scheme of the shipped int8 graph (see the module docstring)")
    args = ap.parse_args()
    compare(args.compare or list(SCHEMES)) if args.compare is not None else build(args.default, args.scheme)


if __name__ == "__main__":
    main()
