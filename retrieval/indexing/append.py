"""An append-only generation: a build that only adds documents to the live generation (or removes
some, or both: a changed document is removed and added) writes the new generation from the live one's
files instead of from scratch.

Only the new documents are read, chunked, tokenised and embedded (a removed chunk's vector is reused
when a new chunk has its text: an edited document re-embeds only what changed). The FAISS layers are
read whole and `Dense.extend`ed: removed rows dropped, new rows appended, an inverted file keeps its
trained lists (no k-means again). The JSON-lines files are copied with the new lines appended (lines
of removed documents dropped, the sentences' chunk rows renumbered); the BM25 tokens likewise, and
BM25 is rebuilt from the token ids (`Lexical.from_ids`, the same floats as bm25s gives). A document
that brings a quoted formulation new to the corpus, or takes away the last one of a kind, changes
the tokenizer's terms: then the kept chunks whose BM25 input holds an added or removed term are
tokenised again and every other one keeps its ids (`retrieval.indexing.retokenize`: exact, since a
term changes only the tokens of the texts that hold it), and `terms.txt` and the manifest's tokenizer
signature are the new tokenizer's. The glossary (`glossary.jsonl`) is the live one with the entries of
the formulations the added and removed documents hold made again (`retrieval.indexing.glossary_append`:
exact, the same file a full build writes). The result is the generation a full build makes, rows in the live
generation's order with the new documents last (a full build follows the order given), the lists of
an inverted file trained on the vectors of an earlier build (a full build trains them again: recall
moves a little, README "Scale").

It is written like any build: in a temporary folder under the write lock, every file checksummed and
sealed, then published with one rename (`build.publish_new`), so a crash leaves the live generation
as it was and a reader of it keeps answering. The live generation's files are reused only when
every one matches its checksum; anything else (another model, chunking or pipeline, a `terms.txt`
that does not give the live tokenizer signature, kept chunks whose inputs are not those their tokens
were made from, a FAISS type the new size would not choose, a damaged file) gets a full build
(`NotAppendable`, or `make_plan` returning None; the reason is logged).
"""
from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.indexing import retokenize, store, token_store
from retrieval.indexing.build import (BuildReport, Progress, Sentence, chunk_sentences, embed_input, embed_with_progress,
                             lexical_inputs, publish_new, reusable_manifest, sentence_input)
from retrieval.indexing.chunk import chunk_document
from retrieval.indexing.dense import Dense, index_type
from retrieval.indexing.embed import Embedder, text_key
from retrieval.indexing.glossary_append import appended
from retrieval.indexing.integrity import check_glossary, sentence_table
from retrieval.indexing.lexical import Lexical
from retrieval.indexing.manifest import faiss_choice, stale_reasons, versions
from retrieval.indexing.seal import seal_folder, verified_file
from retrieval.indexing.settings import ChunkSettings
from retrieval.search.glossary import GLOSSARY, glossary_of, load_glossary, save_glossary
from retrieval.errors import IndexCorruptError
from retrieval.tokenize import Tokenizer
from retrieval.types import Document, Failure

log = logging.getLogger(__name__)
LAYERS = ("dense.faiss", "sentences.faiss")


class NotAppendable(Exception):
    """The new generation cannot be written from the live one: build it in full."""


@dataclass(frozen=True)
class Plan:
    """What changes from the live generation `base`: its documents kept (by line of documents.jsonl),
    the chunk rows that go, and the documents added."""

    base: Path
    manifest: dict
    keep: np.ndarray            # per document of the base (manifest `files` order): kept
    removed: np.ndarray         # chunk rows of the base that go, sorted
    added: tuple[Document, ...]
    changed: frozenset[str] = frozenset()   # words the tokenizer's dictionary gains or loses (`retokenize`)
    kept: tuple[Document, ...] = ()         # the kept documents, in the base's order


def make_plan(index_dir: Path, documents: Sequence[Document], tokenizer: Tokenizer, settings: ChunkSettings,
              embedder: Embedder) -> Plan | None:
    """The plan of an append to the live generation, None when only a full build will do."""
    base = store.live_folder(index_dir)
    manifest = reusable_manifest(base)
    if manifest is None or not isinstance(manifest.get("index_files"), dict) or \
            stale_reasons(manifest, None, embedder.name, settings, embedder.label):
        return None
    files, given = manifest.get("files", {}), {d.path: d for d in documents}
    keep = np.array([p in given and (given[p].doc_id, given[p].sha256) == (f["doc_id"], f["sha256"])
                     for p, f in files.items()], dtype=bool)
    kept = {p for p, k in zip(files, keep) if k}
    added = tuple(d for d in documents if d.path not in kept)
    bounds = np.r_[0, np.cumsum([f["chunks"] for f in files.values()])].astype("int64")
    if not keep.any() or len(given) != len(documents) or bounds[-1] != manifest["counts"]["chunks"] or \
            {d.doc_id for d in added} & {files[p]["doc_id"] for p in kept}:
        return None
    removed = np.concatenate([np.arange(bounds[i], bounds[i + 1]) for i in np.flatnonzero(~keep)] +
                             [np.zeros(0, "int64")])
    damaged = [name for name in manifest["index_files"] if not verified_file(base, manifest, name)]
    if damaged:
        log.warning("full build: %s of the live index does not match its checksum", damaged[0])
        return None
    changed = frozenset()
    if manifest.get("tokenizer") != tokenizer.signature:
        terms = retokenize.base_terms(base, manifest.get("tokenizer"))
        if terms is None:
            log.info("full build: the live index's terms.txt does not give its tokenizer signature")
            return None
        changed = retokenize.changed_words(terms, tokenizer.terms)
        log.info("append: the tokenizer gains or loses %d words; the kept chunks holding one are tokenised again",
                 len(changed))
    return Plan(base, manifest, keep, removed, added, changed, tuple(given[p] for p, k in zip(files, keep) if k))


@dataclass(frozen=True)
class NewRows:
    """The added documents as rows after the kept ones: chunks, sentences and what each input is."""

    chunks: list
    inputs: list[str]
    sentences: list[Sentence]       # rows already shifted to the new generation's numbering
    sentence_inputs: list[str]
    lexical: list[str]

    @classmethod
    def make(cls, added: Sequence[Document], settings: ChunkSettings, first_row: int) -> "NewRows":
        by_id = {d.doc_id: d for d in added}
        chunks = [c for d in added for c in chunk_document(d, settings)]
        sentences = chunk_sentences(chunks)
        return cls(chunks, [embed_input(by_id[c.doc_id], c) for c in chunks],
                   [Sentence(s.row + first_row, s.start, s.end) for s in sentences],
                   [sentence_input(by_id[chunks[s.row].doc_id], s) for s in sentences],
                   lexical_inputs(by_id, chunks))


def try_append(documents: Sequence[Document], failures: Sequence[Failure], index_dir: Path, tokenizer: Tokenizer,
               settings: ChunkSettings, embedder: Embedder, report: Progress) -> BuildReport | None:
    """Write the new generation as an append to the live one and publish it; None (nothing written)
    when it needs a full build."""
    started = time.perf_counter()
    plan = make_plan(index_dir, documents, tokenizer, settings, embedder)
    if plan is None:
        return None
    done: dict = {}
    try:
        folder = publish_new(index_dir, lambda tmp: done.update(
            write(tmp, plan, failures, index_dir, tokenizer, settings, embedder, report)))
    except NotAppendable as exc:
        log.info("full build: %s", exc)
        return None
    report(1.0, "index ready")
    return BuildReport(len(documents), done["chunks"], done["embedded"], done["chunks"] - done["embedded"],
                       tuple(failures), round(time.perf_counter() - started, 2), str(folder), done["sentences"],
                       done["sentences_embedded"], appended=True)


def write(tmp: Path, plan: Plan, failures, index_dir: Path, tokenizer: Tokenizer, settings: ChunkSettings,
          embedder: Embedder, report: Progress) -> dict:
    """Every file of the new generation in `tmp` (under the write lock); counts for the report."""
    if store.live_folder(index_dir) != plan.base:
        raise NotAppendable("another build published a generation meanwhile")
    base, counts = plan.base, plan.manifest["counts"]
    n_chunks = counts["chunks"] - len(plan.removed)
    new = NewRows.make(plan.added, settings, n_chunks)
    report(0.2, f"adding {len(plan.added)} documents ({len(new.chunks)} chunks), removing {len(plan.removed)} chunks")
    sentence_rows = sentence_chunk_rows(base, counts["sentences"]) if len(plan.removed) else None
    removed_sentences = np.zeros(0, "int64") if sentence_rows is None else \
        np.flatnonzero(np.isin(sentence_rows, plan.removed))
    layers = {name: Dense.load(base / name, mapped=False) for name in LAYERS}
    sizes = {"dense.faiss": n_chunks + len(new.chunks),
             "sentences.faiss": counts["sentences"] - len(removed_sentences) + len(new.sentences)}
    for name, layer in layers.items():
        if index_type(sizes[name]) != layer.kind:
            raise NotAppendable(f"{name} of {sizes[name]} vectors would be {index_type(sizes[name])}, not {layer.kind}")
    cache = removed_vectors(base, plan.removed, removed_sentences, layers, set(map(text_key, new.inputs +
                                                                                   new.sentence_inputs)))
    chunk_keys = {text_key(t) for t in new.inputs}
    embedded = len(chunk_keys - cache.keys())
    sentences_embedded = len({text_key(t) for t in new.sentence_inputs} - chunk_keys - cache.keys())
    vectors = embed_with_progress(embedder, new.inputs + new.sentence_inputs, cache, report)
    report(0.85, "writing")
    layers["dense.faiss"].extend(vectors[:len(new.inputs)], plan.removed)
    layers["sentences.faiss"].extend(vectors[len(new.inputs):], removed_sentences)
    for name, layer in layers.items():
        layer.save(tmp / name)
    write_rows(tmp, plan, new, sentence_rows)
    write_lexical(tmp, plan, new, tokenizer)
    write_glossary(tmp, plan)
    (tmp / "terms.txt").write_text("\n".join(tokenizer.terms) + "\n", encoding="utf-8")
    store.write_json(tmp / "manifest.json", manifest_of(plan, new, failures, sizes, tokenizer.signature))
    seal_folder(tmp)
    return {"chunks": sizes["dense.faiss"], "sentences": sizes["sentences.faiss"], "embedded": embedded,
            "sentences_embedded": sentences_embedded}


def sentence_chunk_rows(base: Path, n: int) -> np.ndarray:
    """The chunk row of each line of the base's sentences.jsonl (read as the engine's load reads it)."""
    rows = sentence_table(base / "sentences.jsonl")[:, 0]
    if len(rows) != n:
        raise NotAppendable(f"sentences.jsonl has {len(rows)} lines, the manifest says {n}")
    return rows


def removed_vectors(base: Path, chunks: np.ndarray, sentences: np.ndarray, layers: dict[str, Dense],
                    wanted: set[str]) -> dict[str, np.ndarray]:
    """{content key: vector} of the removed rows whose text a new row has (an edited document)."""
    cache: dict[str, np.ndarray] = {}
    for name, rows_file, rows in (("dense.faiss", "chunks.jsonl", chunks), ("sentences.faiss", "sentences.jsonl",
                                                                           sentences)):
        if not len(rows):
            continue
        keys = [r["key"] for r in lines_at(base / rows_file, rows)]
        hits = [i for i, k in enumerate(keys) if k in wanted and k not in cache]
        if hits:
            cache |= dict(zip((keys[i] for i in hits), layers[name].vectors(rows[hits])))
    return cache


def lines_at(path: Path, rows: np.ndarray) -> list[dict]:
    """The records at the line numbers `rows` of a JSON-lines file (only those lines parsed)."""
    wanted = set(rows.tolist())
    with open(path, "rb") as fh:
        return [json.loads(line) for i, line in enumerate(fh) if i in wanted]


def copy_lines(source: Path, target: Path, keep: np.ndarray | None, more) -> None:
    """`source` with only the lines where `keep` (all when None), then the records `more`."""
    if keep is None:
        shutil.copyfile(source, target)
    else:
        with open(source, "rb") as src, open(target, "wb") as out:
            out.writelines(line for line, k in zip(src, keep) if k)
    with open(target, "a", encoding="utf-8") as out:
        store.append_jsonl(out, more)


def write_rows(tmp: Path, plan: Plan, new: NewRows, sentence_rows: np.ndarray | None) -> None:
    base, removing = plan.base, len(plan.removed) > 0
    copy_lines(base / "documents.jsonl", tmp / "documents.jsonl", plan.keep if not plan.keep.all() else None,
               (d.to_dict() for d in plan.added))
    keep_chunks = ~np.isin(np.arange(plan.manifest["counts"]["chunks"]), plan.removed) if removing else None
    copy_lines(base / "chunks.jsonl", tmp / "chunks.jsonl", keep_chunks,
               ({**c.to_dict(), "key": text_key(t)} for c, t in zip(new.chunks, new.inputs)))
    added = ({"row": s.row, "start": s.start, "end": s.end, "key": text_key(t)}
             for s, t in zip(new.sentences, new.sentence_inputs))
    if sentence_rows is None:
        copy_lines(base / "sentences.jsonl", tmp / "sentences.jsonl", None, added)
        return
    keep = ~np.isin(sentence_rows, plan.removed)
    shifted = (sentence_rows - np.searchsorted(plan.removed, sentence_rows)).tolist()
    with open(base / "sentences.jsonl", "rb") as src, open(tmp / "sentences.jsonl", "wb") as out:
        out.writelines(renumbered(line, row) for line, k, row in zip(src, keep, shifted) if k)
    with open(tmp / "sentences.jsonl", "a", encoding="utf-8") as out:
        store.append_jsonl(out, added)


ROW_PREFIX = b'{"row": '


def renumbered(line: bytes, row: int) -> bytes:
    """A line of sentences.jsonl with its chunk row set to `row`: the bytes `json.dumps` gives for the
    record with that row. A line as the build writes it (`{"row": N, ...`) has only its number replaced
    (parsing and writing 5.5 million records as JSON took most of a removal at a million chunks); any
    other line goes through JSON."""
    if line.startswith(ROW_PREFIX) and line.endswith(b"}\n") and (comma := line.find(b",", len(ROW_PREFIX))) > 0 \
            and line[len(ROW_PREFIX):comma].isdigit():
        return b"%s%d%s" % (ROW_PREFIX, row, line[comma:])
    return (json.dumps(json.loads(line) | {"row": row}, ensure_ascii=False) + "\n").encode("utf-8")


def write_lexical(tmp: Path, plan: Plan, new: NewRows, tokenizer: Tokenizer) -> None:
    """tokens/ with the removed chunks' token lists dropped, those a change of the tokenizer's terms
    touches made again, and the new ones appended; BM25 from them."""
    keys, ids, offsets, words, made_by = token_store.read(plan.base)
    if len(keys) != plan.manifest["counts"]["chunks"] or made_by != plan.manifest.get("tokenizer"):
        raise NotAppendable(f"tokens/ holds {len(keys)} chunks made by {made_by}, the manifest says "
                            f"{plan.manifest['counts']['chunks']} by {plan.manifest.get('tokenizer')}")
    lengths = np.diff(offsets)
    keep = ~np.isin(np.arange(len(keys)), plan.removed)
    if len(plan.removed):
        keys, ids, lengths = keys[keep], ids[np.repeat(keep, lengths)], lengths[keep]
    words = list(words)
    ids_of = {w: i for i, w in enumerate(words)}
    if plan.changed:
        started = time.perf_counter()
        try:
            ids, lengths, again = retokenize.tokenize_touched(plan.base, plan.keep, keep, keys, ids, lengths,
                                                              plan.changed, tokenizer, words, ids_of)
        except retokenize.Mismatch as exc:
            raise NotAppendable(str(exc)) from exc
        log.info("append: %d of %d kept chunks tokenised again (%d words changed), %.1f s", again, len(keys),
                 len(plan.changed), time.perf_counter() - started)
    new_ids, new_offsets = token_store.encode([tokenizer(t) for t in new.lexical], words, ids_of)
    keys = np.concatenate([keys, np.array([text_key(t) for t in new.lexical], dtype="S64")])
    ids = np.concatenate([ids, new_ids]).astype("int32")
    offsets = np.r_[0, np.cumsum(np.r_[lengths, np.diff(new_offsets)])].astype("int64")
    token_store.write(tmp, keys, ids, offsets, words, tokenizer.signature)
    Lexical.from_ids(ids, offsets, words).save(tmp / "lexical")


def write_glossary(tmp: Path, plan: Plan) -> None:
    """glossary.jsonl of the new generation: the base's, with the terms the added and removed documents
    hold made again (`glossary_append`), or, when the base stores none to start from (or one that does
    not read, or cites text its documents do not hold), computed whole."""
    started = time.perf_counter()
    kept = {d.doc_id: d for d in plan.kept}
    stored = plan.base / GLOSSARY
    glossary = None
    if stored.exists():
        removed = [Document.from_dict(r) for r in lines_at(plan.base / "documents.jsonl", np.flatnonzero(~plan.keep))]
        try:
            old = load_glossary(stored, held=True)
            check_glossary(plan.base, old, kept | {d.doc_id: d for d in removed})
            glossary = appended(old, kept, removed, plan.added)
        except (ValueError, TypeError, KeyError, IndexError, IndexCorruptError) as exc:
            log.warning("append: the live glossary.jsonl is not carried over (%s): computed whole", exc)
    how = "carried over"
    if glossary is None:
        glossary, how = glossary_of(kept | {d.doc_id: d for d in plan.added}), "computed whole"
    save_glossary(tmp / GLOSSARY, glossary)
    log.info("append: glossary %s, %d terms, %.1f s", how, len(glossary), time.perf_counter() - started)


def manifest_of(plan: Plan, new: NewRows, failures, sizes: dict[str, int], tokenizer: str) -> dict:
    """The base's manifest with the new files, counts, FAISS choice, failures and tokenizer signature
    (sealed after)."""
    old = plan.manifest
    files = {p: f for (p, f), k in zip(old["files"].items(), plan.keep) if k}
    per_doc: dict[str, int] = {}
    for c in new.chunks:
        per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
    files |= {d.path: {"doc_id": d.doc_id, "sha256": d.sha256, "chunks": per_doc.get(d.doc_id, 0)}
              for d in plan.added}
    chunks, sentences = sizes["dense.faiss"], sizes["sentences.faiss"]
    return {k: v for k, v in old.items() if k not in ("index_files", "checksum")} | {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "faiss": faiss_choice(chunks, sentences),
        "tokenizer": tokenizer,
        "counts": {"documents": len(files), "chunks": chunks, "sentences": sentences, "failures": len(failures)},
        "files": files,
        "failures": [{"path": f.path, "reason": f.reason, "sha256": f.sha256} for f in failures],
        "versions": versions(),
    }
