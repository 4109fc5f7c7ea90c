"""Fusion of ranked lists: pure functions over {id: score} runs."""
from __future__ import annotations

from collections.abc import Mapping, Sequence


def reciprocal_rank_fusion(runs: Sequence[Sequence[int]], rrf_k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009).

    `runs` are ranked lists of ids, best first; an id scores sum(1 / (rrf_k + rank)),
    rank counted from 1.
    """
    fused: dict[int, float] = {}
    for run in runs:
        for rank, item in enumerate(run, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (rrf_k + rank)
    return fused


def max_normalize(scores: Mapping[int, float]) -> dict[int, float]:
    """Scale scores into [0, 1] by the run's maximum (0 stays 0); empty stays empty."""
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return {k: 0.0 for k in scores}
    return {k: max(v, 0.0) / top for k, v in scores.items()}


def weighted_fusion(runs: Sequence[Mapping[int, float]], weights: Sequence[float]) -> dict[int, float]:
    """Convex combination of max-normalised score runs; a missing id scores 0 in that run."""
    fused: dict[int, float] = {}
    for run, weight in zip(runs, weights):
        for item, score in max_normalize(run).items():
            fused[item] = fused.get(item, 0.0) + weight * score
    return fused


def ranked(scores: Mapping[int, float], k: int | None = None) -> list[int]:
    """Ids by descending score (ties by id, so results are deterministic)."""
    order = sorted(scores, key=lambda i: (-scores[i], i))
    return order if k is None else order[:k]


def fuse(lexical: dict[int, float], dense: dict[int, float], dense_scores, qvec, alpha: float = 0.5) -> dict[int, float]:
    """alpha * BM25 / max + (1 - alpha) * min-max dense score over the union of both candidate pools.

    `dense_scores(rows, qvec)` gives the dense score of rows only BM25 found.
    """
    pool = sorted(set(lexical) | set(dense))
    if not pool:
        return {}
    missing = [r for r in pool if r not in dense]          # BM25-only candidates: look their score up
    near = dict(dense) | dict(zip(missing, dense_scores(missing, qvec) if missing else ()))
    lo, hi = min(near.values()), max(near.values())
    top = max(lexical.values(), default=0.0) or 1.0
    return {r: alpha * lexical.get(r, 0.0) / top + (1 - alpha) * (near[r] - lo) / (hi - lo or 1.0)
            for r in pool}
