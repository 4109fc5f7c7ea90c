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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.indexing import store
from retrieval.indexing.embed import text_key
from retrieval.indexing.previous import reusable_manifest
from retrieval.indexing.seal import verified_file

log = logging.getLogger(__name__)
FOLDER = "tokens"
FILES = ("keys.npy", "ids.npy", "offsets.npy", "vocab.json")


@dataclass
class TokenIds:
    """Every chunk's BM25 tokens as ids: chunk i is `words[ids[offsets[i]:offsets[i + 1]]]`, `keys[i]`
    the key of its input; `made`: how many were tokenised (the rest came from the previous generation)."""

    keys: np.ndarray
    ids: np.ndarray
    offsets: np.ndarray
    words: list[str]
    made: int = 0


class Vocabulary:
    """Token ids in order of first use, as `encode` numbers them, grown one chunk at a time."""

    def __init__(self):
        self.words: list[str] = []
        self.of: dict[str, int] = {}
        self.ids, self.offsets = array("i"), array("q", [0])

    def id(self, token: str) -> int:
        i = self.of.get(token)
        if i is None:
            i = self.of[token] = len(self.words)
            self.words.append(token)
        return i

    def add(self, tokens: list[str]) -> None:
        self.ids.extend(map(self.id, tokens))
        self.offsets.append(len(self.ids))

    def add_kept(self, kept: "Kept", at: int) -> None:
        """Chunk `at` of a previous generation's tokens, its ids mapped to this vocabulary."""
        old = kept.ids[kept.offsets[at]:kept.offsets[at + 1]]
        new = kept.remap[old]
        if (new < 0).any():
            for t in old[new < 0].tolist():
                if kept.remap[t] < 0:
                    kept.remap[t] = self.id(kept.words[t])
            new = kept.remap[old]
        self.ids.frombytes(new.astype("int32").tobytes())
        self.offsets.append(len(self.ids))

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.frombuffer(self.ids, dtype="int32") if len(self.ids) else np.zeros(0, "int32"),
                np.frombuffer(self.offsets, dtype="int64"))


@dataclass
class Kept:
    """A previous generation's token ids, found by input key (`find`), mapped to a new vocabulary (`remap`)."""

    keys: np.ndarray
    ids: np.ndarray
    offsets: np.ndarray
    words: list[str]

    def __post_init__(self):
        self.order = np.argsort(self.keys, kind="stable")
        self.sorted = self.keys[self.order]
        self.remap = np.full(len(self.words), -1, dtype="int64")

    def find(self, key: bytes) -> int:
        """The chunk whose input has `key`, -1 when none."""
        at = int(np.searchsorted(self.sorted, key))
        return int(self.order[at]) if at < len(self.sorted) and self.sorted[at] == key else -1


def tokenize_ids(inputs: Iterable[str], tokenize: Callable[[str], list[str]], signature: str,
                 previous: Path | None) -> TokenIds:
    """The token ids of `inputs`, made one input at a time (no token list is kept), those of the
    `previous` generation reused (same signature, verified files; or the same tokenizer with other
    terms, `tokenize.terms`, for the texts that hold none of the words the change of terms adds or
    removes). The ids, offsets and vocabulary are those `encode` gives of the token lists."""
    kept, changed = reusable(previous, signature, getattr(tokenize, "terms", None)) if previous is not None \
        else (None, frozenset())
    if changed:
        from retrieval.indexing.retokenize import holder

        holds = holder(changed)
    vocabulary, keys, made = Vocabulary(), bytearray(), 0
    for text in inputs:
        key = text_key(text).encode()
        keys += key
        at = kept.find(key) if kept is not None else -1
        if at < 0 or (changed and holds(text)):
            vocabulary.add(tokenize(text))
            made += 1
        else:
            vocabulary.add_kept(kept, at)
    ids, offsets = vocabulary.arrays()
    keys = np.frombuffer(bytes(keys), dtype="S64") if keys else np.zeros(0, "S64")
    return TokenIds(keys, ids, offsets, vocabulary.words, made)


def reusable(folder: Path, signature: str, terms: list[str] | None) -> tuple[Kept | None, frozenset[str]]:
    """`kept_ids` of the generation in `folder`, also when its tokenizer held other terms than
    `terms` (its verified `terms.txt` giving its signature): then with the words the change adds or
    removes, since a text that holds one must be tokenised again (`retrieval.indexing.retokenize`)."""
    from retrieval.indexing import retokenize

    manifest = reusable_manifest(folder)
    made_by = manifest.get("tokenizer") if manifest else None
    if terms is None or made_by in (None, signature) or not verified_file(folder, manifest, "terms.txt"):
        return kept_ids(folder, signature), frozenset()
    old = retokenize.base_terms(folder, made_by)
    if old is None:
        return None, frozenset()
    return kept_ids(folder, made_by), retokenize.changed_words(old, terms)


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


def kept_ids(folder: Path, signature: str) -> Kept | None:
    """The token ids of the generation in `folder` when its tokenizer had `signature` and every token
    file matches its checksum; None otherwise (everything is tokenised again)."""
    try:
        manifest = reusable_manifest(folder)
        if manifest is None or manifest.get("tokenizer") != signature or \
                not all(verified_file(folder, manifest, f"{FOLDER}/{name}") for name in FILES):
            return None
        keys, ids, offsets, words, made_by = read(folder)
        if made_by != signature or len(offsets) != len(keys) + 1 or keys.dtype != np.dtype("S64") or \
                (len(ids) and (ids.min() < 0 or ids.max() >= len(words))) or offsets[-1] != len(ids):
            return None
        return Kept(keys, ids, offsets, list(words))
    except Exception as exc:  # noqa: BLE001  (unreadable or malformed: tokenise again)
        log.warning("not reusing the tokens of %s: %s", folder.name, exc)
        return None


def previous_tokens(folder: Path, signature: str) -> dict[str, list[str]]:
    """{input key: tokens} of the generation in `folder` (`kept_ids`; {} when none), as lists of strings."""
    kept = kept_ids(folder, signature)
    if kept is None:
        return {}
    words = np.array(kept.words + [""], dtype=object)
    return {k.decode(): words[kept.ids[kept.offsets[i]:kept.offsets[i + 1]]].tolist() for i, k in enumerate(kept.keys)}
