"""Encode with a Trove model folder the way Trove does, in Python: tokenizer.json (Hugging Face
`tokenizers`), onnxruntime, then the folder's own pooling, normalisation and prompts.

It is the yardstick the tools use before and besides the TypeScript engine: figures measured with it
are labelled "python onnxruntime". Trove itself never runs this.

    /work/venv/bin/python tools/model/onnx_encoder.py FOLDER sts ../shared/eval/stsb/sts-test.csv
    /work/venv/bin/python tools/model/onnx_encoder.py FOLDER golden test/fixtures/golden/NAME/embeddings.json
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import pooling_mode, sts_rows  # noqa: E402


class FolderEncoder:
    def __init__(self, folder: Path, variant: str | None = None, threads: int = 0):
        self.folder = Path(folder)
        manifest = json.loads((self.folder / "manifest.json").read_text())
        onnx_file = manifest["variants"][variant or manifest["default"]]
        modules = json.loads((self.folder / "modules.json").read_text())
        types = [m["type"].rsplit(".", 1)[-1] for m in modules]
        self.normalize = "Normalize" in types
        pool_dir = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
        self.pooling = pooling_mode(json.loads((self.folder / pool_dir / "config.json").read_text()))
        st = json.loads((self.folder / "sentence_bert_config.json").read_text())
        self.max_len = st["max_seq_length"]
        self.lowercase = st.get("do_lower_case", False)
        cst = json.loads((self.folder / "config_sentence_transformers.json").read_text())
        self.prompts = cst.get("prompts") or {}
        self.similarity = cst.get("similarity_fn_name") or "cosine"
        self.tok = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tok.enable_truncation(self.max_len)
        self.tok.no_padding()
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        self.sess = ort.InferenceSession(str(self.folder / onnx_file), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.sess.get_inputs()}

    def encode(self, texts, prompt_name: str | None = None, batch_size: int = 32) -> np.ndarray:
        prompt = self.prompts.get(prompt_name, "") if prompt_name else ""
        # sentence-transformers strips each text after adding the prompt (Transformer.tokenize); so must we,
        # or "passage: " + "" keeps a trailing space token.
        texts = [(prompt + t).strip() for t in texts]
        if self.lowercase:
            texts = [t.lower() for t in texts]
        encs = self.tok.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encs], kind="stable")  # length-sorted batches, as ST does
        out = np.zeros((len(texts), self.sess.get_outputs()[0].shape[-1]), np.float32)
        for start in range(0, len(texts), batch_size):
            idx = order[start:start + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), np.int64)
            mask = np.zeros((len(idx), width), np.int64)
            for r, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.sess.run(None, feeds)[0]
            out[idx] = self.pool(hidden, mask)
        if self.normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def pool(self, hidden, mask):
        m = mask[..., None].astype(np.float32)
        if self.pooling == "mean":
            return (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        if self.pooling == "cls":
            return hidden[:, 0]
        if self.pooling == "max":
            return np.where(m > 0, hidden, -1e9).max(1)
        if self.pooling == "lasttoken":
            return hidden[np.arange(len(hidden)), mask.sum(1) - 1]
        raise SystemExit(f"pooling {self.pooling} not supported here")

    def score(self, a, b):
        if self.similarity == "dot":
            return (a * b).sum(-1)
        return (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def sts_spearman(enc: FolderEncoder, path: Path, prompt_name=None):
    from scipy.stats import spearmanr
    rows = sts_rows(path)
    t0 = time.time()
    a = enc.encode([r[1] for r in rows], prompt_name)
    b = enc.encode([r[2] for r in rows], prompt_name)
    rho = spearmanr(enc.score(a, b), [r[0] for r in rows]).statistic * 100
    return rho, len(rows), time.time() - t0


def golden_cosines(enc: FolderEncoder, path: Path):
    g = json.loads(Path(path).read_text(encoding="utf-8"))
    sets = [(g.get("prompt_name"), g["texts"], g["vectors"])]
    if "queries" in g:
        sets.append((g["queries"].get("prompt_name"), g["queries"]["texts"], g["queries"]["vectors"]))
    cos = []
    for prompt_name, texts, vectors in sets:
        got = enc.encode(texts, prompt_name)
        ref = np.asarray(vectors, np.float32)
        cos.extend((got * ref).sum(1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(ref, axis=1)))
    return np.asarray(cos)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("what", choices=["sts", "golden"])
    ap.add_argument("path", type=Path)
    ap.add_argument("--prompt-name", default=None, help="e.g. query (e5 scores STS with query: on both sides)")
    ap.add_argument("--variant", default=None)
    args = ap.parse_args()
    enc = FolderEncoder(args.folder, args.variant)
    if args.what == "sts":
        rho, n, secs = sts_spearman(enc, args.path, args.prompt_name)
        print(f"{args.folder.name}: STS Spearman {rho:.2f} over {n} pairs ({secs:.0f} s, python onnxruntime)")
    else:
        cos = golden_cosines(enc, args.path)
        print(f"{args.folder.name}: golden cosine min {cos.min():.6f} mean {cos.mean():.6f} over {len(cos)} texts "
              f"(python onnxruntime)")


if __name__ == "__main__":
    main()
