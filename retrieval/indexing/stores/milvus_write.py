"""Writing one generation into Milvus: the collections' schemas and their rows, from a local generation folder.

    meta, docs   manifest, terms, lexicon; the clean documents (JSON in parts of PART characters)
    chunks       row -> content key, chunk JSON, lexical side (our BM25 weights, or text for Milvus's BM25 function)
    sentences    id -> chunk row, offsets, content key
    vectors      once per content key, in the collections shared by the generations (`milvus_vectors`):
                 only the keys they lack are inserted
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse

from retrieval.indexing import store
from retrieval.indexing.dense import EXACT_LIMIT, HNSW_M, Dense
from retrieval.indexing.lexical import Lexical
from retrieval.search.glossary import GLOSSARY
from retrieval.indexing.stores.milvus import BATCH, PART
from retrieval.indexing.stores.milvus_bm25 import add_bm25, words
from retrieval.indexing.stores.milvus_vectors import missing

KEY = 64             # characters of a content key (sha256, hex)
TEXT = {"max_length": 65_535}


def collection(mc, name: str, fields, primary, vector_dim: int | None = None, rows: int = 0,
               sparse: bool = False, terms: list[str] | None = None) -> None:
    """A collection: `primary` (name, type), `fields`, a FLOAT_VECTOR `vector` of `vector_dim` (FLAT up to
    EXACT_LIMIT rows, HNSW above, as `retrieval.indexing.dense`), a sparse lexical side (`terms`: Milvus's BM25)."""
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False)
    field, kind = primary
    schema.add_field(field, kind, is_primary=True, **({"max_length": KEY} if kind == DataType.VARCHAR else {}))
    for fname, ftype, extra in fields:
        schema.add_field(fname, ftype, **extra)
    params = mc.prepare_index_params()
    if vector_dim:
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=vector_dim)
        index = "FLAT" if rows <= EXACT_LIMIT else "HNSW"
        params.add_index("vector", index_type=index, metric_type="IP",
                         **({"params": {"M": HNSW_M, "efConstruction": 200}} if index == "HNSW" else {}))
    if sparse and terms is not None:
        add_bm25(schema, params, terms)
    elif sparse:
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    mc.create_collection(name, schema=schema, index_params=params)


def create(mc, name: dict[str, str], terms: list[str] | None = None) -> None:
    """The generation's collections (no dense vectors: those are shared, `ensure_vectors`); the chunks'
    lexical side our BM25 weights, or with `terms` Milvus's BM25 function (`milvus_bm25`)."""
    from pymilvus import DataType

    pk, key = ("id", DataType.INT64), ("key", DataType.VARCHAR, {"max_length": KEY})
    collection(mc, name["meta"], [("blob", DataType.VARCHAR, {"max_length": 64}), ("part", DataType.INT64, {}),
                                  ("text", DataType.VARCHAR, TEXT)], pk, 2)
    collection(mc, name["docs"], [("doc_id", DataType.VARCHAR, {"max_length": 512}), ("seq", DataType.INT64, {}),
                                  ("part", DataType.INT64, {}), ("text", DataType.VARCHAR, TEXT)], pk, 2)
    collection(mc, name["chunks"], [key, ("chunk", DataType.VARCHAR, TEXT)], ("row", DataType.INT64),
               sparse=True, terms=terms)
    collection(mc, name["sentences"], [("row", DataType.INT64, {}), ("start", DataType.INT64, {}),
                                       ("end", DataType.INT64, {}), key], pk, 2)


def ensure_vectors(mc, shared: dict[str, str], dim: int, rows: dict[str, int]) -> None:
    """The shared vector collections, created when missing (their index chosen by the first build's size)."""
    from pymilvus import DataType

    held = set(mc.list_collections())
    for part, name in shared.items():
        if name not in held:
            collection(mc, name, [], ("key", DataType.VARCHAR), dim, rows[part])


def put_vectors(mc, shared: dict[str, str], folder: Path, dim: int) -> int:
    """The vectors of the keys the shared collections lack (each key once); how many were inserted."""
    inserted = 0
    files = {"chunks": ("chunks.jsonl", "dense.faiss"), "sentences": ("sentences.jsonl", "sentences.faiss")}
    keys = {part: [r["key"] for r in store.iter_jsonl(folder / table)] for part, (table, _) in files.items()}
    ensure_vectors(mc, shared, dim, {part: len(k) for part, k in keys.items()})
    for part, (_, faiss) in files.items():
        mc.load_collection(shared[part])
        new = set(missing(mc, shared[part], keys[part]))
        if not new:
            continue
        vectors, first = Dense.load(folder / faiss).rows, {}
        for i, key in enumerate(keys[part]):
            if key in new:
                first.setdefault(key, i)
        insert(mc, shared[part], ({"key": key, "vector": np.asarray(vectors[i]).tolist()} for key, i in first.items()))
        inserted += len(first)
    return inserted


def parts(text: str) -> list[str]:
    return [text[i:i + PART] for i in range(0, len(text), PART)] or [""]


def insert(mc, name: str, rows) -> None:
    page = []
    for row in rows:
        page.append(row)
        if len(page) == BATCH:
            mc.insert(name, page)
            page = []
    if page:
        mc.insert(name, page)


def put_meta(mc, name: str, manifest: dict, folder: Path, lexical: Lexical) -> None:
    vocab = sorted(lexical.vocab, key=lexical.vocab.get)
    blobs = {"manifest": json.dumps(manifest, ensure_ascii=False),
             "terms": (folder / "terms.txt").read_text(encoding="utf-8"),
             "lexicon": json.dumps({"vocab": vocab, "df": lexical.df.tolist()}, ensure_ascii=False)}
    if (folder / GLOSSARY).exists():        # the formulations, so that no load builds them again
        blobs["glossary"] = (folder / GLOSSARY).read_text(encoding="utf-8")
    insert(mc, name, ({"id": n, "blob": blob, "part": i, "text": t, "vector": [0.0, 0.0]}
                      for n, (blob, i, t) in enumerate((b, i, t) for b, text in blobs.items()
                                                       for i, t in enumerate(parts(text)))))


def put_docs(mc, name: str, documents) -> None:
    def rows():
        n = 0
        for seq, doc in enumerate(documents):
            for i, t in enumerate(parts(json.dumps(doc, ensure_ascii=False))):
                yield {"id": n, "doc_id": doc["doc_id"], "seq": seq, "part": i, "text": t, "vector": [0.0, 0.0]}
                n += 1
    insert(mc, name, rows())


def bm25_rows(lexical: Lexical) -> scipy.sparse.csr_matrix:
    """bm25s' precomputed scores (idf x saturated tf) as chunk rows x vocabulary columns."""
    s = lexical.retriever.scores
    return scipy.sparse.csc_matrix((s["data"], s["indices"], s["indptr"]),
                                   shape=(lexical.size, len(s["indptr"]) - 1)).tocsr()


def bm25_texts(folder: Path) -> list[str]:
    """What the local BM25 indexes for each chunk (`retrieval.indexing.build.lexical_inputs`: title, section
    headings, chunk), normalised as our tokenizer normalises: the text Milvus's BM25 function analyses."""
    from retrieval.indexing.build import lexical_inputs
    from retrieval.types import Chunk, Document

    documents = {d["doc_id"]: Document.from_dict(d) for d in store.iter_jsonl(folder / "documents.jsonl")}
    chunks = [Chunk(c["doc_id"], c["start"], c["end"], c["text"], c.get("paragraph", 0))
              for c in store.iter_jsonl(folder / "chunks.jsonl")]
    return [words(text) for text in lexical_inputs(documents, chunks)]


def put_chunks(mc, name: str, folder: Path, lexical: Lexical | None) -> None:
    """The chunk rows with their BM25 weights, or (`lexical` None) the text Milvus's BM25 function analyses."""
    weights = bm25_rows(lexical) if lexical is not None else None
    texts = bm25_texts(folder) if lexical is None else None

    def rows():
        for r, chunk in enumerate(store.iter_jsonl(folder / "chunks.jsonl")):
            row = {"row": r, "key": chunk.pop("key")}
            row["chunk"] = json.dumps(chunk, ensure_ascii=False)
            if weights is None:
                yield row | {"words": texts[r]}
                continue
            lo, hi = weights.indptr[r], weights.indptr[r + 1]
            sparse = {int(j): float(v) for j, v in zip(weights.indices[lo:hi], weights.data[lo:hi]) if v > 0}
            yield row | {"sparse": sparse or {len(lexical.vocab): 1e-9}}
    insert(mc, name, rows())


def put_sentences(mc, name: str, folder: Path) -> None:
    insert(mc, name, ({"id": j, "row": s["row"], "start": s["start"], "end": s["end"], "key": s["key"],
                       "vector": [0.0, 0.0]} for j, s in enumerate(store.iter_jsonl(folder / "sentences.jsonl"))))
