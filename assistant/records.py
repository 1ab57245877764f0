"""The typed answer record, used unchanged by the CLI, the web UI and the eval."""

from __future__ import annotations

from dataclasses import dataclass, field

from hoidap.messages import REFUSAL
from index import SearchHit
from ingest import Chunk, Document

REFUSAL_MESSAGE = REFUSAL   # the one refusal sentence (hoidap/messages.py), exported under this name


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long), with a Vietnamese message."""


@dataclass(frozen=True)
class Citation:
    n: int                    # the [n] marker in the answer
    doc_id: str
    chunk_id: str
    title: str
    date: str | None
    province: str
    text: str                 # the whole chunk
    quote: str                # the exact span of `text` the answer used
    quote_start: int          # offsets of `quote` inside `text`
    quote_end: int
    context: str = ""         # the section lead framing the chunk, if any
    path: str = ""            # where the quote stands in the document: "Điều 13, khoản 2"
    issuer: str = ""          # an official document's issuing body, as printed

    @classmethod
    def for_span(cls, n: int, hit: SearchHit, start: int, end: int) -> Citation:
        """Citation [n] of a hit's chunk, quoting the span [start, end) of the document text."""
        return cls.for_chunk(n, hit.chunk, hit.document, start, end)

    @classmethod
    def for_chunk(cls, n: int, chunk: Chunk, document: Document, start: int, end: int) -> Citation:
        """Citation [n] of a chunk of a document, quoting the span [start, end) of the
        document text (cut to the chunk)."""
        start, end = max(start, chunk.start), min(end, chunk.end)
        quote_start, quote_end = start - chunk.start, end - chunk.start
        return cls(n=n, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=document.title,
                   date=document.date, province=", ".join(document.provinces), text=chunk.text,
                   quote=chunk.text[quote_start:quote_end], quote_start=quote_start,
                   quote_end=quote_end, context=chunk.context, path=document.path_at(start),
                   issuer=document.issuer or "")

    @property
    def source_label(self) -> str:
        """The cited document and the place in it: "Nghị định 30/2020/NĐ-CP …, Điều 13, khoản 2"."""
        return f"{self.title}, {self.path}" if self.path else self.title

    @property
    def origin(self) -> str:
        """Who issued it, or else the provinces it is about."""
        return self.issuer or self.province

    @property
    def date_label(self) -> str:
        """The publication date as answers print it: 12/01/2026."""
        if not self.date:
            return ""
        year, month, day = self.date.split("-")
        return f"{day}/{month}/{year}"

    def to_json(self) -> dict:
        return {"n": self.n, "doc_id": self.doc_id, "chunk_id": self.chunk_id, "title": self.title,
                "date": self.date, "province": self.province, "issuer": self.issuer, "path": self.path,
                "text": self.text, "quote": self.quote}


@dataclass
class Answer:
    question: str                         # as asked
    answer: str                           # Vietnamese text with [n] markers
    refused: bool
    grounded: bool                        # numeric guard: every number is in a cited passage
    backend: str                          # "extractive", "openai", "ollama"
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[SearchHit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    resolved_question: str = ""           # after merging a follow-up with the previous turn
    notice: str | None = None             # fallback / refusal explanation shown to the user
    related: list[SearchHit] = field(default_factory=list)  # "có thể liên quan" on refusals

    def to_json(self) -> dict:
        return {"question": self.question, "answer": self.answer, "refused": self.refused,
                "grounded": self.grounded, "backend": self.backend,
                "citations": [c.to_json() for c in self.citations],
                "retrieved": [{"rank": h.rank, "doc_id": h.chunk.doc_id, "chunk_id": h.chunk.chunk_id,
                               "score": round(h.score, 6), "text": h.chunk.text} for h in self.retrieved],
                "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()}}
