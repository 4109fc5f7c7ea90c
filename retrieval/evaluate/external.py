"""External QA sets (CMRC 2018 dev, DRCD dev): each passage becomes a corpus document.

For every question and every mode (hybrid, BM25 only, dense only; the same passage
assembly for all three) it measures: the top passage comes from the gold passage
(@1, @5), the answer is contained in the top-1 passage (and in one of the top 5),
and the median length of the top-1 passage; for the hybrid engine also whether the
answer lies in a highlighted sentence of the top-1 passage, and the share highlighted.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from retrieval.indexing.build import build_from_documents
from retrieval.search.engine import MODES, Engine
from retrieval.indexing.manifest import stale_reasons
from retrieval.evaluate.metrics import Tally, contains_answer, highlighted_share, in_highlights
from retrieval.search.refusal import MIN_COSINE, Evidence, decide
from retrieval.tokenize import converter
from retrieval.types import Document

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def load_documents(name: str, folder: Path = SHARED) -> list[Document]:
    """The passages of a set, folded to simplified characters like the corpus."""
    t2s = converter()
    docs = []
    with open(folder / f"{name}.corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            docs.append(Document(doc_id=row["context_id"], path=row["context_id"],
                                 title=t2s.convert(row["title"]), text=t2s.convert(row["text"])))
    return docs


def load_questions(name: str, folder: Path = SHARED, limit: int | None = None) -> list[dict]:
    with open(folder / f"{name}.questions.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return rows[:limit] if limit else rows


def open_engine(name: str, cache: Path, model: str | None = None, store: str | None = None) -> Engine:
    """An engine over the set's passages; the index is cached (built once, reused). With `store` (a
    Milvus location, `retrieval.indexing.stores`), the cached index is published there and answers from it."""
    engine = open_local(name, cache, model)
    if store is None:
        return engine
    from retrieval.indexing.stores.milvus_build import publish_copy

    where = set_location(store, name)
    publish_copy(engine.folder, where)
    return Engine(where, None, model)


def set_location(store: str, name: str) -> str:
    """Where a set's index goes in a Milvus store: beside a Milvus Lite file (`index/milvus.db` ->
    `index/milvus.cmrc2018_dev.db`), or the server's database named for the set (it must exist)."""
    if store.startswith("milvus://"):
        address = store.removeprefix("milvus://").split("/")[0]
        return f"milvus://{address}/{name}"
    return str(Path(store).with_suffix(f".{name}.db"))


def open_local(name: str, cache: Path, model: str | None = None) -> Engine:
    """An engine over the set's passages in the local index `cache/name` (built once, then reused)."""
    index_dir = cache / name
    docs = load_documents(name)
    try:
        engine = Engine(index_dir, None, model)
        if engine.manifest["counts"]["documents"] == len(docs) and \
                not stale_reasons(engine.manifest, None, engine.embedder.name, backend=engine.embedder.label):
            return engine
    except Exception:  # no cached index yet, or an unusable one: build it (reusing its vectors)
        pass
    build_from_documents(docs, (), index_dir, model)
    return Engine(index_dir, None, model)


def score_question(engine: Engine, q: dict, tallies: dict[str, Tally]) -> Evidence:
    """Tally the question in every mode of `tallies` (hybrid first); return the hybrid engine's refusal evidence."""
    qvec = engine.embed_query(q["question"])
    for mode in tallies:
        passages, evidence = engine.retrieve(q["question"], 5, mode=mode, qvec=qvec)
        if mode == "hybrid":
            hybrid = evidence
        texts = [engine.documents[p.doc_id].text[p.start:p.end] for p in passages]
        gold = [p.doc_id == q["context_id"] for p in passages]
        hits = [g and contains_answer(t, q["answers"]) for g, t in zip(gold, texts)]
        tally = tallies[mode]
        tally.n += 1
        tally.add(gold_at_1=bool(gold[:1] and gold[0]), gold_at_5=any(gold),
                  answer_in_top1=bool(hits[:1] and hits[0]), answer_in_top5=any(hits))
        tally.lengths.append(len(texts[0]) if texts else 0)
        if mode == "hybrid" and passages:
            marks = engine.highlighter(q["question"], qvec)(passages[0])
            tally.add(answer_in_highlight=hits[0] and in_highlights(texts[0], marks, q["answers"]),
                      highlighted_share=highlighted_share(texts[0], marks))
    return hybrid


def evaluate(name: str, cache: Path, limit: int | None = None, model: str | None = None,
             store: str | None = None, modes=MODES) -> dict:
    """The figures of every mode in `modes` (hybrid always: the refusal is the hybrid engine's)."""
    engine = open_engine(name, cache, model, store)
    tallies = {mode: Tally() for mode in MODES if mode == "hybrid" or mode in modes}
    evidence = [score_question(engine, q, tallies)
                for q in tqdm(load_questions(name, limit=limit), desc=name, unit="q")]
    return {**{mode: t.summary() for mode, t in tallies.items()},
            "answered": answered(evidence, engine.min_cosine)}


def answered(evidence: list[Evidence], min_cosine: float = MIN_COSINE) -> dict:
    """Every question of these sets is answerable: the share `found` is true for, with and
    without the answer-type rule of `retrieval.search.refusal` (the share that rule alone refuses)."""
    n = len(evidence) or 1
    return {"answered": round(sum(decide(e, min_cosine=min_cosine) for e in evidence) / n, 3),
            "answered_without_answer_type_rule":
                round(sum(decide(replace(e, typed=True), min_cosine=min_cosine) for e in evidence) / n, 3)}
