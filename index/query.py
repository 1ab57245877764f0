"""What every backend does with a query around its own dense and sparse search.

A backend (local files, Qdrant) finds candidate units; the steps around that are the
same for all of them and live here, so that both backends answer alike: the query is
checked, its tone marks restored, its vector embedded (cached), and the candidates of
the two searches are fused by reciprocal rank together with two rankings built from
metadata (units of documents about the place the query names, and of the document it
names by number).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np

from hoidap.messages import EMPTY_QUESTION
from ingest import Chunk, Document
from ingest.metadata import provinces_named_in
from ingest.normalize import looks_accentless, looks_english, valid_text
from ingest.official import named_reference

from .fusion import reciprocal_rank_fusion
from .protocol import Embedder
from .records import QueryError


def chunks_by_document(chunks: Iterable[Chunk]) -> dict[str, list[Chunk]]:
    """Each document's chunks in order: what `chunks_of` serves, built once per generation
    (answers ask for a document's chunks per list and per cited target)."""
    grouped: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.doc_id, []).append(chunk)
    for of_document in grouped.values():
        of_document.sort(key=lambda c: c.position)
    return grouped


def checked_query(query: str, k: int) -> str:
    """The query as searched, or a QueryError in Vietnamese."""
    query = valid_text(query).strip()
    if not query:
        raise QueryError(EMPTY_QUESTION)
    if k < 1:
        raise QueryError("Số kết quả (-k) phải từ 1 trở lên.")
    return query


class QueryVectors:
    """Query vectors, the recent ones kept: embedding dominates search time (~2.5 ms per
    token on one core) and trainers' demos repeat their questions."""

    def __init__(self, embedder: Embedder, size: int):
        self.embedder, self.size = embedder, size
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, query: str) -> np.ndarray:
        vector = self._cache.get(query)
        if vector is None:
            vector = self.embedder.embed_queries_array([query])[0]
            if self.size:
                if len(self._cache) >= self.size:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[query] = vector
        return vector


Key = TypeVar("Key", bound=Hashable)   # a backend's unit id: a row number, a Qdrant point id


def fuse(query: str, dense: Sequence[Key], sparse: Sequence[Key], doc_of: Callable[[Key], str],
         documents: Mapping[str, Document], config) -> list[tuple[Key, float]]:
    """Candidate units (dense and sparse rankings, best first; doc_of: each one's
    document id, a key of `documents`) fused into one ranking, best first. config: an
    IndexConfig."""
    # e5 ranks poorly on text typed without tone marks: such queries lean on BM25.
    dense_weight = config.dense_weight if not looks_accentless(query) else config.accentless_dense_weight
    rankings, weights = [list(dense), list(sparse)], [dense_weight, config.sparse_weight]
    candidates = list(dict.fromkeys(rankings[0] + rankings[1]))
    named, reference = provinces_named_in(query), named_reference(query)
    # Only the candidates' documents are looked at: a million-unit index has tens of
    # thousands of documents, and a pass over them cost 9 ms a question.
    candidate_documents = [documents[doc_id] for doc_id in dict.fromkeys(map(doc_of, candidates))] \
        if named or reference else []
    if named:
        # A place the question names is metadata, not just one more word: units of
        # documents about it form a third ranking (in dense-then-sparse order).
        wanted = set(named)
        about = {d.doc_id for d in candidate_documents if not wanted.isdisjoint(d.provinces)}
        rankings.append([key for key in candidates if doc_of(key) in about])
        weights.append(config.place_weight)
    named_documents = {d.doc_id for d in candidate_documents
                       if reference and reference.matches(d.doc_type, d.number)}
    if named_documents:
        # "Quyết định 1629 …" names a document: its passages form one more ranking,
        # strong enough to put it first (two documents of that number both stay).
        rankings.append([key for key in candidates if doc_of(key) in named_documents])
        weights.append(config.document_weight)
    return reciprocal_rank_fusion(rankings, weights, config.rrf_k)


def first_per_chunk(fused: Sequence[tuple[Key, float]], chunk_of: Callable[[Key], str], k: int
                    ) -> list[tuple[Key, float]]:
    """The best unit of each of the k best chunks (a chunk is one hit however many of its
    units matched)."""
    out: list[tuple[Key, float]] = []
    seen: set[str] = set()
    for key, score in fused:
        chunk_id = chunk_of(key)
        if chunk_id in seen:
            continue
        seen.add(chunk_id)
        out.append((key, score))
        if len(out) == k:
            break
    return out


class ServedGeneration:
    """The reading side both backends share, answered from the one generation a backend
    serves: `_served()` returns its Snapshot (local) or view (Qdrant), which a write swaps
    whole and never changes, so each call reads one consistent generation."""

    def _served(self):
        raise NotImplementedError

    @property
    def generation(self) -> str | None:
        """The generation being served (None: nothing indexed yet)."""
        return self._served().generation

    @property
    def documents(self) -> list[Document]:
        return list(self._served().documents.values())

    @property
    def chunk_count(self) -> int:
        return len(self._served().chunks)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return list(self._served().chunks_by_document.get(doc_id, ()))

    def provinces(self) -> list[str]:
        return sorted({p for d in self._served().documents.values() for p in d.provinces})

    def restore_diacritics(self, text: str) -> str:
        """The text with missing or wrong Vietnamese tone marks restored from the indexed
        documents' vocabulary ("kinh te so" → "kinh tế số"); English text is left alone."""
        if looks_english(text):
            return text
        return self._served().restorer_for().restore(text)
