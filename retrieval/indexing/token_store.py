"""The BM25 tokens of every chunk, kept with the generation (`tokens/`) so that the next build with the
same tokenizer tokenises only the texts it has not seen.

Tokenising is most of a build once the vectors are reused (jieba over every chunk: about 5 minutes for
100,000 chunks on this machine, README "Scale"), so adding one document would cost that much again.
bm25s cannot add documents, but rebuilding its matrix from token lists is quick. A token list is
reused only when the tokenizer's signature (its domain terms, `Tokenizer.signature`) is the one that
made it, or when only its terms differ and the text holds none of the words the change adds or removes
(a term changes only the tokens of the texts that hold it, `retrieval.tokenize.Tokenizer`), from files
whose checksums the sealed manifest confirms: the index is then the one a build from scratch makes.

    tokens/
      keys.npy        sha256 (as 64 ASCII bytes) of each chunk's BM25 input (`build.lexical_inputs`)
      ids.npy         the token ids of every chunk, one after the other (int32)
      offsets.npy     chunk i's ids are ids[offsets[i]:offsets[i + 1]] (int64)
      vocab.json      {"signature": tokenizer signature, "tokens": [token of id 0, 1, …]}
"""
from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from retrieval.indexing import store
from retrieval.indexing.embed import text_key
from retrieval.indexing.seal import verified_file

log = logging.getLogger(__name__)
FOLDER = "tokens"
FILES = ("keys.npy", "ids.npy", "offsets.npy", "vocab.json")


def tokenize_all(inputs: Sequence[str], tokenize: Callable[[str], list[str]], signature: str,
                 previous: Path | None) -> tuple[list[list[str]], int]:
    """Token lists of `inputs`, those of the `previous` generation reused (same signature, verified
    files; or the same tokenizer with other terms, `tokenize.terms`, for the texts that hold none of
    the words the change of terms adds or removes); and how many were tokenised by this call."""
    known, changed = reusable(previous, signature, getattr(tokenize, "terms", None)) if previous is not None \
        else ({}, frozenset())
    if changed:
        from retrieval.indexing.retokenize import holder

        holds = holder(changed)
    out, made = [], 0
    for text in inputs:
        tokens = known.get(text_key(text))
        if tokens is None or (changed and holds(text)):
            tokens, made = tokenize(text), made + 1
        out.append(tokens)
    return out, made


def reusable(folder: Path, signature: str, terms: list[str] | None) -> tuple[dict[str, list[str]], frozenset[str]]:
    """`previous_tokens` of the generation in `folder`, also when its tokenizer held other terms than
    `terms` (its verified `terms.txt` giving its signature): then with the words the change adds or
    removes, since a text that holds one must be tokenised again (`retrieval.indexing.retokenize`)."""
    from retrieval.indexing import retokenize
    from retrieval.indexing.build import reusable_manifest

    manifest = reusable_manifest(folder)
    made_by = manifest.get("tokenizer") if manifest else None
    if terms is None or made_by in (None, signature) or not verified_file(folder, manifest, "terms.txt"):
        return previous_tokens(folder, signature), frozenset()
    old = retokenize.base_terms(folder, made_by)
    if old is None:
        return {}, frozenset()
    return previous_tokens(folder, made_by), retokenize.changed_words(old, terms)


def save(folder: Path, inputs: Sequence[str], tokens: Sequence[list[str]], signature: str) -> None:
    words: list[str] = []
    ids, offsets = encode(tokens, words, {})
    write(folder, np.array([text_key(t) for t in inputs], dtype="S64"), ids, offsets, words, signature)


def encode(tokens: Sequence[list[str]], words: list[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and offsets of the token lists; a token not in `vocab` gets the next id (appended
    to `words`, its token of each id)."""
    ids, offsets = array("i"), array("q", [0])
    for chunk in tokens:
        for t in chunk:
            if t not in vocab:
                vocab[t] = len(words)
                words.append(t)
            ids.append(vocab[t])
        offsets.append(len(ids))
    return (np.frombuffer(ids, dtype="int32") if len(ids) else np.zeros(0, "int32"),
            np.frombuffer(offsets, dtype="int64"))


def write(folder: Path, keys: np.ndarray, ids: np.ndarray, offsets: np.ndarray, words: list[str],
          signature: str) -> None:
    target = folder / FOLDER
    target.mkdir()
    np.save(target / "keys.npy", keys)
    np.save(target / "ids.npy", ids)
    np.save(target / "offsets.npy", offsets)
    store.write_json(target / "vocab.json", {"signature": signature, "tokens": words})


def read(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], str]:
    """keys, ids, offsets, words and signature of a generation's `tokens/` (checksums not checked)."""
    part = folder / FOLDER
    vocab = store.read_json(part / "vocab.json")
    keys, ids, offsets = (np.load(part / name) for name in ("keys.npy", "ids.npy", "offsets.npy"))
    return keys, ids, offsets, vocab["tokens"], vocab.get("signature")


def previous_tokens(folder: Path, signature: str) -> dict[str, list[str]]:
    """{input key: tokens} of the generation in `folder` when its tokenizer had `signature` and every
    token file matches its checksum; {} otherwise (everything is tokenised again)."""
    try:
        from retrieval.indexing.build import reusable_manifest

        manifest = reusable_manifest(folder)
        if manifest is None or manifest.get("tokenizer") != signature or \
                not all(verified_file(folder, manifest, f"{FOLDER}/{name}") for name in FILES):
            return {}
        keys, ids, offsets, words, made_by = read(folder)
        words = np.array(words + [""], dtype=object)
        if made_by != signature or len(offsets) != len(keys) + 1:
            return {}
        return {k.decode(): words[ids[offsets[i]:offsets[i + 1]]].tolist() for i, k in enumerate(keys)}
    except Exception as exc:  # noqa: BLE001  (unreadable or malformed: tokenise again)
        log.warning("not reusing the tokens of %s: %s", folder.name, exc)
        return {}
