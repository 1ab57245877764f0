from index.fusion import reciprocal_rank_fusion


def test_item_ranked_well_by_both_wins():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]], k=60)
    assert [item for item, _ in fused] == ["b", "a", "c"]
    assert abs(dict(fused)["b"] - (1 / 62 + 1 / 61)) < 1e-12


def test_weights_and_single_ranking():
    fused = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 2.0], k=0)
    assert fused == [("b", 2.0), ("a", 1.0)]
    assert reciprocal_rank_fusion([[], []]) == []


def test_ties_keep_first_seen_order():
    assert [i for i, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]])] == ["x", "y"]
