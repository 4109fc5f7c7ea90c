"""When an append changes the tokenizer's terms (a document brings a quoted formulation new to the
corpus, or takes away the last one of a kind): the kept chunks that hold an added or removed term are
tokenised again, every other chunk keeps its token ids.

That is exact because the tokenizer's segmentation does not depend on how many terms it holds (jieba's
total is fixed, `retrieval.tokenize.Tokenizer`): a term changes the tokens of a text only when the
text, as the tokenizer sees it (`normalize`d), contains the term's dictionary word. The kept chunks'
BM25 inputs are made again from the live generation's documents and chunks (`build.lexical_inputs`)
and checked against the keys their tokens were made from (`tokens/keys.npy`), so a chunk is tokenised
from the very text a full build would tokenise. `tests/test_terms.py`.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from retrieval.indexing import store, token_store
from retrieval.indexing.inputs import lexical_inputs
from retrieval.indexing.embed import text_key
from retrieval.tokenize import Tokenizer, dictionary_word, normalize_once
from retrieval.types import Chunk, Document


class Mismatch(Exception):
    """The live generation's files do not give back the inputs its tokens were made from."""


def base_terms(base: Path, signature: str | None) -> list[str] | None:
    """The terms of the live generation's tokenizer (its `terms.txt`), None unless they give its
    manifest's tokenizer `signature` (the file is checksummed with the rest before this is read)."""
    try:
        terms = [t for t in (base / "terms.txt").read_text(encoding="utf-8").splitlines() if t]
    except (OSError, UnicodeDecodeError):
        return None
    return terms if Tokenizer(terms).signature == signature else None


def changed_words(old: Iterable[str], new: Iterable[str]) -> frozenset[str]:
    """The words jieba's dictionary gains or loses when the terms `old` become `new` (a term and its
    traditional or 、-spelled twin are one word: one that stays is no change)."""
    return frozenset({dictionary_word(t) for t in old} ^ {dictionary_word(t) for t in new})


def kept_inputs(base: Path, keep_documents: np.ndarray, keep_rows: np.ndarray) -> list[str]:
    """The BM25 inputs of the live generation's kept chunks, in row order (`build.lexical_inputs`)."""
    documents = [Document.from_dict(r) for r, k in zip(store.iter_jsonl(base / "documents.jsonl"), keep_documents)
                 if k]
    chunks = [Chunk(r["doc_id"], r["start"], r["end"], r["text"], r.get("paragraph", 0))
              for r, k in zip(store.iter_jsonl(base / "chunks.jsonl"), keep_rows) if k]
    return lexical_inputs({d.doc_id: d for d in documents}, chunks)


def holder(words: frozenset[str]) -> Callable[[str], bool]:
    """Whether a text, normalised as the tokenizer sees it, contains one of `words`."""
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    return lambda text: pattern.search(normalize_once(text)) is not None


def touched(inputs: list[str], words: frozenset[str]) -> np.ndarray:
    """Positions of the inputs whose normalised text contains one of `words`."""
    holds = holder(words)
    return np.array([i for i, t in enumerate(inputs) if holds(t)], dtype="int64")


def tokenize_touched(base: Path, keep_documents: np.ndarray, keep_rows: np.ndarray, keys: np.ndarray,
                     ids: np.ndarray, lengths: np.ndarray, words: frozenset[str], tokenizer: Tokenizer,
                     vocabulary: list[str], ids_of: dict[str, int]) -> tuple[np.ndarray, np.ndarray, int]:
    """The kept chunks' token `ids` (and `lengths` per chunk, `keys` their inputs' keys) with those
    whose input holds one of `words` tokenised again; new tokens are added to `vocabulary`/`ids_of`.
    Also how many were tokenised again."""
    inputs = kept_inputs(base, keep_documents, keep_rows)
    if len(inputs) != len(keys) or np.array([text_key(t) for t in inputs], dtype="S64").tobytes() != keys.tobytes():
        raise Mismatch("the kept chunks' BM25 inputs are not those their tokens were made from")
    rows = touched(inputs, words)
    if not len(rows):
        return ids, lengths, 0
    new_ids, new_offsets = token_store.encode([tokenizer(inputs[r]) for r in rows], vocabulary, ids_of)
    offsets = np.r_[0, np.cumsum(lengths)]
    pieces, at = [], 0
    for i, r in enumerate(rows.tolist()):
        pieces += [ids[offsets[at]:offsets[r]], new_ids[new_offsets[i]:new_offsets[i + 1]]]
        at = r + 1
    pieces.append(ids[offsets[at]:])
    lengths = lengths.copy()
    lengths[rows] = np.diff(new_offsets)
    return np.concatenate(pieces).astype("int32"), lengths, len(rows)
