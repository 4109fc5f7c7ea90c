"""The ONNX Runtime backend: the configured sentence-transformers model, exported on this machine.

`prepare` makes it once from the model's own folder (no hub): `torch.onnx.export` of the
transformer, `onnxruntime.quantization.quantize_dynamic` to int8 (or the fp32 graph as it is),
the tokenizer sentence-transformers itself uses (saved as a `tokenizers` JSON, with its truncation)
and the pooling of the model's sentence-transformers config (`backend.json`), checked against the
torch vectors before it is kept. The result is cached under `models/onnx/<content hash>-<quant>/`
(`$RETRIEVAL_MODEL_CACHE`, gitignored); a model that does not export leaves a `failed.txt` there,
so that the next process falls back to torch at once. `OnnxEncoder` then needs neither torch nor
sentence-transformers: tokenizers, onnxruntime and numpy only.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.errors import BackendError

ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "RETRIEVAL_MODEL_CACHE"
RECIPE = 2                  # bump when the export changes: older exports are made again (2: int8 without a mask)
POOLINGS = ("mean", "cls", "max")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
PROBES = ("中国共产党第二十次全国代表大会", "坚持和发展中国特色社会主义，全面建设社会主义现代化国家。",
          "What is the GDP growth target for 2024?", "乡村振兴战略：产业兴旺、生态宜居、乡风文明、治理有效、生活富裕")
MIN_COSINE = {"fp32": 0.9999, "int8": 0.97}   # an export farther than this from torch is not kept


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_ENV) or ROOT / "models") / "onnx"


def model_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts
                  and p.suffix not in (".md", ".onnx") and p.name != ".gitattributes")


def model_digest(folder: Path) -> str:
    """sha256 of the model folder's files (names and contents), remembered by their sizes and mtimes
    (`digests.json` in the cache) so that a cold start does not read 100 MB to find its export."""
    files = model_files(folder)
    stamp = hashlib.sha256(repr([(str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                                 for p in files]).encode()).hexdigest()
    memo_path = cache_root() / "digests.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if memo.get(str(folder), {}).get("stamp") == stamp:
        return memo[str(folder)]["sha256"]
    digest = hashlib.sha256()
    for p in files:
        digest.update(str(p.relative_to(folder)).encode() + b"\0")
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    memo[str(folder)] = {"stamp": stamp, "sha256": digest.hexdigest()}
    write_atomic(memo_path, json.dumps(memo, indent=1))
    return digest.hexdigest()


def write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass   # a read-only cache only costs the next process the hashing


def model_folder(path: str) -> Path:
    """The local folder of a model: the path itself, else its copy in the Hugging Face cache."""
    if Path(path).is_dir():
        return Path(path)
    try:
        from huggingface_hub import snapshot_download
        return Path(snapshot_download(path, local_files_only=True))
    except Exception as exc:  # noqa: BLE001  (not downloaded: there is nothing to export from)
        raise BackendError(f"model {path} has no local folder to export from") from exc


def export_folder(path: str, quantisation: str) -> Path:
    return cache_root() / f"{model_digest(model_folder(path))[:24]}-r{RECIPE}-{quantisation}"


def prepare(path: str, quantisation: str) -> Path:
    """The cached export of model `path` (made now when missing); `BackendError` when it does not export."""
    folder = export_folder(path, quantisation)
    if (folder / "backend.json").is_file():
        return folder
    if (folder / "failed.txt").is_file():
        raise BackendError((folder / "failed.txt").read_text(encoding="utf-8").strip())
    from filelock import FileLock
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        if not (folder / "backend.json").is_file() and not (folder / "failed.txt").is_file():
            make(path, folder, quantisation)
    return prepare(path, quantisation)


def make(path: str, folder: Path, quantisation: str) -> None:
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        from retrieval.indexing.onnx_export import export
        export(path, tmp, quantisation)
    except BackendError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "failed.txt").write_text(str(exc) + "\n", encoding="utf-8")
        return
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def threads() -> int:
    """ONNX Runtime's intra-op threads: $OMP_NUM_THREADS when set (as torch), else its own default."""
    try:
        return max(0, int(os.environ.get("OMP_NUM_THREADS", "0")))
    except ValueError:
        return 0


def workers() -> int:
    """Texts encoded at once by a build: $OMP_NUM_THREADS when set, else the CPUs this process may use.
    One text on one thread each: a text of a few hundred tokens keeps a second intra-op thread idle
    most of the time (CMRC's texts: 1.5-1.8 times as many a second on 2 cores, README "Benchmarks")."""
    if threads():
        return threads()
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=4)
def load_encoder(folder: str) -> "OnnxEncoder":
    return OnnxEncoder(Path(folder))


class OnnxEncoder:
    """Texts to pooled, L2-normalised float32 vectors with ONNX Runtime, batches sorted by length."""

    def __init__(self, folder: Path):
        from tokenizers import Tokenizer

        self.config = json.loads((folder / "backend.json").read_text(encoding="utf-8"))
        self.folder = folder
        self.session = self.new_session(threads())
        self.single = None       # the session of a build's texts, one thread a run (`encode`), made when needed
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.dim = int(self.config["dimension"])
        self.max_seq_length = int(self.config["max_seq_length"])

    def new_session(self, intra_op: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")   # the CPU is shared
        return ort.InferenceSession(str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch: int = 32) -> np.ndarray:
        """An int8 graph runs one text at a time: dynamic quantisation scales the activations of the
        whole batch at once, so a text's vector would depend on the texts batched with it (and a
        query's on nothing). One at a time it never does, with no padding, at about the same speed.
        Several texts (a build's) run `workers()` at once, each on one thread of a session of one
        intra-op thread (ONNX Runtime runs a session from several threads; the GIL is released): the
        same vectors, bit for bit, as one after the other."""
        batch = 1 if self.config["quantisation"] == "int8" or "attention_mask" not in self.inputs else batch
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype="float32")
        parts = [order[at:at + batch] for at in range(0, len(order), batch)]
        at_once = workers() if len(parts) > 1 else 1
        if at_once > 1:
            self.single = self.single or self.new_session(1)
            with ThreadPoolExecutor(at_once) as pool:
                done = list(pool.map(lambda rows: self.run([encodings[i] for i in rows], self.single), parts))
        else:      # a question: in the calling thread, on the main session
            done = [self.run([encodings[i] for i in rows]) for rows in parts]
        for rows, vectors in zip(parts, done):
            out[rows] = vectors
        return out

    def prepare(self, text: str):
        """The call that makes the vector of `text` (`encode([text])[0]`, bit for bit), with `text` already
        tokenized: the call itself holds the GIL only to hand the run to ONNX Runtime and to pool its output
        (`Engine.ask` runs it while another thread analyses the question)."""
        feed = self.feed(self.tokenizer.encode_batch([text]))
        inputs = {k: feed[k] for k in self.inputs}
        return lambda: self.pooled(self.session.run(None, inputs)[0], feed)[0]

    def run(self, encodings, session=None) -> np.ndarray:
        feed = self.feed(encodings)
        return self.pooled((session or self.session).run(None, {k: feed[k] for k in self.inputs})[0], feed)

    @staticmethod
    def feed(encodings) -> dict[str, np.ndarray]:
        width = max(len(e.ids) for e in encodings)
        feed = {name: np.zeros((len(encodings), width), dtype="int64") for name in INPUTS}
        for i, e in enumerate(encodings):
            feed["input_ids"][i, :len(e.ids)] = e.ids
            feed["attention_mask"][i, :len(e.ids)] = e.attention_mask
            feed["token_type_ids"][i, :len(e.ids)] = e.type_ids
        return feed

    def pooled(self, hidden: np.ndarray, feed: dict[str, np.ndarray]) -> np.ndarray:
        return normalised(pool(hidden, feed["attention_mask"], self.config["pooling"]))


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """sentence-transformers' `Pooling` in numpy: mean over real tokens, the [CLS] token, or max."""
    if mode == "cls":
        return hidden[:, 0]
    weights = mask[..., None].astype(hidden.dtype)
    if mode == "max":
        return np.where(weights > 0, hidden, np.float32(-1e9)).max(axis=1)
    return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.clip(norms, 1e-12, None), dtype="float32")
