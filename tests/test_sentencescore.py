"""Best sentence cosines of many chunks at once (`retrieval.search.sentencescore`): equal, bit for bit, to
the product per chunk the engine computed before, for every kind of stored vectors; so are the products
of a stack of matrices, one matmul for all of them."""
import numpy as np

from retrieval.indexing.dense import Dense
from retrieval.search.sentencescore import best_sentence_cosines, products, sentence_ids


def unit_vectors(n: int, dim: int = 32, seed: int = 1) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def one_by_one(vectors, ptr, rows, qvec):
    return [float(np.max(vectors[ptr[r]:ptr[r + 1]] @ qvec)) if ptr[r + 1] > ptr[r] else None for r in rows]


class Sliced:
    """Vectors read only by slices (as another store's are)."""

    def __init__(self, x):
        self.x = x

    def __getitem__(self, item):
        return self.x[item]


def test_sentence_ids_run_over_each_rows_range_in_order():
    ptr = np.array([0, 2, 2, 5, 6])
    ids, counts = sentence_ids(ptr, np.array([3, 0, 1, 2]))
    assert ids.tolist() == [5, 0, 1, 2, 3, 4] and counts.tolist() == [1, 2, 0, 3]


def test_best_cosines_equal_the_product_per_chunk(tmp_path):
    x = unit_vectors(700)
    counts = np.random.default_rng(2).integers(1, 9, 80)  # 1 to 8 sentences: BLAS kernels take rows 4 or 8 at a time
    counts[[5, 40]] = 0                                    # chunks with no sentence embedded
    ptr = np.concatenate([[0], np.cumsum(counts)])        # at most 640 of the 700 vectors
    qvec = unit_vectors(1, seed=3)[0]
    rows = [5, 0, 79, 40, 41, 12, 12, 3, *range(50, 70)]
    expected = one_by_one(x, ptr, rows, qvec)
    assert None in expected and any(e is not None for e in expected)
    Dense.build(x, 32).save(tmp_path / "s.faiss")
    for vectors in (x, Dense.load(tmp_path / "s.faiss").rows, Sliced(x)):
        assert best_sentence_cosines(vectors, ptr, rows, qvec) == expected
    assert best_sentence_cosines(x, ptr, [], qvec) == []
    empty = np.zeros(4, dtype="int64")
    assert best_sentence_cosines(x, empty, [0, 2], qvec) == [None, None]


def test_a_stack_of_products_equals_each_product_alone():
    x, qvec = unit_vectors(64, dim=512), unit_vectors(1, dim=512, seed=4)[0]
    for n in range(1, 9):
        stack = x[:8 * n].reshape(8, n, 512)
        assert products(stack, qvec).tolist() == [(m @ qvec).tolist() for m in stack], n
    assert products(x[:, None, :], qvec)[:, 0].tolist() == [float(v @ qvec) for v in x]   # one dot each
