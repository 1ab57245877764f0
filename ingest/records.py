"""Typed records that ingest hands downstream (to index, assistant, web UI, eval)."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field

Span = tuple[int, int]  # [start, end) character offsets into Document.text


@dataclass(frozen=True)
class Target:
    """One quantitative target or result a document states (ingest/targets.py)."""
    doc_id: str
    province: str               # the document's province (or its issuer)
    indicator: str              # what is measured: a canonical name, or the clause's own words
    comparator: str             # "đạt", "trên", "tối thiểu", "khoảng", "tối đa", "gấp", "tăng", "giảm"
    value: str                  # as written: "9-10%", "0,623", "2 lần", "128/182"
    unit: str                   # "%", "lần", "doanh nghiệp", …
    year: int | None            # the year it is for (target) or was reached in (result)
    kind: str                   # "target" or "result"
    date: str | None            # the document's date
    start: int                  # the quoted clause in Document.text
    end: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Target:
        return cls(**data)


@dataclass(frozen=True)
class Document:
    doc_id: str                 # the file stem, e.g. "000_cea71f7cbe1ebe5a"
    source: str                 # path (or URL) it was read from
    title: str
    text: str                   # cleaned display text, NFC; paragraphs separated by "\n\n"
    date: str | None = None     # ISO publication date, when the text states one
    provinces: tuple[str, ...] = ()
    author: str | None = None
    fingerprint: str = ""       # changes whenever text, metadata or chunking change
    # An official document's header block (ingest/official.py); None for other texts.
    doc_type: str | None = None   # "Nghị định"
    number: str | None = None     # "30/2020/NĐ-CP"
    issuer: str | None = None     # "CHÍNH PHỦ", as printed
    # (offset, path) where the body's structural path changes: "Điều 5, khoản 2", "II.3"
    outline: tuple[tuple[int, str], ...] = ()
    # Its quantitative targets and results (ingest/targets.py); None: not extracted (a
    # document stored by a version before extraction existed).
    targets: tuple[Target, ...] | None = None

    def path_at(self, offset: int) -> str:
        """The structural path ("Chương II, Điều 5, khoản 2") of the text at offset."""
        at = bisect.bisect_right([start for start, _ in self.outline], offset) - 1
        return self.outline[at][1] if at >= 0 else ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["outline"] = [list(entry) for entry in self.outline]
        data["targets"] = None if self.targets is None else [t.to_dict() for t in self.targets]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        targets = data.get("targets")
        return cls(**{**data, "provinces": tuple(data.get("provinces", ())),
                      "outline": tuple((int(o), str(p)) for o, p in data.get("outline", ())),
                      "targets": None if targets is None else tuple(Target.from_dict(t) for t in targets)})


@dataclass(frozen=True)
class Chunk:
    chunk_id: str               # "<doc_id>#<position>"
    doc_id: str
    position: int               # 0-based order within the document
    start: int                  # offsets of `text` inside Document.text
    end: int
    text: str
    sentences: tuple[Span, ...] = ()   # sentence spans (document offsets)
    clauses: tuple[Span, ...] = ()     # clause spans of long semicolon lists, retrievable alone
    context: str = ""                  # the section lead governing this chunk, when it stands
                                       # earlier ("Tầm nhìn đến năm 2045, ... sau:")
    path: str = ""                     # structural path where the chunk starts ("Điều 5, khoản 2")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["sentences"] = [list(s) for s in self.sentences]
        data["clauses"] = [list(s) for s in self.clauses]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Chunk:
        return cls(**{**data,
                      "sentences": tuple(tuple(s) for s in data.get("sentences", ())),
                      "clauses": tuple(tuple(s) for s in data.get("clauses", ()))})

    def frame_at(self, document: Document, start: int) -> Frame:
        """The frame of this chunk's passage starting at `start` (a sentence, a clause, the chunk)."""
        sentence = next((s for s in self.sentences if s[0] <= start < s[1]), None)
        opening = document.text[sentence[0]:start] if sentence and sentence[0] < start else ""
        return Frame(title=document.title, lead=self.context, opening=opening)


FRAME_WORDS = 12   # words of a lead or opening read in front of a clause, embedded or shown


@dataclass(frozen=True)
class Frame:
    """What frames a passage, without which "kinh tế số chiếm khoảng 9-10% GRDP" has no
    year or subject: the document title, the section lead the chunk sits under
    (`Chunk.context`: "Tầm nhìn đến năm 2045, … sau:") and, for a clause of a list
    sentence, the sentence's words before it ("Phấn đấu đến năm 2030 đạt các chỉ tiêu:")."""
    title: str = ""
    lead: str = ""
    opening: str = ""     # "" for a passage that starts its sentence

    @property
    def heading(self) -> str:
        """Read in front of every unit of the chunk: the title and the section lead."""
        return f"{self.title}\n{self.lead}".strip()

    @property
    def context(self) -> str:
        """The lead and the opening in full: where a quote's year and figures may stand."""
        return " ".join(part for part in (self.lead, self.opening) if part)

    @property
    def short_opening(self) -> str:
        return shorten_frame(self.opening)


def shorten_frame(text: str) -> str:
    """A lead or opening cut to the words read in front of a clause."""
    return " ".join(text.split()[:FRAME_WORDS])


@dataclass(frozen=True)
class DroppedLine:
    line_no: int                # 1-based line in the source text
    reason: str                 # Vietnamese label shown by `hoidap ingest --report`
    text: str


@dataclass
class CleanedText:
    text: str
    dropped: list[DroppedLine] = field(default_factory=list)
    title: str | None = None
    date: str | None = None
    author: str | None = None
    notes: list[str] = field(default_factory=list)   # Vietnamese report lines (pages OCR'd and why)


@dataclass(frozen=True)
class Problem:
    """A file that could not be ingested, with the Vietnamese message shown to the user."""
    source: str
    message: str


@dataclass
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    dropped: dict[str, list[DroppedLine]] = field(default_factory=dict)  # by doc_id
    notes: dict[str, list[str]] = field(default_factory=dict)            # by doc_id

    def absorb(self, batch: IngestResult) -> None:
        """Add another result's documents, chunks, reports and problems to this one."""
        self.documents += batch.documents
        self.chunks += batch.chunks
        self.dropped.update(batch.dropped)
        self.notes.update(batch.notes)
        self.problems += batch.problems
    problems: list[Problem] = field(default_factory=list)
