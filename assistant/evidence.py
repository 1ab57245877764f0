"""Choosing the sentence or clause that answers a question, from retrieved chunks.

Every sentence and list clause of the retrieved chunks is a candidate. Its score adds:
semantic similarity to the question (precomputed unit vectors, so no embedding at
question time), overlap with the question's key terms, fit to the question type (a
"bao nhiêu phần trăm" question needs a "%"), and agreement with the province and year
the question names. The weights were set by hand on eval/questions/public.jsonl and
checked against its metrics (see eval/README.md for the command).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import SearchHit
from ingest.normalize import ascii_key

from ingest.metadata import PROVINCES

from .question import Question, QuestionType
from .terms import TermWeights, contains_term, token_string

W_OVERLAP, W_DENSE, W_TYPE, W_YEAR, W_SPARSE, W_RANK = 1.0, 4.0, 0.6, 0.5, 0.3, 0.05
FRAME_TERM_CREDIT = 0.75       # a term found only in the heading: title, section lead, list lead
CHUNK_TERM_CREDIT = 0.5        # a term found only elsewhere in the chunk
LONG_QUOTE_WORDS = 45          # a longer sentence loses to its own clauses
LONG_QUOTE_PENALTY = 0.01      # per word beyond LONG_QUOTE_WORDS
REQUIRED_TYPES = {QuestionType.PERCENT, QuestionType.QUANTITY, QuestionType.DATE, QuestionType.PERSON}

_PERCENT = re.compile(r"\d\s*%")
# Figures, not identifiers: "57" in "57-NQ/TW" names a resolution.
_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,/]\d+)*(?![\w]|-[A-ZĐ])")
_NUMBER_WORD = re.compile(r"\b(hai|ba|bốn|sáu|bảy|tám|chín|mười|trăm|nghìn|ngàn|triệu|tỷ|gấp đôi)\b",
                          re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày \d|\btháng \d|\bnăm (19|20)\d{2}\b",
                   re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
# Capitalised phrases that are places, bodies, titles or documents, not a person's name.
_NOT_NAME_PHRASES = sorted(set(PROVINCES) | {
    "Việt Nam", "UBND", "HĐND", "Ban Thường vụ", "Ban Chấp hành", "Tỉnh ủy", "Tỉnh uỷ", "Bộ Chính trị",
    "Chủ tịch", "Phó Chủ tịch", "Bí thư", "Tổng Bí thư", "Thủ tướng", "Chính phủ", "Trung ương",
    "Nghị quyết", "Chỉ thị", "Kế hoạch", "Chương trình", "Đề án", "Hội nghị", "Hội thảo", "Quốc hội",
    "Giám đốc", "Trung tá", "Đại học", "Trường", "Trung tâm", "Sở", "Bộ", "Cổng", "Sàn", "Viettel",
    "Phong trào", "Bình dân học vụ số", "Sa Pa", "Bắc Hà", "Tân Phong", "Đoàn Kết", "Phong Thổ",
    "Tả Lèng", "Ma Lù Thàng", "Cửa khẩu", "Đảng", "Nhà nước", "Tại", "Năm", "Ngày", "Đồng chí"},
    key=len, reverse=True)
_ANAPHOR = re.compile(r"^(Đây là|Đó là|Điều này|Trong đó|Theo đó|Qua đó|Nhờ đó)\b")
_LIST_CUE = re.compile(r":|\bnhư\b|\bgồm\b|\bbao gồm\b|\blà\b")
_PERSON_TITLE = re.compile(r"Chủ tịch|Bí thư|Giám đốc|Trưởng|Phó|ông |bà ", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    hit: SearchHit
    start: int                 # quote span in the document text
    end: int
    kind: str                  # "sentence" or "clause"
    text: str
    frame: str                 # what frames the quote: its sentence's opening, the section lead
    score: float
    type_fit: float
    overlap: float
    dense: float

    @property
    def doc_id(self) -> str:
        return self.hit.chunk.doc_id


def candidates(question: Question, hits: list[SearchHit], weights: TermWeights) -> list[Candidate]:
    """All scored candidates, best first."""
    raw = []
    for hit in hits:
        for unit in hit.units:
            if unit.kind == "chunk" and len(hit.chunk.sentences) > 1:
                continue  # its sentences are candidates of their own
            raw.append((hit, unit))
    if not raw:
        return []
    best_dense = max(u.dense for _, u in raw)
    best_sparse = max(u.sparse for _, u in raw) or 1.0
    scored = [_score(question, hit, unit, best_dense, best_sparse, weights) for hit, unit in raw]
    return sorted(scored, key=lambda c: -c.score)


def _score(question: Question, hit: SearchHit, unit, best_dense: float, best_sparse: float,
           weights: TermWeights) -> Candidate:
    doc_text = hit.document.text
    text = doc_text[unit.start:unit.end]
    frame = _frame(hit, unit.start, unit.end)
    accentless = question.accentless
    chunk_unit = next((u for u in hit.units if u.kind == "chunk"), unit)
    frame_tokens = list(unit.tokens[:unit.heading_tokens])
    if _ANAPHOR.match(text):  # "Đây là ..." continues the previous sentence's subject
        previous = max((u for u in hit.units if u.kind == "sentence" and u.end <= unit.start),
                       key=lambda u: u.end, default=None)
        if previous is not None:
            frame_tokens += previous.tokens[previous.heading_tokens:]
    overlap = _overlap(question, [
        (1.0, token_string(unit.tokens[unit.heading_tokens:], accentless)),
        (FRAME_TERM_CREDIT, token_string(frame_tokens, accentless)),
        (CHUNK_TERM_CREDIT, token_string(chunk_unit.tokens, accentless))], weights)
    type_fit = _type_fit(question, text)
    year = _year_agreement(question.years, f"{frame} {text}")
    province = _province_agreement(question, hit)
    words = len(text.split())
    score = (W_OVERLAP * overlap + W_DENSE * (unit.dense - best_dense) + W_TYPE * type_fit
             + W_YEAR * year + W_SPARSE * unit.sparse / best_sparse - W_RANK * (hit.rank - 1)
             + province - LONG_QUOTE_PENALTY * max(0, words - LONG_QUOTE_WORDS))
    kind = "clause" if unit.kind == "clause" else "sentence"
    return Candidate(hit=hit, start=unit.start, end=unit.end, kind=kind, text=text, frame=frame,
                     score=score, type_fit=type_fit, overlap=overlap, dense=unit.dense)


def _frame(hit: SearchHit, start: int, end: int) -> str:
    """The section lead and, for a clause, the opening of its sentence."""
    parts = [hit.chunk.context] if hit.chunk.context else []
    sentence = next((s for s in hit.chunk.sentences if s[0] <= start < s[1]), None)
    if sentence and sentence[0] < start:
        parts.append(hit.document.text[sentence[0]:start])
    return " ".join(parts)


def _overlap(question: Question, places: list[tuple[float, str]], weights: TermWeights) -> float:
    """IDF-weighted share of the question's terms found in the candidate; a term found
    only in its frame or its surroundings earns the credit of the first place holding it."""
    total = sum(weights.weight(t, question.accentless) for t in question.key_terms)
    if not total:
        return 0.0
    found = 0.0
    for term in question.key_terms:
        credit = next((c for c, text in places if contains_term(text, term)), 0.0)
        found += credit * weights.weight(term, question.accentless)
    return found / total


def _type_fit(question: Question, text: str) -> float:
    qtype = question.qtype
    if qtype == QuestionType.PERCENT:
        return 1.0 if _PERCENT.search(text) else 0.0
    if qtype == QuestionType.QUANTITY:
        asked_with = set(_NUMBER.findall(question.text))  # "Nghị quyết 57" is not the answer
        numbers = [n for n in _NUMBER.findall(text) if not _YEAR.fullmatch(n) and n not in asked_with]
        return 1.0 if numbers or _NUMBER_WORD.search(text) else 0.0
    if qtype == QuestionType.DATE:
        return 1.0 if _DATE.search(text) else 0.0
    if qtype == QuestionType.PERSON:
        return 1.0 if _has_person_name(text) else 0.5 if _PERSON_TITLE.search(text) else 0.0
    if qtype == QuestionType.LIST:
        # An enumeration: a list cue followed by separated items, as in
        # "các nội dung trọng tâm như A, B, C" or "2 phường: Tân Phong, Đoàn Kết".
        cue = _LIST_CUE.search(text)
        if cue and len(re.findall(r"[,;]", text[cue.end():])) >= 2:
            return 1.0
        return 0.5 if len(re.findall(r"[,;]", text)) >= 3 else 0.2
    return 0.5


def _has_person_name(text: str) -> bool:
    """Two or more capitalised words in a row that are not places, bodies or titles.
    (Case is checked with str.isupper: Vietnamese capitals do not form a regex range.)"""
    for phrase in _NOT_NAME_PHRASES:
        text = text.replace(phrase, " | ")
    run = 0
    for word in re.findall(r"\w+|\|", text):
        if word[0].isupper() and not word.isupper():
            run += 1
            if run >= 2:
                return True
        else:
            run = 0
    return False


def _year_agreement(years: tuple[str, ...], text: str) -> float:
    if not years:
        return 0.0
    present = set(_YEAR.findall(text))
    if present & set(years):
        return 1.0
    return -1.0 if present else 0.0


def _province_agreement(question: Question, hit: SearchHit) -> float:
    """0 when the question names no province; a large penalty when the document is
    about another province than the one asked (a wrong province is a wrong answer)."""
    if not question.provinces:
        return 0.0
    return 0.0 if set(question.provinces) & set(hit.document.provinces) else -5.0


def fits_required_type(question: Question, candidate: Candidate) -> bool:
    return question.qtype not in REQUIRED_TYPES or candidate.type_fit > 0
