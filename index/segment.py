"""One immutable segment of the index: some documents with their chunks, units, term
postings and vectors. An index is a list of segments; adding documents appends one.

    seg-000004/ documents.jsonl  chunks.jsonl   the documents and chunks, as ingested
                units.npy        one row per unit: chunk, kind, span, token range
                tokens.npy       every unit's tokens as ids into vocab.json, unit after unit
                vocab.json       the segment's terms
                terms.npy        where each term's postings start (len(vocab) + 1)
                postings.npy     (unit, term frequency) for each term, units ascending
                dense.faiss      one vector per unit (flat, or an inverted file for a large segment)

Arrays are memory-mapped when a segment is opened: unit tokens and postings cost page
cache, not Python objects, and opening does not read them. Units are stored grouped by
chunk, so a chunk's units are one contiguous range of rows.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ingest import Chunk, Document

from .dense import DenseIndex
from .records import RetrievalUnit

KINDS = ("chunk", "sentence", "clause")
UNIT_DTYPE = np.dtype([("chunk", "<i4"), ("kind", "i1"), ("start", "<i4"), ("end", "<i4"),
                       ("heading", "<i4"), ("first_token", "<i8"), ("length", "<i4")])
POSTING_DTYPE = np.dtype([("unit", "<i4"), ("tf", "<f4")])
FILES = ("documents.jsonl", "chunks.jsonl", "units.npy", "tokens.npy", "vocab.json", "terms.npy",
         "postings.npy", "dense.faiss")


class SegmentInvalid(ValueError):
    """A segment's files disagree with each other (Vietnamese reason)."""


@dataclass
class Segment:
    name: str
    documents: list[Document]
    chunks: list[Chunk]
    units: np.ndarray          # UNIT_DTYPE
    tokens: np.ndarray         # int32 ids into vocab
    vocab: list[str]
    terms: np.ndarray          # int64 postings offsets per term
    postings: np.ndarray       # POSTING_DTYPE
    dense: DenseIndex
    term_ids: dict[str, int] = field(default_factory=dict)
    chunk_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))   # document of each chunk
    chunk_first: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))  # first unit row of each chunk

    def __post_init__(self):
        self.term_ids = {term: i for i, term in enumerate(self.vocab)}
        doc_index = {d.doc_id: i for i, d in enumerate(self.documents)}
        self.chunk_doc = np.array([doc_index[c.doc_id] for c in self.chunks], dtype=np.int32)
        self.chunk_first = np.searchsorted(self.units["chunk"], np.arange(len(self.chunks) + 1)).astype(np.int64)

    @property
    def size(self) -> int:
        return len(self.units)

    def unit(self, row: int) -> RetrievalUnit:
        u = self.units[row]
        chunk = self.chunks[int(u["chunk"])]
        return RetrievalUnit(row=row, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, kind=KINDS[int(u["kind"])],
                             start=int(u["start"]), end=int(u["end"]), tokens=self.unit_tokens(row),
                             heading_tokens=int(u["heading"]))

    def unit_tokens(self, row: int) -> list[str]:
        u = self.units[row]
        first = int(u["first_token"])
        return [self.vocab[i] for i in self.tokens[first:first + int(u["length"])].tolist()]

    @cached_property
    def unit_docs(self) -> np.ndarray:
        """The document (index into `documents`) of every unit (kept: filtered queries and
        every write ask for it, and a segment never changes)."""
        return self.chunk_doc[self.units["chunk"]]

    def live_part(self, gone: set[str]) -> tuple[list[Document], list[Chunk], UnitRows, np.ndarray]:
        """What is left of this segment without the `gone` documents: its documents, chunks,
        their units (chunks numbered from 0) and the rows those units were."""
        if not gone:
            return (self.documents, self.chunks, UnitRows(self.units, self.tokens, self.vocab),
                    np.arange(self.size))
        alive_chunk = np.array([c.doc_id not in gone for c in self.chunks], dtype=bool)
        rows = np.flatnonzero(alive_chunk[self.units["chunk"]])
        table = self.units[rows]   # a copy, renumbered below
        table["chunk"] = (np.cumsum(alive_chunk) - 1)[table["chunk"]]
        lengths = table["length"].astype(np.int64)
        # The kept units' token ranges, gathered: for each token, its unit's old first
        # token plus its place within the unit.
        within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        tokens = self.tokens[np.repeat(table["first_token"], lengths) + within]
        return ([d for d in self.documents if d.doc_id not in gone],
                [c for c, alive in zip(self.chunks, alive_chunk) if alive],
                UnitRows(table, np.asarray(tokens, dtype=np.int32), self.vocab), rows)

    def chunk_rows(self, chunk: int) -> range:
        return range(int(self.chunk_first[chunk]), int(self.chunk_first[chunk + 1]))

    def postings_of(self, term: str) -> np.ndarray | None:
        term_id = self.term_ids.get(term)
        if term_id is None:
            return None
        return self.postings[int(self.terms[term_id]):int(self.terms[term_id + 1])]


@dataclass
class UnitRows:
    """Units in the array form a segment stores them in (before postings): rows of
    UNIT_DTYPE, whose `chunk` indexes the segment's chunks, and their tokens as ids into
    `vocab`. Merging segments joins these arrays; no unit becomes a Python object."""
    table: np.ndarray   # UNIT_DTYPE
    tokens: np.ndarray  # int32
    vocab: list[str]

    @classmethod
    def from_units(cls, units: list[RetrievalUnit], chunks: list[Chunk]) -> UnitRows:
        """`units` must come grouped by chunk, chunks in `chunks` order."""
        chunk_index = {c.chunk_id: i for i, c in enumerate(chunks)}
        vocab: dict[str, int] = {}
        ids = [vocab.setdefault(t, len(vocab)) for u in units for t in u.tokens]
        table = np.zeros(len(units), dtype=UNIT_DTYPE)
        table["chunk"] = [chunk_index[u.chunk_id] for u in units]
        table["kind"] = [KINDS.index(u.kind) for u in units]
        table["start"] = [u.start for u in units]
        table["end"] = [u.end for u in units]
        table["heading"] = [u.heading_tokens for u in units]
        table["length"] = [len(u.tokens) for u in units]
        if len(units) and np.any(np.diff(table["chunk"]) < 0):
            raise ValueError("units must be grouped by chunk, in chunk order")
        return cls(_numbered(table), np.array(ids, dtype=np.int32), list(vocab))

    @classmethod
    def joined(cls, parts: list[tuple[UnitRows, int]]) -> UnitRows:
        """One table of these parts in order; each part's chunk numbers are shifted by its
        offset (where its chunks start among the joined ones) and its tokens renumbered
        into one vocabulary."""
        vocab: dict[str, int] = {}
        tables, tokens = [], []
        for part, chunk_offset in parts:
            remap = np.array([vocab.setdefault(t, len(vocab)) for t in part.vocab], dtype=np.int32)
            table = part.table.copy()
            table["chunk"] += chunk_offset
            tables.append(table)
            tokens.append(remap[part.tokens] if len(part.tokens) else part.tokens)
        table = np.concatenate(tables) if tables else np.zeros(0, dtype=UNIT_DTYPE)
        return cls(_numbered(table), np.concatenate(tokens) if tokens else np.zeros(0, np.int32), list(vocab))


def _numbered(table: np.ndarray) -> np.ndarray:
    """The table with `first_token` set: units' tokens stored one after another."""
    lengths = table["length"].astype(np.int64)
    table["first_token"] = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(table) else []
    return table


def write_segment(folder: Path, documents: list[Document], chunks: list[Chunk],
                  units: UnitRows, vectors: np.ndarray, ann_threshold: int) -> None:
    """Write a segment of these documents, chunks, units (rows of `vectors`)."""
    folder.mkdir(parents=True)
    n, tokens, lengths = len(units.table), units.tokens, units.table["length"].astype(np.int64)
    # Postings: one (term, unit) pair per distinct term of a unit, with its count.
    unit_of_token = np.repeat(np.arange(n, dtype=np.int64), lengths)
    pairs, counts = np.unique(tokens.astype(np.int64) * max(n, 1) + unit_of_token, return_counts=True)
    term_of_pair = pairs // max(n, 1)
    postings = np.zeros(len(pairs), dtype=POSTING_DTYPE)
    postings["unit"] = pairs % max(n, 1)
    postings["tf"] = counts
    del pairs, unit_of_token
    terms = np.searchsorted(term_of_pair, np.arange(len(units.vocab) + 1)).astype(np.int64)
    _write_jsonl(folder / "documents.jsonl", (d.to_dict() for d in documents))
    _write_jsonl(folder / "chunks.jsonl", (c.to_dict() for c in chunks))
    for name, array in (("units", units.table), ("tokens", tokens), ("terms", terms), ("postings", postings)):
        with (folder / f"{name}.npy").open("wb") as handle:
            np.save(handle, array, allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
    _write_text(folder / "vocab.json", json.dumps(units.vocab, ensure_ascii=False))
    DenseIndex.build(vectors, ann_threshold).save(folder / "dense.faiss")


def load_segment(folder: Path, dimension: int) -> Segment:
    """Read and check a segment; SegmentInvalid (or OSError/ValueError) when it is damaged."""
    documents = [Document.from_dict(_mapping(row, "documents.jsonl"))
                 for row in _read_jsonl(folder / "documents.jsonl")]
    chunks = [Chunk.from_dict(_mapping(row, "chunks.jsonl")) for row in _read_jsonl(folder / "chunks.jsonl")]
    arrays = {name: _load_array(folder / f"{name}.npy") for name in ("units", "tokens", "terms", "postings")}
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    dense = DenseIndex.load(folder / "dense.faiss")
    _check(folder.name, documents, chunks, arrays, vocab, dense, dimension)
    return Segment(folder.name, documents, chunks, arrays["units"], arrays["tokens"], vocab, arrays["terms"],
                   arrays["postings"], dense)


def _check(name, documents, chunks, arrays, vocab, dense, dimension) -> None:
    where = f"phân đoạn {name}"
    doc_ids = {d.doc_id for d in documents}
    if len(doc_ids) != len(documents) or not all(isinstance(d.text, str) for d in documents):
        raise SegmentInvalid(f"{where}: documents.jsonl có tài liệu trùng mã hoặc sai kiểu")
    if len({c.chunk_id for c in chunks}) != len(chunks):
        raise SegmentInvalid(f"{where}: chunks.jsonl có đoạn trùng mã")
    for chunk in chunks:
        if chunk.doc_id not in doc_ids:
            raise SegmentInvalid(f"{where}: đoạn '{chunk.chunk_id}' thuộc tài liệu không có trong chỉ mục")
    expected = {"units": UNIT_DTYPE, "tokens": np.dtype(np.int32), "terms": np.dtype(np.int64),
                "postings": POSTING_DTYPE}
    for key, dtype in expected.items():
        if arrays[key].dtype != dtype or arrays[key].ndim != 1:
            raise SegmentInvalid(f"{where}: {key}.npy sai kiểu dữ liệu")
    units, tokens, terms, postings = arrays["units"], arrays["tokens"], arrays["terms"], arrays["postings"]
    if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
        raise SegmentInvalid(f"{where}: vocab.json không phải danh sách từ")
    n = len(units)
    if n and (units["chunk"].min() < 0 or units["chunk"].max() >= len(chunks) or np.any(np.diff(units["chunk"]) < 0)):
        raise SegmentInvalid(f"{where}: units.npy trỏ tới đoạn không có trong chỉ mục")
    if n and (units["kind"].min() < 0 or units["kind"].max() >= len(KINDS) or units["length"].min() < 0
              or units["first_token"].min() < 0 or (units["first_token"] + units["length"]).max() > len(tokens)):
        raise SegmentInvalid(f"{where}: units.npy có giá trị ngoài phạm vi")
    if len(tokens) and (tokens.min() < 0 or tokens.max() >= len(vocab)):
        raise SegmentInvalid(f"{where}: tokens.npy trỏ tới từ không có trong vocab.json")
    if (len(terms) != len(vocab) + 1 or (len(terms) and (terms[0] != 0 or terms[-1] != len(postings)))
            or np.any(np.diff(terms) < 0)):
        raise SegmentInvalid(f"{where}: terms.npy không khớp với vocab.json và postings.npy")
    if len(postings) and (postings["unit"].min() < 0 or postings["unit"].max() >= n):
        raise SegmentInvalid(f"{where}: postings.npy trỏ tới mục không có")
    if dense.dimension != dimension:
        raise SegmentInvalid(f"{where}: dense.faiss có {dense.dimension} chiều, manifest ghi {dimension}")
    if dense.size != n:
        raise SegmentInvalid(f"{where}: dense.faiss có {dense.size} véc-tơ cho {n} mục")


def _load_array(path: Path) -> np.ndarray:
    try:
        # A plain ndarray view of the mapping (it keeps the map open): numpy's memmap
        # subclass runs Python code on every item read, 3 ms a question at a million units.
        return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
    except ValueError:   # an empty array cannot be mapped; a damaged file fails again below
        return np.load(path, allow_pickle=False)


def _mapping(row, file: str) -> dict:
    if not isinstance(row, dict):
        raise SegmentInvalid(f"{file} có dòng không phải đối tượng JSON")
    return row


def _read_jsonl(path: Path) -> list:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _write_jsonl(path: Path, rows) -> None:
    _write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
