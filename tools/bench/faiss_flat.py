"""FAISS IndexFlatIP on bench:scale's vectors: p50 ms per single query, one thread (as Trove's index).

    faiss_flat.py <rows.f32> <n> <d> <queries.f32> <k>   ->  {"p50Ms": ..., "faiss": "1.12.0", "threads": 1}

Set up: python3 -m venv ../venv-faiss && ../venv-faiss/bin/pip install -r tools/bench/requirements-faiss.txt
"""
import json
import sys
import time

import faiss
import numpy as np

path, n, d, qpath, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
faiss.omp_set_num_threads(1)
xb = np.fromfile(path, dtype=np.float32, count=n * d).reshape(n, d)
xq = np.fromfile(qpath, dtype=np.float32).reshape(-1, d)
index = faiss.IndexFlatIP(d)
index.add(xb)
del xb
index.search(xq[:1], k)  # warm up
times = []
for i in range(len(xq)):
    t = time.perf_counter()
    index.search(xq[i : i + 1], k)
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"p50Ms": times[len(times) // 2], "faiss": faiss.__version__, "threads": 1}))
