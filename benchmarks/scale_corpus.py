"""A large corpus of real text for `benchmarks/scale.py`: the seed documents' paragraphs and the
CMRC 2018 / DRCD dev passages (cleaned as the corpus reader cleans them), recombined into new
documents with new titles, sources and dates, deterministically (`documents(n_chunks)` gives the
same documents on every run). Chunking, sentences, BM25 and citations then see real Chinese text.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from retrieval.ingest.clean import clean_line
from retrieval.ingest.corpus import load_corpus
from retrieval.ingest.structure import build_structure
from retrieval.ingest.read.base import Block
from retrieval.types import Document

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
EVAL_CORPORA = ("cmrc2018_dev", "drcd_dev")
SOURCES = ("人民日报", "光明日报", "求是网", "《旗帜》", "《紫光阁》", "中国纪检监察报", "学习时报", "党建网")
TOPICS = ("机关党建", "基层治理", "干部教育", "作风建设", "理论学习", "组织建设", "廉政建设", "制度建设")
FORMS = ("关于{}的若干思考", "扎实推进{}", "以{}引领高质量发展", "{}工作的实践与启示", "深化{}的路径探析")
PARAGRAPHS_PER_DOC = (4, 12)
CHUNKS_PER_PARAGRAPH = 2.2      # measured on this pool (chunk size 300, overlap 60): for sizing only


@lru_cache(maxsize=1)
def paragraphs() -> tuple[str, ...]:
    """Every paragraph of the pool: seed paragraphs (clean), then each eval passage (cleaned)."""
    seeds = load_corpus(SHARED / "seeds").documents
    out = [d.text[p.start:p.end] for d in seeds for p in d.paragraphs if len(d.text[p.start:p.end]) >= 20]
    for name in EVAL_CORPORA:
        with open(SHARED / "eval" / f"{name}.corpus.jsonl", encoding="utf-8") as fh:
            out += [clean_line(json.loads(line)["text"]) for line in fh if line.strip()]
    return tuple(p for p in out if p)


def title(rng: random.Random, i: int) -> str:
    return rng.choice(FORMS).format(rng.choice(TOPICS)) + f"（之{i}）"


def document(i: int, extra: tuple[str, ...] = ()) -> Document:
    """Document `i` of the corpus: a few paragraphs of the pool in a new order, a new title and date;
    the paragraphs `extra` last."""
    rng = random.Random(i)
    pool = paragraphs()
    picked = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(*PARAGRAPHS_PER_DOC))] + list(extra)
    text, paras = build_structure([Block(p) for p in picked], infer_headings=False)
    name = f"scale/{i:07d}.txt"
    return Document(doc_id=name, path=name, title=title(rng, i), text=text, source=rng.choice(SOURCES),
                    date=f"{rng.randint(2012, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    paragraphs=paras, sha256=f"{i:064x}")


def documents(n_chunks: int) -> Iterator[Document]:
    """Documents until about `n_chunks` chunks (the caller counts the real chunks)."""
    mean = sum(PARAGRAPHS_PER_DOC) / 2 * CHUNKS_PER_PARAGRAPH
    for i in range(int(n_chunks / mean) + 1):
        yield document(i)
