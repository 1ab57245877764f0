"""The hybrid index: dense (FAISS) + sparse (BM25) retrieval fused by reciprocal rank."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest import Chunk, Document
from ingest.metadata import provinces_named_in
from ingest.official import named_reference
from ingest.normalize import ascii_key, looks_accentless, looks_english, search_tokens, valid_text

from . import store
from .dense import DenseIndex
from .diacritics import DiacriticRestorer
from .fusion import RRF_K, reciprocal_rank_fusion
from .records import RetrievalUnit, SearchHit, SyncReport, UnitScore
from .sparse import SparseIndex

LEAD_WORDS = 12   # words of a list sentence's opening kept with each of its clauses


class QueryError(ValueError):
    """Raised with a Vietnamese message for an unusable query."""


@dataclass(frozen=True)
class IndexConfig:
    candidates: int = 50        # units taken from each retriever before fusion
    rrf_k: int = RRF_K
    dense_weight: float = 1.0
    sparse_weight: float = 1.0
    # e5 was trained on accented Vietnamese and ranks poorly on text typed without
    # diacritics, so such queries lean on BM25's accent-less tokens. Measured on the 12
    # accent-less queries of tests/index/test_hybrid.py (top-1 article, index format 3):
    # weight 1.0 → 9/12, 0.5 → 9, 0.25 → 9, 0.1 → 12, 0.0 → 10; accented queries 7/7 in all.
    accentless_dense_weight: float = 0.1
    place_weight: float = 1.0   # RRF weight of the "about the place the query names" ranking
    document_weight: float = 2.0   # RRF weight of the "the document the query names" ranking
    embed_batch: int = 16       # texts per embedding call (progress granularity)
    query_cache: int = 256      # recent query vectors kept (0: none)
    lock_timeout_s: float = 600.0   # how long a writer waits for another writer to finish


@dataclass(frozen=True)
class Filters:
    province: str | None = None
    date_from: str | None = None   # ISO dates, inclusive
    date_to: str | None = None
    doc_type: str | None = None    # "Quyết định" (accents and case optional)
    issuer: str | None = None      # words of the issuing body: "ủy ban nhân dân tỉnh lai châu"
    number: str | None = None      # the số/ký hiệu or its start: "1629", "30/2020/NĐ-CP"

    def admits(self, document: Document) -> bool:
        if self.province and ascii_key(self.province) not in {ascii_key(p) for p in document.provinces}:
            return False
        if self.doc_type and ascii_key(self.doc_type) != ascii_key(document.doc_type or ""):
            return False
        if self.issuer and ascii_key(self.issuer) not in ascii_key(document.issuer or ""):
            return False
        if self.number and not ascii_key(document.number or "").replace(" ", "").startswith(
                ascii_key(self.number).replace(" ", "")):
            return False
        if self.date_from or self.date_to:
            if not document.date:
                return False
            if self.date_from and document.date < self.date_from:
                return False
            if self.date_to and document.date > self.date_to:
                return False
        return True


@dataclass
class _State:
    documents: dict[str, Document] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    units: list[RetrievalUnit] = field(default_factory=list)
    dense: DenseIndex | None = None
    sparse: SparseIndex | None = None
    rows_by_chunk: dict[str, list[int]] = field(default_factory=dict)
    restorer: DiacriticRestorer | None = None


class HybridIndex:
    """Search over indexed chunks, kept in sync with ingested documents on disk.

    `open()` loads the index directory (or starts empty), `sync()` adds, replaces and
    prunes documents, embedding only what changed, and `search()` answers queries.
    """

    def __init__(self, index_dir: Path, embedder, config: IndexConfig = IndexConfig(),
                 notify: Callable[[str], None] | None = None):
        """index_dir: where generations live; embedder: a langchain `Embeddings` with
        `model_id` and `dimension` (see embedders.py); config: retrieval settings;
        notify: shown Vietnamese status lines (e.g. waiting for another writer)."""
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.config = config
        self.notify = notify
        self._state = _State()
        self.manifest: dict = {}
        self.generation: str | None = None    # the on-disk generation the state came from
        self._query_cache: dict[str, np.ndarray] = {}
        self._write_guard = threading.Lock()
        self._reload_guard = threading.Lock()
        self._damaged: tuple[str, store.IndexDamagedError] | None = None   # generation that failed to load

    @classmethod
    def open(cls, index_dir: Path, embedder, config: IndexConfig = IndexConfig(),
             notify: Callable[[str], None] | None = None) -> "HybridIndex":
        """The live generation in index_dir (empty when there is none yet). Never writes."""
        index = cls(index_dir, embedder, config, notify)
        index._load_live()
        return index

    def _load_live(self) -> None:
        for attempt in range(3):
            try:
                stored = store.load(self.index_dir)
                break
            except store.IndexDamagedError:
                # A writer may have swapped CURRENT and deleted the generation we were
                # reading; only a generation that stays live and unreadable is damage.
                if attempt == 2 or store.live_generation(self.index_dir) is None:
                    raise
        if stored is None:
            self._install([], [], [], None)
            self.manifest, self.generation = {}, None
            return
        built_with = stored.manifest["embedder"]
        if built_with["id"] != self.embedder.model_id or built_with["dimension"] != self.embedder.dimension:
            raise store.IndexStoreError(
                f"Chỉ mục ở {self.index_dir} được xây bằng bộ nhúng '{built_with['id']}' "
                f"({built_with['dimension']} chiều), không dùng được với '{self.embedder.model_id}' "
                f"({self.embedder.dimension} chiều). Hãy chọn --index-dir khác hoặc xây lại chỉ mục.")
        self._install(stored.documents, stored.chunks, stored.units, stored.dense)
        self.manifest, self.generation = stored.manifest, stored.generation

    def reload_if_changed(self) -> bool:
        """Pick up a generation another process (a CLI ingest, another worker) wrote.

        Cheap when nothing changed (reads the small CURRENT file). Returns True when the
        index now serves a newer generation. If the new generation is damaged, the one
        in memory keeps serving and IndexDamagedError tells the caller why."""
        live = store.live_generation(self.index_dir)
        if live is None or live == self.generation:
            return False
        if self._damaged is not None and self._damaged[0] == live:
            raise self._damaged[1]   # the same broken generation: do not read it again per request
        with self._reload_guard:
            if store.live_generation(self.index_dir) == self.generation:
                return False   # another thread reloaded while we waited
            try:
                self._load_live()
            except store.IndexDamagedError as err:
                self._damaged = (live, err)
                raise
        return True

    # ---- reading -------------------------------------------------------------------
    @property
    def documents(self) -> list[Document]:
        return list(self._state.documents.values())

    @property
    def chunk_count(self) -> int:
        return len(self._state.chunks)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return sorted((c for c in self._state.chunks.values() if c.doc_id == doc_id),
                      key=lambda c: c.position)

    def provinces(self) -> list[str]:
        return sorted({p for d in self._state.documents.values() for p in d.provinces})

    def search(self, query: str, k: int = 5, filters: Filters = Filters()) -> list[SearchHit]:
        query = valid_text(query).strip()
        if not query:
            raise QueryError("Câu hỏi trống: hãy nhập nội dung cần tìm.")
        if k < 1:
            raise QueryError("Số kết quả (-k) phải từ 1 trở lên.")
        state = self._state
        if not state.units:
            return []
        query = self.restore_diacritics(query)
        allowed = self._allowed_rows(state, filters)
        if allowed is not None and not len(allowed):
            return []
        n = max(self.config.candidates, 4 * k)
        query_vector = self._embed_query(query)
        dense_rows, dense_sims = state.dense.search(query_vector, n, allowed)
        sparse = state.sparse.scores(search_tokens(query))
        if allowed is not None:
            mask = np.full(len(sparse), -np.inf, dtype=np.float32)
            mask[allowed] = 0
            sparse = sparse + mask
        sparse_rows = [int(r) for r in np.argsort(-sparse)[:n] if sparse[r] > 0]
        dense_weight = (self.config.dense_weight if not looks_accentless(query)
                        else self.config.accentless_dense_weight)
        rankings = [list(map(int, dense_rows)), sparse_rows]
        weights = [dense_weight, self.config.sparse_weight]
        named = provinces_named_in(query)
        if named:
            # A place the question names is metadata, not just one more word: units of
            # documents about it form a third ranking (in dense-then-sparse order).
            about = {d.doc_id for d in state.documents.values() if set(named) & set(d.provinces)}
            rankings.append([r for r in dict.fromkeys(rankings[0] + rankings[1])
                             if state.units[r].doc_id in about])
            weights.append(self.config.place_weight)
        reference = named_reference(query)
        named_documents = {d.doc_id for d in state.documents.values()
                           if reference and reference.matches(d.doc_type, d.number)}
        if named_documents:
            # "Quyết định 1629 …" names a document: its passages form one more ranking,
            # strong enough to put it first (two documents of that number both stay).
            rankings.append([r for r in dict.fromkeys(rankings[0] + rankings[1])
                             if state.units[r].doc_id in named_documents])
            weights.append(self.config.document_weight)
        fused = reciprocal_rank_fusion(rankings, weights, self.config.rrf_k)
        dense_by_row = dict(zip(map(int, dense_rows), map(float, dense_sims)))
        return self._best_per_chunk(state, fused, k, dense_by_row, sparse, query_vector)

    def restore_diacritics(self, text: str) -> str:
        """The text with missing or wrong Vietnamese tone marks restored from the indexed
        documents' vocabulary ("kinh te so" → "kinh tế số"); English text is left alone."""
        if looks_english(text):
            return text
        return self._restorer().restore(text)

    def _restorer(self) -> DiacriticRestorer:
        state = self._state
        if state.restorer is None:
            # Built on first use, from the snapshot it serves (a sync swaps the snapshot).
            state.restorer = DiacriticRestorer(c.text for c in state.chunks.values())
        return state.restorer

    def _best_per_chunk(self, state, fused, k, dense_by_row, sparse, query_vector) -> list[SearchHit]:
        # `state` is one snapshot: a concurrent sync() swaps self._state, never mutates it.
        hits, seen = [], set()
        for row, score in fused:
            unit = state.units[row]
            if unit.chunk_id in seen:
                continue
            seen.add(unit.chunk_id)
            hits.append(SearchHit(
                rank=len(hits) + 1, score=score, chunk=state.chunks[unit.chunk_id],
                document=state.documents[unit.doc_id], match=(unit.start, unit.end),
                dense_score=dense_by_row.get(row, 0.0), sparse_score=float(max(sparse[row], 0.0)),
                units=self._unit_scores(state, unit.chunk_id, sparse, query_vector)))
            if len(hits) == k:
                break
        return hits

    def _unit_scores(self, state, chunk_id: str, sparse: np.ndarray, query_vector) -> tuple[UnitScore, ...]:
        rows = state.rows_by_chunk[chunk_id]
        sims = state.dense.similarities(query_vector, rows)
        return tuple(UnitScore(u.kind, u.start, u.end, float(sim), float(max(sparse[row], 0.0)),
                               tuple(u.tokens), u.heading_tokens)
                     for row, sim in zip(rows, sims) for u in [state.units[row]])

    def chunk_tokens(self) -> dict[str, list[str]]:
        """Word-segmented tokens of each whole chunk (with its heading), by chunk id."""
        return {u.chunk_id: u.tokens for u in self._state.units if u.kind == "chunk"}

    def _allowed_rows(self, state, filters: Filters) -> np.ndarray | None:
        if filters == Filters():
            return None
        admitted = {d.doc_id for d in state.documents.values() if filters.admits(d)}
        return np.array([u.row for u in state.units if u.doc_id in admitted], dtype=np.int64)

    def _embed_query(self, query: str) -> np.ndarray:
        # Embedding dominates search time (~2.5 ms per token on one core) and trainers'
        # demos repeat their questions, so recent query vectors are kept.
        cached = self._query_cache.get(query)
        if cached is None:
            if hasattr(self.embedder, "embed_queries_array"):
                cached = self.embedder.embed_queries_array([query])[0]
            else:
                cached = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
            if self.config.query_cache:
                if len(self._query_cache) >= self.config.query_cache:
                    self._query_cache.pop(next(iter(self._query_cache)))
                self._query_cache[query] = cached
        return cached

    # ---- writing -------------------------------------------------------------------
    def sync(self, documents: list[Document], chunks: list[Chunk], prune: bool = False,
             on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Add new documents, replace changed ones, keep unchanged ones without embedding.

        prune: also remove indexed documents whose source file no longer exists.
        """
        with self._writing():
            return self._sync(documents, chunks, prune, on_progress)

    def rebuild(self, documents: list[Document], chunks: list[Chunk],
                on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Replace the whole index with these documents, without reading what is on
        disk: the way out of a damaged index."""
        with self._write_guard, store.writer_lock(self.index_dir, self.config.lock_timeout_s, self.notify):
            self._install([], [], [], None)
            return self._sync(documents, chunks, False, on_progress)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        # Every write starts from the live generation on disk, not from this process's
        # copy: another process may have written since we loaded.
        with self._write_guard, store.writer_lock(self.index_dir, self.config.lock_timeout_s, self.notify):
            if store.live_generation(self.index_dir) != self.generation:
                self._load_live()
            yield

    def _sync(self, documents, chunks, prune, on_progress) -> SyncReport:
        report = SyncReport()
        current = self._state.documents
        incoming = {d.doc_id: d for d in documents}
        for doc_id, document in incoming.items():
            old = current.get(doc_id)
            (report.added if old is None else
             report.unchanged if old.fingerprint == document.fingerprint else report.updated).append(doc_id)
        if prune:
            report.removed = [doc_id for doc_id, d in current.items()
                              if doc_id not in incoming and not _source_exists(d.source)]
        changed = set(report.added) | set(report.updated)
        if not changed and not report.removed:
            report.chunks = self.chunk_count
            return report
        keep_docs = {doc_id: d for doc_id, d in current.items()
                     if doc_id not in changed and doc_id not in report.removed}
        keep_docs.update({doc_id: incoming[doc_id] for doc_id in changed})
        new_chunks = [c for c in chunks if c.doc_id in changed]
        report.embedded_units = self._rebuild(keep_docs, new_chunks, changed, on_progress)
        report.chunks = self.chunk_count
        return report

    def remove(self, doc_ids: list[str]) -> SyncReport:
        with self._writing():
            report = SyncReport(removed=[d for d in doc_ids if d in self._state.documents])
            if report.removed:
                keep = {k: v for k, v in self._state.documents.items() if k not in report.removed}
                self._rebuild(keep, [], set(), None)
            report.chunks = self.chunk_count
            return report

    def _rebuild(self, documents: dict[str, Document], new_chunks: list[Chunk],
                 changed: set[str], on_progress) -> int:
        old = self._state
        old_vectors = old.dense.vectors() if old.dense is not None else None
        kept_units = [u for u in old.units if u.doc_id in documents and u.doc_id not in changed]
        chunks = [c for c in old.chunks.values() if c.doc_id in documents and c.doc_id not in changed]
        chunks += new_chunks
        fresh = [unit for c in new_chunks for unit in _units_for(c, documents[c.doc_id])]
        texts = [text for _, text in fresh]
        fresh_vectors = self._embed_passages(texts, on_progress)
        vectors = [old_vectors[[u.row for u in kept_units]]] if kept_units else []
        vectors.append(fresh_vectors)
        units = [RetrievalUnit(**{**u.to_dict(), "row": i})
                 for i, u in enumerate(kept_units + [unit for unit, _ in fresh])]
        dense = DenseIndex(np.vstack(vectors) if vectors else fresh_vectors, self.embedder.dimension)
        manifest = self._manifest(documents, chunks, units)
        written = store.save(self.index_dir, store.StoredIndex(manifest, list(documents.values()), chunks, units, dense))
        self._install(list(documents.values()), chunks, units, dense)
        self.manifest, self.generation = manifest, written.name
        return len(texts)

    def _embed_passages(self, texts: list[str], on_progress) -> np.ndarray:
        batch = self.config.embed_batch
        parts = [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
        for i in range(0, len(texts), batch):
            part = texts[i:i + batch]
            if hasattr(self.embedder, "embed_passages_array"):
                parts.append(self.embedder.embed_passages_array(part))
            else:
                parts.append(np.asarray(self.embedder.embed_documents(part), dtype=np.float32))
            if on_progress:
                on_progress(min(i + batch, len(texts)), len(texts))
        return np.vstack(parts)

    def _manifest(self, documents, chunks, units) -> dict:
        return {"format_version": store.FORMAT_VERSION,
                "embedder": {"id": self.embedder.model_id, "dimension": self.embedder.dimension},
                "documents": {doc_id: d.fingerprint for doc_id, d in sorted(documents.items())},
                "counts": {"documents": len(documents), "chunks": len(chunks), "units": len(units)},
                "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}

    def _install(self, documents, chunks, units, dense) -> None:
        rows_by_chunk: dict[str, list[int]] = {}
        for unit in units:
            rows_by_chunk.setdefault(unit.chunk_id, []).append(unit.row)
        self._state = _State(documents={d.doc_id: d for d in documents},
                             chunks={c.chunk_id: c for c in chunks}, units=list(units),
                             dense=dense, sparse=SparseIndex([u.tokens for u in units]) if units else None,
                             rows_by_chunk=rows_by_chunk)


def _source_exists(source: str) -> bool:
    return source.startswith(("http://", "https://")) or Path(source).exists()


def _units_for(chunk: Chunk, document: Document) -> list[tuple[RetrievalUnit, str]]:
    """The chunk, its sentences and its list clauses, each prefixed with context.

    The title gives every unit its article's subject (province, programme), the section
    lead its frame ("Tầm nhìn đến năm 2045 ..."); a clause also gets the opening words of its sentence ("Tỉnh đề ra các mục tiêu ... đến năm
    2030 như"), without which "kinh tế số chiếm khoảng 9-10% GRDP" has no year.
    """
    heading = f"{document.title}\n{chunk.context}".strip()
    units = [(chunk.start, chunk.end, "chunk", heading)]
    if len(chunk.sentences) > 1:  # sentences get their own vectors: answers quote sentences
        units += [(a, b, "sentence", heading) for a, b in chunk.sentences]
    for start, end in chunk.clauses:
        sentence = next((s for s in chunk.sentences if s[0] <= start < s[1]), (start, end))
        lead = " ".join(document.text[sentence[0]:sentence[1]].split()[:LEAD_WORDS])
        clause = document.text[start:end]
        units.append((start, end, "clause", heading if clause.startswith(lead[:20]) else f"{heading}\n{lead} …"))
    out = []
    for start, end, kind, unit_heading in units:
        head, body = list(_heading_tokens(unit_heading)), search_tokens(document.text[start:end])
        out.append((RetrievalUnit(row=-1, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, kind=kind,
                                  start=start, end=end, tokens=head + body, heading_tokens=len(head)),
                    f"{unit_heading}\n{document.text[start:end]}"))
    return out


@lru_cache(maxsize=1024)
def _heading_tokens(text: str) -> tuple[str, ...]:
    # Every unit of a chunk repeats its title and lead: segment them once.
    return tuple(search_tokens(text))
