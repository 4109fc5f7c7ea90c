"""The lexical side of the Milvus store: which of two a generation uses, and Milvus's own BM25 function.

    sparse       (default) each chunk's BM25 weights from our tokenizer and bm25s (idf x saturated tf,
                 k1 0.9, b 0.4) as a SPARSE_FLOAT_VECTOR; the query its token counts; inner product:
                 the local store's scores (`retrieval.indexing.stores.milvus.MilvusLexical`).
    milvus-bm25  Milvus tokenizes and scores: a VARCHAR field `words` (what the local BM25 indexes:
                 title, section headings and chunk, normalised as our tokenizer normalises: NFKC,
                 traditional -> simplified, lower case) with a jieba analyzer (search mode, our domain
                 dictionary, our stop words), a `FunctionType.BM25` into the sparse field, the query
                 sent as text (`MilvusBM25`); Milvus's BM25 (k1 0.9, b 0.4; its own idf and lengths).

Chosen at build time by $RETRIEVAL_MILVUS_LEXICAL (`sparse` when unset), recorded in the manifest
written to Milvus (`"milvus": {"lexical": …}`); the query side reads it there.
"""
from __future__ import annotations

import os

import numpy as np

from retrieval.indexing.stores import StoreError
from retrieval.indexing.stores.milvus import MilvusLexical, guarded

ENV = "RETRIEVAL_MILVUS_LEXICAL"
SPARSE, BM25 = "sparse", "milvus-bm25"
K1, B = 0.9, 0.4          # as bm25s is set here (`retrieval.indexing.lexical`)
WORDS_MAX = 65_535        # bytes of the analysed VARCHAR field


def lexical_setting() -> str:
    """The lexical side a build writes ($RETRIEVAL_MILVUS_LEXICAL, `sparse` when unset)."""
    value = os.environ.get(ENV, SPARSE).strip() or SPARSE
    if value not in (SPARSE, BM25):
        raise StoreError(f"${ENV} is {value!r}: give {SPARSE!r} or {BM25!r}")
    return value


def lexical_of(manifest: dict) -> str:
    """The lexical side a generation was written with (generations before the setting: sparse)."""
    return manifest.get("milvus", {}).get("lexical", SPARSE)


def analyzer(terms: list[str]) -> dict:
    """jieba in search mode with the domain dictionary and the stop words of `retrieval.tokenize`
    (`_default_` keeps jieba's own dictionary on a Milvus server; Milvus Lite adds the words to it)."""
    from retrieval.tokenize import STOPWORDS, normalize

    words = sorted({normalize(t).replace("、", "") for t in terms} - {""})
    return {"tokenizer": {"type": "jieba", "mode": "search", "dict": ["_default_", *words]},
            "filter": [{"type": "stop", "stop_words": sorted(STOPWORDS)}]}


def add_bm25(schema, params, terms: list[str]) -> None:
    """The analysed text field and the BM25 function writing the `sparse` field, with its index."""
    from pymilvus import DataType, Function, FunctionType

    schema.add_field("words", DataType.VARCHAR, max_length=WORDS_MAX, enable_analyzer=True,
                     analyzer_params=analyzer(terms))
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=["words"], output_field_names=["sparse"]))
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": K1, "bm25_b": B})


def words(text: str) -> str:
    from retrieval.tokenize import normalize

    return normalize(text)


class MilvusBM25(MilvusLexical):
    """BM25 by Milvus's own function: the query goes as text (the question's content words, as the
    engine searches them), Milvus tokenizes it and scores. `vocab`, `df` and `idf` (the corrector,
    the coverage of BM25's best chunk, the highlights) stay ours: the lexicon of our tokenizer."""

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None,
               text: str | None = None) -> dict[int, float]:
        query = words(text) if text else " ".join(dict.fromkeys(tokens))
        rows = None if mask is None else np.flatnonzero(mask)
        if not query.strip() or self.size == 0 or (rows is not None and not len(rows)):
            return {}
        found = guarded(
            self.where, self.mc.search, self.collection, [query], anns_field="sparse", limit=min(k, self.size),
            filter="" if rows is None else f"row in {rows.tolist()}", output_fields=["row"],
            search_params={"metric_type": "BM25"})
        # Milvus Lite 3.2.2 gives BM25 hits a negated distance (best first); a server gives the score
        return {int(h["entity"]["row"]): abs(float(h["distance"])) for h in found[0] if h["distance"]}
