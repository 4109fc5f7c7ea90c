"""Export a sentence-transformers model to ONNX (the torch side of `retrieval.indexing.onnx_model.prepare`).

Only what can be reproduced exactly outside torch is exported: a `Transformer` module, then a
`Pooling` module in mean, cls or max mode, then optionally `Normalize`. Any other module (a `Dense`
projection, a prompt that pooling must skip, a router) is a `BackendError`, and the model stays on torch.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from retrieval.errors import BackendError
from retrieval.indexing.onnx_model import INPUTS, MIN_COSINE, POOLINGS, PROBES, RECIPE, OnnxEncoder

OPSET = 17


def export(path: str, folder: Path, quantisation: str) -> None:
    """Write `model.onnx`, `tokenizer.json` and `backend.json` of model `path` into `folder`."""
    from retrieval.indexing.embed import load_model

    model = load_model(path)
    pooling = exportable_pooling(model)
    transformer = model[0]
    fp32 = folder / ("model.onnx" if quantisation == "fp32" else "model-fp32.onnx")
    # int8 runs one text at a time, unpadded (`OnnxEncoder.encode`): its graph needs no attention mask, and
    # without one it runs 5-12 % faster (README, "Benchmarks"); fp32 batches padded texts and keeps it
    export_graph(transformer.auto_model, transformer.tokenizer, fp32, mask=quantisation != "int8")
    if quantisation == "int8":
        quantise(fp32, folder / "model.onnx")
        fp32.unlink()
    save_tokenizer(transformer.tokenizer, int(model.max_seq_length), folder / "tokenizer.json")
    config = {"recipe": RECIPE, "source": str(path), "pooling": pooling, "quantisation": quantisation,
              "max_seq_length": int(model.max_seq_length), "dimension": int(model.get_embedding_dimension()),
              "opset": OPSET, "versions": versions()}
    (folder / "backend.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    config["cosine_to_torch"] = check_against(model, folder, quantisation)
    (folder / "backend.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def exportable_pooling(model) -> str:
    modules = [type(m).__name__ for m in model]
    if modules[:2] != ["Transformer", "Pooling"] or modules[2:] not in ([], ["Normalize"]):
        raise BackendError(f"model modules {' → '.join(modules)} do not export (only Transformer → Pooling "
                           "[→ Normalize] does)")
    config = model[1].get_config_dict()
    mode = config.get("pooling_mode")
    if mode not in POOLINGS or getattr(model[1], "include_prompt", True) is False:
        raise BackendError(f"pooling {mode!r} does not export (only {', '.join(POOLINGS)} does)")
    return mode


def export_graph(auto_model, tokenizer, target: Path, mask: bool = True) -> None:
    """The transformer's last hidden state as an ONNX graph of `INPUTS`, or without `attention_mask` (`mask`
    False: a graph for single unpadded texts, whose mask would be all ones)."""
    import torch

    class Hidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    class Unmasked(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=None, token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(list(PROBES[:2]), padding=True, return_tensors="pt")
    if "token_type_ids" not in sample:
        raise BackendError("the tokenizer gives no token_type_ids: this architecture does not export here")
    names = [n for n in INPUTS if mask or n != "attention_mask"]
    if not mask:        # traced on one text: padding would make the graph depend on a mask it does not have
        sample = tokenizer(list(PROBES[:1]), return_tensors="pt")
    args = tuple(sample[name] for name in names)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*names, "last_hidden_state")}
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export((Hidden if mask else Unmasked)(auto_model.eval()), args, str(target),
                              input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes,
                              opset_version=OPSET, dynamo=False)
    except Exception as exc:  # noqa: BLE001  (whatever torch cannot trace: this model stays on torch)
        raise BackendError(f"torch.onnx.export failed: {type(exc).__name__}: {str(exc)[:200]}") from exc


def quantise(source: Path, target: Path) -> None:
    """Dynamic int8: weights of the matrix multiplications in int8, activations quantised per batch."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
    except Exception as exc:  # noqa: BLE001
        raise BackendError(f"quantize_dynamic failed: {type(exc).__name__}: {str(exc)[:200]}") from exc


def save_tokenizer(tokenizer, max_seq_length: int, target: Path) -> None:
    """The fast tokenizer sentence-transformers uses, truncating where it truncates, without padding."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise BackendError("the model's tokenizer has no `tokenizers` form")
    from tokenizers import Tokenizer

    copy = Tokenizer.from_str(backend.to_str())
    copy.enable_truncation(max_length=max_seq_length)
    copy.no_padding()
    copy.save(str(target))


def check_against(model, folder: Path, quantisation: str) -> dict:
    """Cosines of the export's vectors to torch's on the probe texts; too far is a `BackendError`."""
    reference = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True)
    exported = OnnxEncoder(folder).encode(list(PROBES))
    cosines = (reference * exported).sum(axis=1)
    if float(cosines.min()) < MIN_COSINE[quantisation]:
        raise BackendError(f"the {quantisation} export is too far from torch (cosine {cosines.min():.4f} "
                           f"< {MIN_COSINE[quantisation]})")
    return {"mean": round(float(np.mean(cosines)), 5), "min": round(float(cosines.min()), 5)}


def versions() -> dict:
    from importlib import metadata

    found = {}
    for name in ("torch", "onnx", "onnxruntime", "tokenizers", "sentence-transformers", "transformers"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found
