"""Backends behind one factory: `local` (FAISS + BM25 files, offline, the default) and
`qdrant` (a Qdrant server or cluster, or Qdrant embedded in the process). Both keep the
contract in index/protocol.py; nothing above the index names a backend class."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hoidap.config import INDEX_BACKENDS
from hoidap.messages import one_of

from .hybrid import HybridIndex, IndexConfig
from .protocol import Embedder, IndexBackend
from .store import IndexStoreError

BACKENDS = INDEX_BACKENDS


def open_backend(backend: str, embedder: Embedder, config: IndexConfig = IndexConfig(), *,
                 index_dir: Path | None = None, qdrant=None, read: bool = True,
                 notify: Callable[[str], None] | None = None) -> IndexBackend:
    """backend: one of BACKENDS. index_dir: the local index's folder; qdrant: a
    `QdrantLocation`. read: load what is stored (False: a `rebuild` will replace it
    without reading it, the way out of a damaged index)."""
    if backend == "local":
        if index_dir is None:
            raise ValueError("the local backend needs index_dir")
        return (HybridIndex.open if read else HybridIndex)(index_dir, embedder, config, notify=notify)
    if backend == "qdrant":
        try:
            from .qdrant import QdrantIndex, QdrantLocation
        except ImportError as err:
            raise IndexStoreError("Chưa cài qdrant-client: pip install 'hoidap[qdrant]'.") from err
        location = qdrant or QdrantLocation()
        return (QdrantIndex.open if read else QdrantIndex)(location, embedder, config, notify=notify)
    raise IndexStoreError(one_of("HOIDAP_BACKEND", backend, BACKENDS))
