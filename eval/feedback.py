"""Query-side feedback for paraphrases (issue #11), measured by `eval/feedback_sweep.py`; none is in the engine.

Well-known techniques that need no new model (m3e-small's own vectors, the BM25 index), each applied in a
second retrieval after the engine's first one, fused like the first (`retrieval.search.fusion.fuse`):

- dense pseudo-relevance feedback (Rocchio 1971): the question's vector plus `DENSE_PRF` times the mean
  vector of the first ranking's `PRF_DEPTH` best chunks (or of each one's sentence nearest the question),
  renormalised, searched again;
- the question's content (its frame removed: `retrieval.search.question`) embedded beside the whole question:
  the two vectors summed (`CONTENT_WEIGHT`), or both searched and a chunk's two dense scores combined;
- lexical feedback (RM3, Abdul-Jaleel et al. 2004): the words of the first ranking's best chunks, weighted by
  their share of each chunk times the chunk's score, added to BM25's query at `RM3_WEIGHT`;
- embedding neighbours (query expansion by word vectors, Kuzi et al. 2016): for each content word the corpus
  never uses, the corpus words nearest it by m3e cosine, added to BM25's query at `NEIGHBOURS`.

Each applies only when BM25's best chunk holds at most `WEAK` of the question's content (1.0: always). The
refusal and the highlights keep the question's own vector. `installed()` puts the second retrieval into
`Engine.retrieve` (hybrid mode, no document filter) for the length of an evaluation; all settings 0 = the engine.
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

import numpy as np

import retrieval.search.engine as engine_module
from retrieval.search.cosines import POOL
from retrieval.search.engine import Engine
from retrieval.search.questionside import ALPHA
from retrieval.search.fusion import fuse

DENSE_PRF = 0.0       # Rocchio's beta: weight of the mean of the best chunks' vectors (0: off)
PRF_DEPTH = 3         # chunks of the first ranking whose vectors (or words) are fed back
PRF_SOURCE = "fused"  # the first ranking: "fused" (both retrievers) or "dense"
CONTENT_WEIGHT = 0.0  # weight of the content's vector beside the question's (0: off)
PRF_VECTORS = "chunk"  # what is fed back of those chunks: their "chunk" vectors or their best "sentence"'s
CONTENT_MODE = "vector"  # the content's vector "vector": summed with the question's; "mean" / "max": both
                         # searched, a chunk's dense score their weighted mean / maximum
RM3_WEIGHT = 0.0      # weight of the feedback words in BM25's query (0: off)
RM3_TERMS = 10        # feedback words kept
NEIGHBOURS = 0.0      # weight in BM25's query of the corpus words nearest (m3e cosine) a question word the corpus lacks
NEIGHBOUR_COUNT, NEIGHBOUR_MIN = 2, 0.8   # ... that many per word, at least this cosine
WEAK = 1.0            # feedback only when BM25's best chunk covers at most this share of the content


def normalised(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def rocchio(qvec: np.ndarray, vectors: np.ndarray, beta: float) -> np.ndarray:
    """q + beta * mean(vectors), renormalised (q itself when there are no vectors or beta is 0)."""
    if beta == 0 or not len(vectors):
        return qvec
    return normalised(qvec + beta * np.asarray(vectors, dtype="float32").mean(axis=0)).astype("float32")


def with_content(qvec: np.ndarray, cvec: np.ndarray | None, weight: float) -> np.ndarray:
    """The question's vector plus `weight` times its content's, renormalised."""
    if cvec is None or weight == 0:
        return qvec
    return normalised(qvec + weight * cvec).astype("float32")


def relevance_model(docs: list[tuple[list[str], float]], idf, exclude: set[str], k: int) -> dict[str, float]:
    """RM1 over feedback documents [(tokens, score)]: P(w|R) ~ sum_d P(w|d) * score(d), over words the
    corpus knows (idf > 0) that are not in `exclude`; the `k` heaviest, scaled to sum to 1."""
    weights: Counter = Counter()
    total = sum(max(s, 0.0) for _, s in docs) or 1.0
    for tokens, score in docs:
        words = [t for t in tokens if t not in exclude and len(t) > 1 and idf(t) > 0]
        for word, n in Counter(words).items():
            weights[word] += n / len(tokens) * max(score, 0.0) / total
    top = weights.most_common(k)
    mass = sum(w for _, w in top) or 1.0
    return {word: w / mass for word, w in top}


def expanded_scores(lexical, tokens: list[str], expansion: dict[str, float], weight: float) -> np.ndarray:
    """BM25 scores of the query plus `weight` times the expansion words' weighted scores, scaled so the
    expansion's weights sum to the query's length (each query token weighs 1)."""
    scores = lexical.scores(tokens).astype("float64")
    extra = np.zeros_like(scores)
    for word, w in expansion.items():
        extra += w * lexical.scores([word])
    return (scores + weight * len(tokens) * extra).astype("float32")


def top_rows(scores: dict[int, float], k: int) -> list[int]:
    return sorted(scores, key=lambda r: (-scores[r], r))[:k]


def content_vector(engine, text: str, content: str) -> np.ndarray | None:
    """The vector of the question's content when it is on and differs from the question."""
    content = content.replace(" ", "")
    if not CONTENT_WEIGHT or not content or content == text:
        return None
    return engine.embedder.encode([content])[0]


def feedback_vectors(engine, rows: list[int], qvec: np.ndarray) -> np.ndarray:
    """The vectors fed back for `rows`: the chunks', or each chunk's sentence nearest the question."""
    vectors = engine.dense.vectors(rows)
    if PRF_VECTORS != "sentence":
        return vectors
    out = []
    for row, vector in zip(rows, vectors):
        lo, hi = engine.sentence_ptr[row], engine.sentence_ptr[row + 1]
        own = engine.sentence_vectors[lo:hi]
        out.append(own[int(np.argmax(own @ qvec))] if hi > lo else vector)
    return np.asarray(out, dtype="float32")


def two_views(engine, qvec: np.ndarray, cvec: np.ndarray, mask):
    """Dense candidates of the question's and the content's vectors, and the scorer of rows: the weighted mean
    (or maximum) of their dense scores under each."""
    def scorer(rows, _vector=None):
        a, b = np.asarray(engine.dense_scores(rows, qvec)), np.asarray(engine.dense_scores(rows, cvec))
        both = np.maximum(a, b) if CONTENT_MODE == "max" else (a + CONTENT_WEIGHT * b) / (1 + CONTENT_WEIGHT)
        return both.tolist()
    rows = sorted(set(engine.dense_search(qvec, mask)) | set(engine.dense_search(cvec, mask)))
    return dict(zip(rows, scorer(rows))), scorer


def search_vector(engine, qvec: np.ndarray, cvec: np.ndarray | None, first: dict[int, float]) -> np.ndarray:
    """The vector the second dense search uses: the question's, with its content's (CONTENT_MODE "vector")
    and the best chunks' of the `first` ranking fed back (each at its setting's weight)."""
    vector = qvec
    if cvec is not None and CONTENT_MODE == "vector":
        vector = with_content(vector, cvec, CONTENT_WEIGHT)
    if DENSE_PRF:
        vector = rocchio(vector, feedback_vectors(engine, top_rows(first, PRF_DEPTH), qvec), DENSE_PRF)
    return vector


def lexical_feedback(engine, tokens: list[str], first: dict[int, float], mask) -> dict[int, float] | None:
    """BM25's candidates for the query widened by RM3 words from the `first` ranking (None when off)."""
    if not RM3_WEIGHT or not tokens:
        return None
    rows = top_rows(first, PRF_DEPTH)
    docs = [(engine.tokenizer(engine.chunks[r].text), first[r]) for r in rows]
    expansion = relevance_model(docs, engine.lexical.idf, set(tokens), RM3_TERMS)
    scores = expanded_scores(engine.lexical, tokens, expansion, RM3_WEIGHT)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    k = min(POOL, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    return {int(i): float(scores[i]) for i in top if scores[i] > 0}


def vocabulary(engine) -> tuple[list[str], np.ndarray]:
    """The corpus's words of two or more Han characters and their vectors (made once per engine)."""
    if getattr(engine, "_vocabulary", None) is None:
        words = sorted(w for w in engine.lexical.vocab if len(w) > 1 and all("\u4e00" <= c <= "\u9fff" for c in w))
        engine._vocabulary = words, engine.embedder.encode(words)
    return engine._vocabulary


def neighbour_words(engine, content: str) -> dict[str, float]:
    """Corpus words nearest the content words the corpus never uses, {word: cosine}."""
    unknown = [w for w in content.split() if len(w) > 1 and engine.lexical.idf(w) == 0]
    if not NEIGHBOURS or not unknown:
        return {}
    words, vectors = vocabulary(engine)
    out: dict[str, float] = {}
    for w, vector in zip(unknown, engine.embedder.encode(unknown)):
        cos = vectors @ vector
        for j in np.argsort(-cos)[:NEIGHBOUR_COUNT]:
            if cos[j] >= NEIGHBOUR_MIN:
                out[words[j]] = max(out.get(words[j], 0.0), float(cos[j]))
    return out


def neighbour_feedback(engine, tokens: list[str], content: str, mask) -> dict[int, float] | None:
    """BM25's candidates with the nearest corpus words of unknown question words added (None: none)."""
    near = {w: c for w, c in neighbour_words(engine, content).items() if w not in tokens}
    if not near:
        return None
    mass = sum(near.values())
    scores = expanded_scores(engine.lexical, tokens or [], {w: c / mass for w, c in near.items()}, NEIGHBOURS) \
        if tokens else NEIGHBOURS * sum(c / mass * engine.lexical.scores([w]) for w, c in near.items())
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    k = min(POOL, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    return {int(i): float(scores[i]) for i in top if scores[i] > 0}


def active(coverage: float) -> bool:
    """Feedback is on and the lexical evidence is weak enough for it."""
    return bool(DENSE_PRF or CONTENT_WEIGHT or RM3_WEIGHT or NEIGHBOURS) and coverage <= WEAK


def second_pass(engine, text: str, content: str, tokens: list[str], qvec: np.ndarray, first: tuple, alpha: float,
                mask) -> dict[int, float] | None:
    """The fused scores of a second retrieval with feedback from the first (`first`: its BM25, dense and
    fused runs), or None when no feedback applies to this question."""
    low, high = ALPHA
    lexical, dense, fused = first
    if not active((alpha - low) / (high - low) if high > low else 1.0):
        return None
    ranking = fused if PRF_SOURCE == "fused" else dense
    cvec = content_vector(engine, text, content)
    vector, scorer = search_vector(engine, qvec, cvec, ranking), engine.dense_scores
    if cvec is not None and CONTENT_MODE != "vector":
        dense, scorer = two_views(engine, vector, cvec, mask)
    elif vector is not qvec:
        dense = engine.dense_search(vector, mask)
    lexical = lexical_feedback(engine, tokens, ranking, mask) or lexical
    if NEIGHBOURS:
        lexical = neighbour_feedback(engine, tokens, content, mask) or lexical
    return fuse(lexical, dense, scorer, vector, alpha)


@contextmanager
def installed():
    """Within the block, `Engine.retrieve` (hybrid, no document filter) fuses a second retrieval with feedback
    from its first whenever a setting is on: the engine's `fuse` is wrapped, and `retrieve` notes the question
    it searches. Both are put back after the block."""
    retrieve, fuse_of_engine, asked = Engine.retrieve, engine_module.fuse, {}

    def noting(engine, text, *args, **kwargs):
        asked["text"] = engine.correct(text).text
        return retrieve(engine, text, *args, **kwargs)

    def fused(lexical, dense, dense_scores, qvec, alpha=0.5):
        first = fuse(lexical, dense, dense_scores, qvec, alpha)
        engine, text = dense_scores.__self__, asked["text"]
        analysis = engine.analysed(text)
        searched = " ".join(w for w in analysis.content.split() if w not in analysis.common)
        tokens = engine.tokenizer(searched) or engine.tokenizer(text)
        ranking = engine.weigh(first, engine.named_documents(text), analysis)    # as the engine ranks it
        again = second_pass(engine, text, analysis.content, tokens, qvec, (lexical, dense, ranking), alpha, None)
        return first if again is None else again

    Engine.retrieve, engine_module.fuse = noting, fused
    try:
        yield
    finally:
        Engine.retrieve, engine_module.fuse = retrieve, fuse_of_engine
