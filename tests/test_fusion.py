import pytest

from retrieval.search.fusion import max_normalize, ranked, reciprocal_rank_fusion, weighted_fusion


def test_rrf_hand_computed():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], rrf_k=60)
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2] == pytest.approx(1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert ranked(fused) == [1, 3, 2]


def test_weighted_fusion_normalises_each_run():
    fused = weighted_fusion([{1: 10.0, 2: 5.0}, {2: 0.8, 3: 0.4}], [0.6, 0.4])
    assert fused[1] == pytest.approx(0.6)
    assert fused[2] == pytest.approx(0.3 + 0.4)
    assert fused[3] == pytest.approx(0.2)


def test_edge_cases():
    assert max_normalize({}) == {}
    assert max_normalize({1: 0.0}) == {1: 0.0}
    assert ranked({5: 1.0, 2: 1.0, 9: 2.0}, k=2) == [9, 2]
