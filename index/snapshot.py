"""What one index generation serves: its segments seen as one table of rows.

A row is a unit's global number: segment i's units are rows offsets[i] .. offsets[i+1].
Documents replaced or removed since their segment was written are *dead*: their rows stay
in the segment's files until compaction, but no search returns them and term statistics
leave them out. A snapshot never changes; a write installs a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from ingest import Chunk, Document

from .diacritics import DiacriticRestorer
from .query import chunks_by_document
from .records import RetrievalUnit
from .segment import KINDS, Segment
from .sparse import SparseIndex

CHUNK_KIND = KINDS.index("chunk")


@dataclass
class Snapshot:
    segments: list[Segment] = field(default_factory=list)
    dead: dict[str, set[str]] = field(default_factory=dict)    # segment name -> dead document ids
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    alive: list[np.ndarray | None] = field(default_factory=list)   # live-unit mask per segment (None: all)
    documents: dict[str, Document] = field(default_factory=dict)   # live documents
    chunks: dict[str, Chunk] = field(default_factory=dict)          # their chunks
    home: dict[str, int] = field(default_factory=dict)              # live doc_id -> segment
    chunk_home: dict[str, tuple[int, int]] = field(default_factory=dict)   # chunk_id -> (segment, chunk)
    sparse: SparseIndex | None = None
    restorer: DiacriticRestorer | None = None
    generation: str | None = None    # the on-disk generation this is (None: nothing indexed)

    @classmethod
    def of(cls, segments: list[Segment], dead: dict[str, set[str]], generation: str | None = None) -> Snapshot:
        snapshot = cls(segments=list(segments), dead={s.name: set(dead.get(s.name, ())) for s in segments},
                       generation=generation)
        snapshot.offsets = np.cumsum([0] + [s.size for s in segments]).astype(np.int64)
        for i, segment in enumerate(segments):
            gone = snapshot.dead[segment.name]
            live = np.array([d.doc_id not in gone for d in segment.documents], dtype=bool)
            snapshot.alive.append(None if live.all() else live[segment.unit_docs])
            for document in segment.documents:
                if document.doc_id not in gone:
                    snapshot.documents[document.doc_id] = document
                    snapshot.home[document.doc_id] = i
            for j, chunk in enumerate(segment.chunks):
                if chunk.doc_id not in gone:
                    snapshot.chunks[chunk.chunk_id] = chunk
                    snapshot.chunk_home[chunk.chunk_id] = (i, j)
        if segments:
            snapshot.sparse = SparseIndex(snapshot.segments, snapshot.offsets[:-1], snapshot.alive)
        return snapshot

    @cached_property
    def chunks_by_document(self) -> dict[str, list[Chunk]]:
        return chunks_by_document(self.chunks.values())

    @property
    def size(self) -> int:
        """Rows, dead ones included."""
        return int(self.offsets[-1])

    @property
    def live_units(self) -> int:
        return sum(s.size if a is None else int(a.sum()) for s, a in zip(self.segments, self.alive))

    def locate(self, row: int) -> tuple[Segment, int]:
        i = int(np.searchsorted(self.offsets, row, side="right")) - 1
        return self.segments[i], row - int(self.offsets[i])

    def unit(self, row: int) -> RetrievalUnit:
        segment, local = self.locate(row)
        return replace(segment.unit(local), row=row)   # numbered in the snapshot, not the segment

    def doc_id(self, row: int) -> str:
        segment, local = self.locate(row)
        return segment.documents[int(segment.chunk_doc[segment.units["chunk"][local]])].doc_id

    def chunk_id(self, row: int) -> str:
        segment, local = self.locate(row)
        return segment.chunks[int(segment.units["chunk"][local])].chunk_id

    def rows_of_chunk(self, chunk_id: str) -> range:
        i, chunk = self.chunk_home[chunk_id]
        rows = self.segments[i].chunk_rows(chunk)
        return range(rows.start + int(self.offsets[i]), rows.stop + int(self.offsets[i]))

    def rows_where(self, admits: Callable[[Document], bool]) -> list[np.ndarray]:
        """Per segment, the live local rows of documents `admits` accepts."""
        out = []
        for segment in self.segments:
            gone = self.dead[segment.name]
            wanted = np.array([d.doc_id not in gone and admits(d) for d in segment.documents], dtype=bool)
            out.append(np.flatnonzero(wanted[segment.unit_docs]) if len(wanted) else np.zeros(0, np.int64))
        return out

    def dense_search(self, query: np.ndarray, n: int, allowed: list[np.ndarray] | None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Top-n live rows over all segments by cosine similarity."""
        row_parts, sim_parts = [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
        for i, segment in enumerate(self.segments):
            if allowed is not None:
                if not len(allowed[i]):
                    continue
                found, scores = segment.dense.search(query, n, allowed=allowed[i])
            else:
                alive = self.alive[i]
                found, scores = segment.dense.search(query, n, excluded=None if alive is None
                                                     else np.flatnonzero(~alive))
            row_parts.append(found.astype(np.int64) + int(self.offsets[i]))
            sim_parts.append(scores)
        rows, sims = np.concatenate(row_parts), np.concatenate(sim_parts)
        order = np.argsort(-sims, kind="stable")[:n]
        return rows[order], sims[order]

    def similarities(self, query: np.ndarray, rows: range) -> np.ndarray:
        segment, first = self.locate(rows.start)
        return segment.dense.similarities(query, range(first, first + len(rows)))

    def chunk_tokens(self) -> dict[str, list[str]]:
        """Word-segmented tokens of each live chunk's whole-chunk unit, by chunk id."""
        out = {}
        for segment in self.segments:
            gone = self.dead[segment.name]
            for row in np.flatnonzero(segment.units["kind"] == CHUNK_KIND):
                chunk = segment.chunks[int(segment.units["chunk"][row])]
                if chunk.doc_id not in gone:
                    out[chunk.chunk_id] = segment.unit_tokens(int(row))
        return out

    def restorer_for(self) -> DiacriticRestorer:
        if self.restorer is None:
            # Built on first use, from the snapshot it serves (a write swaps the snapshot).
            self.restorer = DiacriticRestorer(c.text for c in self.chunks.values())
        return self.restorer
