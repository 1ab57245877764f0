"""Finding the items of a list a passage announces, for "gồm những gì" questions.

Administrative texts enumerate in three ways, all found here from the document's own
sentence and clause spans:
- a sentence of semicolon-separated clauses ("… như: A; B; C"), recorded at ingest;
- a lead sentence followed by enumerated sentences ("… bảy nhóm nhiệm vụ. Một là A, …
  Hai là B, …", "1. …", "a) …", "- …"), possibly running into the next chunk;
- an inline comma list ("gồm: A, B, C"), which the sentence itself already answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import SearchHit
from ingest import Chunk

from .evidence import Candidate

_ORDINALS = "Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười"
_ENUMERATOR = re.compile(rf"^(?:(?:Thứ\s+)?(?:{_ORDINALS}|Mười\s+\w+)\s+là\s+|\d{{1,2}}[.)]\s+|[a-zđ][)]\s+|[-–•+]\s+)")
MAX_ITEMS = 15
ITEM_WORDS = 24            # a longer item is cut ...
ENUMERATED_ITEM_WORDS = 12  # ... and an enumerated sentence longer than this keeps its first phrase


@dataclass(frozen=True)
class ListAnswer:
    lead: Candidate | None     # the sentence announcing the list, when there is one
    items: tuple[Candidate, ...]


def find_list(candidate: Candidate, chunks: list[Chunk]) -> ListAnswer | None:
    """The list the candidate belongs to or announces; `chunks` are its document's, in order."""
    return _clause_list(candidate) or _enumerated_list(candidate, chunks)


def _clause_list(candidate: Candidate) -> ListAnswer | None:
    hit = candidate.hit
    sentence = _containing(hit.chunk.sentences, candidate.start)
    if sentence is None:
        return None
    clauses = [c for c in hit.chunk.clauses if sentence[0] <= c[0] < sentence[1]]
    if len(clauses) < 3:
        return None
    text = hit.document.text
    first_start, first_end = clauses[0]
    colon = text.find(":", first_start, first_end)
    lead_end = colon if colon >= 0 else sentence[0]
    items = []
    if colon >= 0:
        clauses[0] = (_skip_space(text, colon + 1), first_end)
    for start, end in clauses[:MAX_ITEMS]:
        items.append(_item(hit, start, _cut(text, start, end, ITEM_WORDS)))
    lead = _span_candidate(candidate, hit, sentence[0], lead_end) if lead_end > sentence[0] else None
    return ListAnswer(lead=lead, items=tuple(items))


def _enumerated_list(candidate: Candidate, chunks: list[Chunk]) -> ListAnswer | None:
    text = candidate.hit.document.text
    sentences = [(span, chunk) for chunk in chunks for span in chunk.sentences]
    at = next((i for i, (span, _) in enumerate(sentences) if span[0] <= candidate.start < span[1]), None)
    if at is None:
        return None
    depth = [_depth(text[a:b]) for (a, b), _ in sentences]
    # A candidate followed by items a level deeper announces them ("2. … bao gồm các thành
    # phần chính" before "a) Quốc hiệu và Tiêu ngữ."); an item's list is announced by the
    # sentence before its first sibling.
    lead_at = at
    announces = at + 1 < len(depth) and depth[at + 1] > depth[at]
    while not announces and lead_at >= 0 and depth[lead_at] >= max(depth[at], 0):
        lead_at -= 1
    if lead_at < 0:
        return None
    if lead_at + 1 < len(sentences) and depth[lead_at + 1] == NOT_AN_ITEM:
        # "... thảo luận vào các khó khăn. Nhất là A; B; C." — a list in the next sentence.
        (start, end), chunk = sentences[lead_at + 1]
        following = [c for c in chunk.clauses if start <= c[0] < end]
        if len(following) >= 3 and lead_at == at:
            (lead_start, lead_end), lead_chunk = sentences[lead_at]
            hit = hit_for(candidate.hit, chunk)
            lead = _span_candidate(candidate, hit_for(candidate.hit, lead_chunk), lead_start, lead_end)
            listed = tuple(_item(hit, a, _cut(text, a, b, ITEM_WORDS)) for a, b in following[:MAX_ITEMS])
            return ListAnswer(lead=lead, items=listed)
    items: list[Candidate] = []
    item_depth = depth[lead_at + 1] if lead_at + 1 < len(sentences) else NOT_AN_ITEM
    for ((start, end), chunk), level in zip(sentences[lead_at + 1:], depth[lead_at + 1:]):
        if level == NOT_AN_ITEM or level < item_depth or len(items) == MAX_ITEMS:
            break
        if level > item_depth:   # a sub-item ("a)" under "2."): part of the item before it
            continue
        hit = hit_for(candidate.hit, chunk)
        enumerator = _ENUMERATOR.match(text[start:end])
        body = start + (enumerator.end() if enumerator else 0)
        items.append(_item(hit, body, _first_phrase(text, body, end)))
    if len(items) < 2:
        return None
    (lead_start, lead_end), lead_chunk = sentences[lead_at]
    label = _ENUMERATOR.match(text[lead_start:lead_end])   # "2. … bao gồm": the lead reads without "2."
    lead_start += label.end() if label else 0
    return ListAnswer(lead=_span_candidate(candidate, hit_for(candidate.hit, lead_chunk), lead_start, lead_end),
                      items=tuple(items))


NOT_AN_ITEM = -1


def _depth(sentence: str) -> int:
    """How deep an enumerated sentence sits, as official texts nest them: "Một là" 0,
    "1." (khoản) 1, "a)" (điểm) 2, "-" 3; NOT_AN_ITEM for a sentence that is no item."""
    found = _ENUMERATOR.match(sentence)
    if found is None:
        return NOT_AN_ITEM
    marker = found.group().strip()
    if marker[0].isdigit():
        return 1
    if marker[0] in "-–•+":
        return 3
    return 2 if marker[1:] == ")" else 0


def _containing(spans, offset: int):
    return next((s for s in spans if s[0] <= offset < s[1]), None)


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _cut(text: str, start: int, end: int, words: int) -> int:
    """The end of the first `words` words of text[start:end]."""
    found = list(re.finditer(r"\S+", text[start:end]))
    return end if len(found) <= words else start + found[words - 1].end()


def _first_phrase(text: str, start: int, end: int) -> int:
    """A long enumerated item is named by its first phrase ("nâng cao nhận thức, …")."""
    end = len(text[:end].rstrip(" .;"))
    if len(text[start:end].split()) <= ENUMERATED_ITEM_WORDS:
        return end
    comma = text.find(",", start, end)
    if comma >= 0 and len(text[start:comma].split()) >= 3:
        return comma
    return _cut(text, start, end, ENUMERATED_ITEM_WORDS)


def hit_for(hit: SearchHit, chunk: Chunk) -> SearchHit:
    """The hit, or one like it on another chunk of its document (a list, a signature elsewhere)."""
    if chunk.chunk_id == hit.chunk.chunk_id:
        return hit
    return SearchHit(rank=hit.rank, score=0.0, chunk=chunk, document=hit.document,
                     match=(chunk.start, chunk.end), dense_score=0.0, sparse_score=0.0)


def _item(hit: SearchHit, start: int, end: int) -> Candidate:
    text = hit.document.text[start:end].rstrip(" ;,.")
    return Candidate(hit=hit, start=start, end=start + len(text), kind="item", text=text,
                     frame=hit.chunk.frame_at(hit.document, start),
                     score=0.0, gate=0.0, type_fit=0.0, overlap=0.0, dense=0.0)


def _span_candidate(candidate: Candidate, hit: SearchHit, start: int, end: int) -> Candidate:
    text = hit.document.text[start:end].rstrip(" :;,.")
    return Candidate(hit=hit, start=start, end=start + len(text), kind="lead", text=text,
                     frame=hit.chunk.frame_at(hit.document, start), score=candidate.score,
                     gate=candidate.gate, type_fit=candidate.type_fit, overlap=candidate.overlap, dense=candidate.dense)
