"""The contracts at the index: what an embedder and a retrieval backend must provide.

Everything above the index (the assistant, eval, the web app, the CLI) depends on
these protocols only, never on a backend class, so any store that keeps them can stand
in: `HybridIndex` (FAISS + BM25 files, the offline default) and `QdrantIndex` (a Qdrant
server or cluster, or Qdrant embedded in the process). `index.backends.open_backend`
picks one.

Term statistics are part of what a backend serves, versioned with it: `corpus_terms()`
returns them together with the `generation` they belong to, so a caller that derives
weights from them knows when they went stale without being told.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ingest import Chunk, Document

from .records import Filters, SearchHit, SyncReport


@runtime_checkable
class Embedder(Protocol):
    """A sentence embedding model (also a langchain `Embeddings`: embed_documents/embed_query)."""
    model_id: str      # recorded with an index: vectors of two models never mix
    dimension: int

    def embed_passages_array(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text, embedded as a passage."""
        ...

    def embed_queries_array(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text, embedded as a query."""
        ...


@runtime_checkable
class ContextualEmbedder(Embedder, Protocol):
    """An embedder that can read a passage once and pool spans of it (late chunking)."""

    def embed_pooled(self, passages: Sequence[Sequence[str]], pools: Sequence[tuple[int, Sequence[int]]],
                     on_progress: Callable[[int, int], None] | None = None,
                     leads: Sequence[Sequence[int]] | None = None) -> np.ndarray:
        """passages: each a list of parts read as one text, parts[0] its frame (title,
        section lead). pools: (passage, part positions). One L2-normalised row per pool:
        the mean of the token states of the pooled parts (with part 0: the frame and the
        special tokens). leads: per passage, for each part after the frame, the part it
        also reads (0: none); given, each part reads only the frame, itself and its lead."""
        ...


@dataclass(frozen=True)
class CorpusTerms:
    """Word-segmented tokens of every live chunk (heading first), as of one generation."""
    generation: str | None
    chunk_tokens: dict[str, list[str]]


@runtime_checkable
class SearchBackend(Protocol):
    """What answering needs from an index. Every method reads one consistent generation."""

    @property
    def generation(self) -> str | None:
        """Names what is served; changes whenever documents are added, replaced or removed
        (None: nothing indexed yet)."""
        ...

    @property
    def recipe(self) -> str:
        """How the served unit vectors were made (index.units.UNIT_VECTORS): the stored
        recipe once something is indexed, else the configured one."""
        ...

    @property
    def documents(self) -> list[Document]: ...

    @property
    def chunk_count(self) -> int: ...

    def provinces(self) -> list[str]:
        """Every province some indexed document is about, sorted."""
        ...

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        ...

    def search(self, query: str, k: int = 5, filters: Filters = Filters()) -> list[SearchHit]:
        """The k best chunks, each with every one of its units scored against the query
        (SearchHit.units: the evidence the extractive answerer picks sentences from).
        Raises QueryError (Vietnamese message) for an empty query or k < 1."""
        ...

    def restore_diacritics(self, text: str) -> str:
        """The text with tone marks restored from the indexed documents' vocabulary."""
        ...

    def corpus_terms(self) -> CorpusTerms:
        """Term statistics of the served generation (see module docstring)."""
        ...

    def reload_if_changed(self) -> bool:
        """Serve the newest generation another process wrote; True if it changed. Cheap
        when nothing changed: the web app calls it before every answer."""
        ...


@runtime_checkable
class IndexBackend(SearchBackend, Protocol):
    """... and what ingest writes. A write is all-or-nothing for readers of this backend."""

    def sync(self, documents: list[Document], chunks: list[Chunk], prune: bool = False,
             on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Add new documents, replace changed ones (by fingerprint), leave unchanged ones
        without embedding; prune: also remove documents whose source file is gone."""
        ...

    def rebuild(self, documents: list[Document], chunks: list[Chunk],
                on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Replace everything with these documents without reading what is stored."""
        ...

    def remove(self, doc_ids: list[str]) -> SyncReport: ...
