"""Records the index produces and stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ingest import Chunk, Document
from ingest.normalize import ascii_key
from ingest.records import Span


@dataclass(frozen=True)
class RetrievalUnit:
    """One searchable row: a whole chunk, one of its sentences, or one list clause."""
    row: int
    chunk_id: str
    doc_id: str
    kind: str          # "chunk", "sentence" or "clause"
    start: int         # span in Document.text that a hit on this unit highlights
    end: int
    tokens: list[str] = field(default_factory=list)   # heading tokens, then body tokens
    heading_tokens: int = 0    # how many of `tokens` come from the heading (title, lead)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class UnitScore:
    """How one unit inside a hit's chunk matched the query (for sentence selection)."""
    kind: str              # "chunk", "sentence" or "clause"
    start: int             # span in Document.text
    end: int
    dense: float           # cosine similarity to the query
    sparse: float          # BM25 score
    tokens: tuple[str, ...] = ()   # word-segmented tokens: heading (title, lead) then body
    heading_tokens: int = 0

@dataclass(frozen=True)
class SearchHit:
    rank: int
    score: float           # fused reciprocal-rank score
    chunk: Chunk
    document: Document
    match: Span            # best-matching span (a clause, or the chunk) in Document.text
    dense_score: float     # cosine similarity of the best unit (0 if it was not a dense candidate)
    sparse_score: float    # BM25 score of the best unit (0 if it was not a sparse candidate)
    units: tuple[UnitScore, ...] = ()   # every unit of the chunk, scored against the query

    def to_json(self) -> dict:
        return {"rank": self.rank, "doc_id": self.chunk.doc_id, "chunk_id": self.chunk.chunk_id,
                "score": round(self.score, 6), "title": self.document.title,
                "date": self.document.date, "province": ", ".join(self.document.provinces),
                "doc_type": self.document.doc_type, "number": self.document.number,
                "issuer": self.document.issuer, "path": self.chunk.path, "text": self.chunk.text}


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded_units: int = 0    # how many texts went through the embedding model
    chunks: int = 0            # chunks in the index after the sync


class QueryError(ValueError):
    """Raised with a Vietnamese message for an unusable query."""


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
