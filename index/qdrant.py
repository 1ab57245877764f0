"""The Qdrant backend: the same units, vectors and BM25 tokens, kept in Qdrant.

For deployments that outgrow one machine: a Qdrant server or cluster holds the index and
any number of app servers and ingest workers share it. The client also runs embedded in
this process (`path=`, or ":memory:"), with the same API and one process per folder.

Four collections, named from one prefix:
- `<prefix>_units`: one point per retrieval unit (chunk, sentence, clause; index/units.py),
  with its e5 vector ("dense") and its BM25 tokens as a sparse vector ("bm25"). Qdrant
  applies the IDF (`Modifier.IDF`, Lucene's formula as in index/sparse.py) over the live
  points at query time; the stored values are BM25's term-frequency part, normalised by
  an average unit length fixed when the collection was created (stored values cannot
  follow a changing average). The payload holds what filters and citations need.
- `<prefix>_chunks`, `<prefix>_documents`: the chunks and documents (no vectors).
- `<prefix>_meta`: one point: the embedder, that average length, and the generation.

A write publishes a document by upserting its units and chunks (ids derived from the
document's fingerprint), then its document point, then deleting what the old version
left, then giving the collection a new generation. Readers keep the documents of the
generation they read and ignore units whose fingerprint is not that document's, so they
never see half a document; every write is idempotent, so an interrupted ingest is
finished by running it again. Ingest workers on several machines can load disjoint
document sets at once: nothing but the generation is shared between documents.

Search runs the dense and the sparse query in one batch, then fuses them with the
metadata rankings in index/query.py, as the local backend does. (Qdrant's own RRF
weighs a ranking as 1 / (rank / w + k - 1) where ours uses w / (k + rank); fusing on our
side keeps both backends' answers the same.)
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from hoidap.messages import embedder_mismatch, recipe_kept
from ingest import Chunk, Document
from ingest.normalize import ascii_key, search_tokens

from .diacritics import DiacriticRestorer
from .hybrid import IndexConfig, source_exists
from .protocol import CorpusTerms, Embedder
from .query import QueryVectors, ServedGeneration, checked_query, chunks_by_document, first_per_chunk, fuse
from .records import Filters, SearchHit, SyncReport, UnitScore
from .sparse import K1, B
from .store import IndexBusyError, IndexStoreError
from .units import embed_plan, plan_units, stored_recipe

FORMAT_VERSION = 1
UPSERT_BATCH = 256     # points per upsert request
SCROLL_PAGE = 1024
_NAMESPACE = uuid.UUID("5b1f0c2e-8a57-4d0e-9a36-2f3c1e7d9b40")
_CANDIDATE_FIELDS = ["doc_id", "chunk_id", "fingerprint", "start", "end"]
_UNIT_FIELDS = _CANDIDATE_FIELDS + ["kind", "order", "tokens", "heading_tokens"]


@dataclass(frozen=True)
class QdrantLocation:
    """Where the collections live: a server (url, api_key) or a folder (path) for the
    embedded mode; neither: in memory (tests). prefix: names the four collections."""
    url: str | None = None
    api_key: str | None = None
    path: Path | None = None
    prefix: str = "hoidap"

    def connect(self):
        from qdrant_client import QdrantClient
        if self.url:
            return QdrantClient(url=self.url, api_key=self.api_key or None)
        if self.path is None:
            return QdrantClient(":memory:")
        Path(self.path).mkdir(parents=True, exist_ok=True)
        try:
            return QdrantClient(path=str(self.path))
        except RuntimeError as err:   # the folder is locked by another process
            raise IndexBusyError(
                f"Thư mục Qdrant {self.path} đang được một tiến trình khác dùng (chế độ nhúng chỉ cho "
                f"một tiến trình). Hãy dừng tiến trình đó, hoặc dùng máy chủ Qdrant "
                f"(HOIDAP_QDRANT_URL) để nhiều tiến trình cùng dùng. Chi tiết: {err}") from err


@dataclass
class _View:
    """One generation as a reader sees it (never changed; a reload builds a new one)."""
    generation: str | None = None
    documents: dict[str, Document] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    chunk_tokens: dict[str, list[str]] = field(default_factory=dict)
    chunk_units: dict[str, int] = field(default_factory=dict)    # units per chunk
    restorer: DiacriticRestorer | None = None

    @cached_property
    def chunks_by_document(self) -> dict[str, list[Chunk]]:
        return chunks_by_document(self.chunks.values())

    def restorer_for(self) -> DiacriticRestorer:
        if self.restorer is None:
            self.restorer = DiacriticRestorer(c.text for c in self.chunks.values())
        return self.restorer

    def current(self, payload: dict) -> bool:
        """Whether a unit belongs to the version of its document this view serves."""
        document = self.documents.get(payload.get("doc_id", ""))
        return document is not None and payload.get("fingerprint") == document.fingerprint


class QdrantIndex(ServedGeneration):
    """An `IndexBackend` (index/protocol.py) over Qdrant collections."""

    def __init__(self, location: QdrantLocation, embedder: Embedder, config: IndexConfig | None = None,
                 notify: Callable[[str], None] | None = None):
        """config: the local backend's IndexConfig (its file-layout settings unused)."""
        self.location = location
        self.embedder = embedder
        self.config = config or IndexConfig()
        self.notify = notify
        self._client = location.connect()
        # The embedded client is not safe for concurrent calls; a server client is, but
        # the lock only spans single requests, never embedding, so it costs little there.
        self._calls = threading.RLock()
        self._writes = threading.Lock()
        self._view = _View()
        self._query_vectors = QueryVectors(embedder, self.config.query_cache)
        prefix = location.prefix
        self._units, self._chunks = f"{prefix}_units", f"{prefix}_chunks"
        self._documents, self._meta = f"{prefix}_documents", f"{prefix}_meta"
        self._meta_id = str(uuid.uuid5(_NAMESPACE, "meta"))

    @classmethod
    def open(cls, location: QdrantLocation, embedder: Embedder, config: IndexConfig | None = None,
             notify: Callable[[str], None] | None = None) -> QdrantIndex:
        index = cls(location, embedder, config, notify)
        index.reload_if_changed()
        return index

    def close(self) -> None:
        with self._calls:
            self._client.close()

    # ---- reading -------------------------------------------------------------------
    def _served(self) -> _View:
        return self._view

    def corpus_terms(self) -> CorpusTerms:
        view = self._view
        return CorpusTerms(view.generation, view.chunk_tokens)

    def reload_if_changed(self) -> bool:
        meta = self._read_meta()
        generation = meta.get("generation") if meta else None
        if generation == self._view.generation:
            return False
        if meta:
            self._check_embedder(meta)
        self._view = self._read_view(generation, self._view)
        return True

    def search(self, query: str, k: int = 5, filters: Filters = Filters()) -> list[SearchHit]:
        from qdrant_client import models
        query = checked_query(query, k)
        view = self._view
        if not view.chunks:
            return []
        query = self.restore_diacritics(query)
        condition = _payload_filter(filters, view)
        if condition is False:
            return []
        n = max(self.config.candidates, 4 * k)
        vector = self._query_vectors(query).tolist()
        sparse_query = _sparse_vector(search_tokens(query))
        requests = [models.QueryRequest(query=vector, using="dense", limit=n, filter=condition,
                                        with_payload=_CANDIDATE_FIELDS)]
        if sparse_query.indices:
            requests.append(models.QueryRequest(query=sparse_query, using="bm25", limit=n, filter=condition,
                                                with_payload=_CANDIDATE_FIELDS))
        with self._calls:
            responses = self._client.query_batch_points(self._units, requests)
        payloads: dict[str, dict] = {}
        rankings: list[list[tuple[str, float]]] = []
        for i, response in enumerate(responses):   # a sparse score of 0: no query token in the unit
            points = [p for p in response.points if view.current(p.payload) and (i == 0 or p.score > 0)]
            payloads.update((p.id, p.payload) for p in points)
            rankings.append([(p.id, p.score) for p in points])
        dense_scores = dict(rankings[0])
        fused = fuse(query, [i for i, _ in rankings[0]], [i for i, _ in rankings[1]] if sparse_query.indices else [],
                     lambda key: payloads[key]["doc_id"], view.documents, self.config)
        best = first_per_chunk(fused, lambda key: payloads[key]["chunk_id"], k)
        evidence = self._unit_evidence(view, [payloads[key]["chunk_id"] for key, _ in best], vector, sparse_query)
        hits: list[SearchHit] = []
        for key, score in best:
            payload = payloads[key]
            chunk_id = payload["chunk_id"]
            units, sparse_by_id = evidence.get(chunk_id, ((), {}))
            hits.append(SearchHit(
                rank=len(hits) + 1, score=score, chunk=view.chunks[chunk_id],
                document=view.documents[payload["doc_id"]], match=(payload["start"], payload["end"]),
                dense_score=dense_scores.get(key, 0.0), sparse_score=sparse_by_id.get(key, 0.0), units=units))
        return hits

    def _unit_evidence(self, view: _View, chunk_ids: list[str], vector: list[float], sparse_query
                       ) -> dict[str, tuple[tuple[UnitScore, ...], dict]]:
        """Every unit of these chunks scored against the query, in unit order, and the
        sparse score by point id: two filtered queries (units without a query token have
        no sparse score: 0, as in BM25)."""
        from qdrant_client import models
        if not chunk_ids:
            return {}
        condition = models.Filter(must=[models.FieldCondition(key="chunk_id", match=models.MatchAny(any=chunk_ids))])
        # Old versions of a document may still be there while a writer replaces it.
        limit = 2 * sum(view.chunk_units.get(c, 0) for c in chunk_ids) + 16
        requests = [models.QueryRequest(query=vector, using="dense", limit=limit, filter=condition,
                                        with_payload=_UNIT_FIELDS)]
        if sparse_query.indices:
            requests.append(models.QueryRequest(query=sparse_query, using="bm25", limit=limit, filter=condition))
        with self._calls:
            responses = self._client.query_batch_points(self._units, requests)
        sparse = {p.id: p.score for p in responses[1].points} if sparse_query.indices else {}
        by_chunk: dict[str, list] = {}
        for point in responses[0].points:
            if view.current(point.payload):
                by_chunk.setdefault(point.payload["chunk_id"], []).append(point)
        out = {}
        for chunk_id, points in by_chunk.items():
            points.sort(key=lambda p: p.payload["order"])
            units = tuple(UnitScore(p.payload["kind"], p.payload["start"], p.payload["end"], float(p.score),
                                    float(sparse.get(p.id, 0.0)), tuple(p.payload["tokens"]),
                                    p.payload["heading_tokens"]) for p in points)
            out[chunk_id] = (units, {p.id: float(sparse.get(p.id, 0.0)) for p in points})
        return out

    # ---- writing -------------------------------------------------------------------
    def sync(self, documents: list[Document], chunks: list[Chunk], prune: bool = False,
             on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        report = SyncReport()
        incoming = {d.doc_id: d for d in documents}
        stored = self._stored_fingerprints(list(incoming))
        for doc_id, document in incoming.items():
            old = stored.get(doc_id)
            (report.added if old is None else
             report.unchanged if old == document.fingerprint else report.updated).append(doc_id)
        changed = set(report.added) | set(report.updated)
        if changed:
            new_documents = {d: incoming[d] for d in incoming if d in changed}
            new_chunks = [c for c in chunks if c.doc_id in changed]
            # Embedding, the long part, runs outside every lock: ingest threads overlap.
            plan = plan_units(new_chunks, new_documents, self.config.frame_weight, recipe=self._recipe())
            vectors = embed_plan(plan, self.embedder, self.config.embed_batch, on_progress)
            with self._writes:
                self._ensure_collections(plan)
                self._publish(new_documents, new_chunks, plan, vectors)
            report.embedded_units = plan.model_inputs
        if prune:
            gone = [d for d, source in self._stored_sources().items()
                    if d not in incoming and not source_exists(source)]
            if gone:
                report.removed = self.remove(gone).removed
        self.reload_if_changed()
        report.chunks = self.chunk_count
        return report

    def rebuild(self, documents: list[Document], chunks: list[Chunk],
                on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        with self._writes, self._calls:
            for name in (self._units, self._chunks, self._documents, self._meta):
                if self._client.collection_exists(name):
                    self._client.delete_collection(name)
        self._view = _View()
        return self.sync(documents, chunks, on_progress=on_progress)

    def remove(self, doc_ids: list[str]) -> SyncReport:
        from qdrant_client import models
        present = list(self._stored_fingerprints(doc_ids))
        if present:
            with self._writes, self._calls:
                self._client.delete(self._documents, points_selector=[_doc_point(d) for d in present])
                by_doc = models.Filter(must=[models.FieldCondition(key="doc_id", match=models.MatchAny(any=present))])
                self._client.delete(self._units, points_selector=models.FilterSelector(filter=by_doc))
                self._client.delete(self._chunks, points_selector=models.FilterSelector(filter=by_doc))
                self._new_generation()
        self.reload_if_changed()
        return SyncReport(removed=present, chunks=self.chunk_count)

    def _publish(self, documents: dict[str, Document], chunks: list[Chunk], plan, vectors) -> None:
        from qdrant_client import models
        avgdl = self._stored_meta()["average_length"]
        order: Counter[str] = Counter()
        points = []
        for unit, vector in zip(plan.units, vectors):
            document = documents[unit.doc_id]
            payload = {"doc_id": unit.doc_id, "chunk_id": unit.chunk_id, "fingerprint": document.fingerprint,
                       "kind": unit.kind, "start": unit.start, "end": unit.end, "order": order[unit.chunk_id],
                       "tokens": list(unit.tokens), "heading_tokens": unit.heading_tokens,
                       **_document_fields(document)}
            key = f"{unit.doc_id}\x1f{document.fingerprint}\x1f{unit.chunk_id}\x1f{order[unit.chunk_id]}"
            order[unit.chunk_id] += 1
            points.append(models.PointStruct(id=str(uuid.uuid5(_NAMESPACE, key)), payload=payload, vector={
                "dense": vector.tolist(), "bm25": _bm25_vector(unit.tokens, avgdl)}))
        chunk_tokens = {u.chunk_id: list(u.tokens) for u in plan.units if u.kind == "chunk"}
        chunk_points = [models.PointStruct(
            id=str(uuid.uuid5(_NAMESPACE, f"{c.chunk_id}\x1f{documents[c.doc_id].fingerprint}")), vector={},
            payload={"doc_id": c.doc_id, "fingerprint": documents[c.doc_id].fingerprint, "units": order[c.chunk_id],
                     "tokens": chunk_tokens.get(c.chunk_id, []), "chunk": c.to_dict()}) for c in chunks]
        document_points = [models.PointStruct(id=_doc_point(d.doc_id), vector={}, payload={
            "doc_id": d.doc_id, "fingerprint": d.fingerprint, "source": d.source, "document": d.to_dict()})
            for d in documents.values()]
        with self._calls:
            for collection, batch in [(self._units, points), (self._chunks, chunk_points)]:
                for i in range(0, len(batch), UPSERT_BATCH):
                    self._client.upsert(collection, batch[i:i + UPSERT_BATCH])
            # The document point publishes the new version; then the old one goes.
            self._client.upsert(self._documents, document_points)
            for document in documents.values():
                old = models.Filter(must=[models.FieldCondition(key="doc_id",
                                                                match=models.MatchValue(value=document.doc_id))],
                                    must_not=[models.FieldCondition(key="fingerprint",
                                                                    match=models.MatchValue(value=document.fingerprint))])
                self._client.delete(self._units, points_selector=models.FilterSelector(filter=old))
                self._client.delete(self._chunks, points_selector=models.FilterSelector(filter=old))
            self._new_generation()

    def _ensure_collections(self, plan) -> None:
        from qdrant_client import models
        with self._calls:
            if not self._client.collection_exists(self._units):
                self._client.create_collection(
                    self._units,
                    vectors_config={"dense": models.VectorParams(size=self.embedder.dimension,
                                                                 distance=models.Distance.COSINE)},
                    sparse_vectors_config={"bm25": models.SparseVectorParams(modifier=models.Modifier.IDF)})
                if self.location.url:   # payload indexes (the embedded mode has none)
                    for name, schema in [("doc_id", "keyword"), ("chunk_id", "keyword"), ("fingerprint", "keyword"),
                                         ("provinces", "keyword"), ("doc_type", "keyword"), ("date", "integer")]:
                        self._client.create_payload_index(self._units, name, field_schema=schema)
            for name in (self._chunks, self._documents, self._meta):
                if not self._client.collection_exists(name):
                    self._client.create_collection(name, vectors_config={})
            if self._read_meta() is None:
                lengths = [len(u.tokens) for u in plan.units] or [1]
                self._client.upsert(self._meta, [models.PointStruct(id=self._meta_id, vector={}, payload={
                    "format_version": FORMAT_VERSION,
                    "embedder": {"id": self.embedder.model_id, "dimension": self.embedder.dimension,
                                 "unit_vectors": plan.recipe},
                    "average_length": sum(lengths) / len(lengths), "generation": None})])
            self._check_embedder(self._stored_meta())

    def _new_generation(self) -> None:
        # A fresh random name, not a counter: writers on several machines need no
        # agreement, and a reader only asks "is it still the one I read?".
        self._client.set_payload(self._meta, {"generation": uuid.uuid4().hex}, points=[self._meta_id])

    # ---- reading what is stored ------------------------------------------------------
    def _read_meta(self) -> dict | None:
        with self._calls:
            if not self._client.collection_exists(self._meta):
                return None
            found = self._client.retrieve(self._meta, [self._meta_id])
        return found[0].payload if found else None

    def _stored_meta(self) -> dict:
        """The meta point a writer has created (see _ensure_collections)."""
        meta = self._read_meta()
        if meta is None:
            raise IndexStoreError(f"Chỉ mục Qdrant '{self._meta}' thiếu thông tin chung (meta).")
        return meta

    @property
    def recipe(self) -> str:
        return self._recipe()

    def _recipe(self) -> str:
        """How new unit vectors are made: as the stored ones were, or as configured for a
        new collection (one collection never mixes two recipes)."""
        meta = self._read_meta()
        return stored_recipe(meta["embedder"]) if meta else self.config.unit_vectors

    def _check_embedder(self, meta: dict) -> None:
        built_with = meta["embedder"]
        recipe = stored_recipe(built_with)
        if recipe != self.config.unit_vectors and self.notify and self._view.generation is None:   # on opening
            self.notify(recipe_kept(f"Bộ sưu tập Qdrant '{self.location.prefix}'", recipe, self.config.unit_vectors))
        if built_with["id"] != self.embedder.model_id or built_with["dimension"] != self.embedder.dimension:
            raise IndexStoreError(embedder_mismatch(
                f"Bộ sưu tập Qdrant '{self.location.prefix}'", built_with["id"], built_with["dimension"],
                self.embedder.model_id, self.embedder.dimension,
                "Hãy chọn HOIDAP_QDRANT_COLLECTION khác hoặc xây lại."))

    def _read_view(self, generation: str | None, previous: _View) -> _View:
        """The stored documents and chunks as a new view. Only documents added or changed
        since `previous` are read whole: a write of one batch must not make every app
        server read every document's text again."""
        from qdrant_client import models
        stored = {p["doc_id"]: p["fingerprint"] for p in self._scroll(self._documents, ["doc_id", "fingerprint"])}
        view = _View(generation=generation)
        view.documents = {d: doc for d, doc in previous.documents.items() if stored.get(d) == doc.fingerprint}
        for chunk_id, chunk in previous.chunks.items():
            if chunk.doc_id in view.documents:
                view.chunks[chunk_id] = chunk
                view.chunk_tokens[chunk_id] = previous.chunk_tokens[chunk_id]
                view.chunk_units[chunk_id] = previous.chunk_units[chunk_id]
        changed = [d for d in stored if d not in view.documents]
        for i in range(0, len(changed), SCROLL_PAGE):
            batch = changed[i:i + SCROLL_PAGE]
            with self._calls:
                points = self._client.retrieve(self._documents, [_doc_point(d) for d in batch])
            for point in points:
                view.documents[point.payload["doc_id"]] = Document.from_dict(point.payload["document"])
            of_batch = models.Filter(must=[models.FieldCondition(key="doc_id", match=models.MatchAny(any=batch))])
            for payload in self._scroll(self._chunks, condition=of_batch):
                if view.current(payload):
                    chunk = Chunk.from_dict(payload["chunk"])
                    view.chunks[chunk.chunk_id] = chunk
                    view.chunk_tokens[chunk.chunk_id] = payload["tokens"]
                    view.chunk_units[chunk.chunk_id] = payload["units"]
        return view

    def _scroll(self, collection: str, fields: list[str] | bool = True, condition=None):
        with self._calls:
            if not self._client.collection_exists(collection):
                return
        offset = None
        while True:
            with self._calls:
                points, offset = self._client.scroll(collection, scroll_filter=condition, limit=SCROLL_PAGE,
                                                     offset=offset, with_payload=fields, with_vectors=False)
            for point in points:
                yield point.payload
            if offset is None:
                return

    def _stored_fingerprints(self, doc_ids: list[str]) -> dict[str, str]:
        """Fingerprints stored now (not as of this reader's view: another ingest worker
        may have written since)."""
        if not doc_ids:
            return {}
        with self._calls:
            if not self._client.collection_exists(self._documents):
                return {}
            points = self._client.retrieve(self._documents, [_doc_point(d) for d in doc_ids],
                                           with_payload=["doc_id", "fingerprint"])
        return {p.payload["doc_id"]: p.payload["fingerprint"] for p in points}

    def _stored_sources(self) -> dict[str, str]:
        return {p["doc_id"]: p["source"] for p in self._scroll(self._documents, ["doc_id", "source"])}


def _doc_point(doc_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"document\x1f{doc_id}"))


def _term_id(token: str) -> int:
    # Every process maps a token to the same index with no shared vocabulary. Among n
    # distinct tokens ~n^2 / 2^33 pairs collide: about one pair in a 10^5-token corpus,
    # which then shares a BM25 term (never a dense score).
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "little")


def _bm25_vector(tokens, average_length: float):
    from qdrant_client import models
    counts = Counter(_term_id(t) for t in tokens)
    norm = K1 * ((1 - B) + B * max(len(tokens), 1) / average_length)
    indices = sorted(counts)
    return models.SparseVector(indices=indices, values=[counts[i] / (counts[i] + norm) for i in indices])


def _sparse_vector(query_tokens: list[str]):
    from qdrant_client import models
    counts = Counter(_term_id(t) for t in query_tokens)   # repeats count, as in index/sparse.py
    indices = sorted(counts)
    return models.SparseVector(indices=indices, values=[float(counts[i]) for i in indices])


def _document_fields(document: Document) -> dict:
    """What the payload filters match (index/records.py Filters, normalised the same way)."""
    fields: dict[str, object] = {"provinces": sorted({ascii_key(p) for p in document.provinces}),
              "doc_type": ascii_key(document.doc_type or "")}
    if document.date:
        fields["date"] = _date_key(document.date)
    return fields


def _date_key(date: str) -> int:
    """"2025-06-01" → 20250601; a partial date sorts before the days it contains, as the
    strings Filters compares do."""
    return int(date.replace("-", "")[:8].ljust(8, "0"))


def _payload_filter(filters: Filters, view: _View):
    """Filters as a Qdrant payload filter (None: no filter; False: nothing can match).
    Province, document type and dates are payload conditions; issuer and number match
    parts of strings, which Qdrant payload filters cannot: they become the list of
    admitted document ids."""
    from qdrant_client import models
    if filters == Filters():
        return None
    must: list[models.Condition] = []
    if filters.province:
        must.append(models.FieldCondition(key="provinces", match=models.MatchValue(value=ascii_key(filters.province))))
    if filters.doc_type:
        must.append(models.FieldCondition(key="doc_type", match=models.MatchValue(value=ascii_key(filters.doc_type))))
    if filters.date_from or filters.date_to:
        must.append(models.FieldCondition(key="date", range=models.Range(
            gte=_date_key(filters.date_from) if filters.date_from else None,
            lte=_date_key(filters.date_to) if filters.date_to else None)))
    if filters.issuer or filters.number:
        textual = Filters(issuer=filters.issuer, number=filters.number)
        admitted = [d.doc_id for d in view.documents.values() if textual.admits(d)]
        if not admitted:
            return False
        must.append(models.FieldCondition(key="doc_id", match=models.MatchAny(any=admitted)))
    return models.Filter(must=must)
