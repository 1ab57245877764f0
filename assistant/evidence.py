"""Choosing the sentence or clause that answers a question, from retrieved chunks.

Every sentence and list clause of the retrieved chunks is a candidate, described by a
few named features: semantic similarity to the question (precomputed unit vectors, so no
embedding at question time), overlap with the question's key terms (in the quote alone,
and counting its heading and chunk), BM25, fit to the question type (a "bao nhiêu phần
trăm" question needs a "%"), agreement with the year and province asked, the chunk's
rank and the quote's length. A linear ranker (assistant/ranker.py) turns them into one
score; its weights are learned on XQuAD articles by `python -m eval.train_ranker`, never
on this project's own question sets.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index import SearchHit, UnitScore
from ingest import Frame
from ingest.chunking import LIST_LABELS
from ingest.metadata import PROVINCES
from ingest.normalize import FIGURE_NUMBER, YEAR, YEAR_DIGITS, is_accentless_token, match_key, token_text
from ingest.official import ends_as_heading

from .question import Question, QuestionType
from .ranker import RAREST_COLUMN, YEAR_MISMATCH_COLUMN, LinearRanker
from .terms import TermWeights, contains_term, token_string

LONG_SENTENCE_WORDS = 30       # a longer sentence also offers windows of its parts
MIN_WINDOW_WORDS, MAX_WINDOW_WORDS = 8, 22
MIN_PART_WORDS = 5
_PART_BREAK = re.compile(r"[,;:]\s+|\s+[–-]\s+")
FRAME_TERM_CREDIT = 0.75       # a term found only in the heading: title, section lead, list lead
CHUNK_TERM_CREDIT = 0.5        # a term found only elsewhere in the chunk
REQUIRED_TYPES = {QuestionType.PERCENT, QuestionType.QUANTITY, QuestionType.DATE, QuestionType.PERSON}
NAME_TYPES = {QuestionType.PERSON, QuestionType.PLACE, QuestionType.ENTITY}
FIGURE_TYPES = {QuestionType.PERCENT, QuestionType.QUANTITY, QuestionType.DATE}

_PERCENT = re.compile(r"\d\s*%")
# Figures, not identifiers: "57" in "57-NQ/TW" names a resolution.
_NUMBER_WORD = re.compile(r"\b(hai|ba|bốn|sáu|bảy|tám|chín|mười|trăm|nghìn|ngàn|triệu|tỷ|gấp đôi)\b",
                          re.IGNORECASE)
# "03 tháng", "sáu năm", "mười ngày làm việc": a length of time.
_LENGTH_OF_TIME = re.compile(r"(?:\d+|\b(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|vài|mấy))\s+"
                             r"(?:ngày|tuần|tháng|năm|giờ|phút|giây|thế kỷ|thập kỷ)\b", re.IGNORECASE)
# "Nghị quyết 57", "Quyết định số 749", "Điều 5": the number names a document or a part of
# one; it counts nothing.
_NAMED_BY_NUMBER = re.compile(r"\b(?:nghị quyết|quyết định|nghị định|chỉ thị|thông tư|kế hoạch|công văn|luật|"
                              r"điều|khoản|điểm|chương|phụ lục)(?: số)?\s*$", re.IGNORECASE)
# A time of day as official texts write it: "7h30", "13 giờ 30", "07:30".
_TIME_OF_DAY = re.compile(r"(?<![\d.,:])\d{1,2}\s?(?:h|giờ|:)\s?\d{0,2}(?!\d)", re.IGNORECASE)
# Centuries, decades and "66 triệu năm trước" date things too.
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày \d|\btháng \d|\bnăm \d{3,4}\b|\b1\d{3}\b|\b20\d{2}\b|"
                   r"\bthế kỷ (?:thứ )?(?:\d+|[IVXL]+)\b|\bthập (?:niên|kỷ) \d|"
                   r"\d[\d.,]*\s*(?:triệu |nghìn |ngàn |tỷ )?năm (?:trước|sau)\b|"
                   # "có hiệu lực kể từ ngày ký": the day a text is signed or issued is its date
                   r"\bngày (?:ký|ban hành)\b",
                   re.IGNORECASE)
# How much without a figure: "hơn một nửa", "phần lớn", "hầu hết" answer "bao nhiêu" and
# "bao nhiêu phần trăm" questions, more vaguely than a number.
_SHARE_WORDS = re.compile(r"\b(?:một nửa|phân nửa|phần lớn|hầu hết|đa số|thiểu số|phần nhỏ)\b", re.IGNORECASE)
# Capitalised phrases that are places, bodies, titles or documents, not a person's name.
_NOT_NAME_PHRASES = sorted(set(PROVINCES) | {
    "Việt Nam", "UBND", "HĐND", "Ban Thường vụ", "Ban Chấp hành", "Tỉnh ủy", "Tỉnh uỷ", "Bộ Chính trị",
    "Chủ tịch", "Phó Chủ tịch", "Bí thư", "Tổng Bí thư", "Thủ tướng", "Chính phủ", "Trung ương",
    "Nghị quyết", "Chỉ thị", "Kế hoạch", "Chương trình", "Đề án", "Hội nghị", "Hội thảo", "Quốc hội",
    "Giám đốc", "Trung tá", "Đại học", "Trường", "Trung tâm", "Sở", "Bộ", "Cổng", "Sàn",
    "Phong trào", "Cửa khẩu", "Đảng", "Nhà nước", "Tại", "Năm", "Ngày", "Đồng chí", "Theo", "Trong"},
    key=len, reverse=True)
_ANAPHOR = re.compile(r"^(Đây là|Đó là|Điều này|Trong đó|Theo đó|Qua đó|Nhờ đó)\b")
# A sentence opening on a pronoun or "this/that": its subject is in the sentence before.
_ANAPHORIC_OPENING = re.compile(r"^(Anh ấy|Cô ấy|Ông ấy|Bà ấy|Ông|Bà|Họ|Nó|Điều này|Điều đó|Việc này|Đây|Đó|"
                                r"Những người này|He|She|It|They|This)\b")
_LIST_CUE = re.compile(r":|\bnhư\b|\bgồm\b|\bbao gồm\b|\blà\b")
# Case matters: "Trưởng phòng" is a title, "tăng trưởng" is growth.
_PERSON_TITLE = re.compile(r"Chủ tịch|Bí thư|Giám đốc|Trưởng \w+|Phó \w+|\b[ôÔ]ng\s|\b[bB]à\s")


@dataclass(frozen=True)
class Candidate:
    hit: SearchHit
    start: int                 # quote span in the document text
    end: int
    kind: str                  # "sentence", "clause", "window" (part of a long sentence); lists.py adds "lead", "item"
    text: str
    frame: Frame               # what frames the quote: the section lead, its sentence's opening
    score: float               # the ranker's log-odds that the quote answers the question
    gate: float                # is it worth answering from at all (LinearRanker.gate_value)
    type_fit: float
    overlap: float
    dense: float
    features: tuple[float, ...] = ()   # in ranker.FEATURES order

    @property
    def doc_id(self) -> str:
        return self.hit.chunk.doc_id

    @property
    def names_other_years(self) -> bool:
        """The quote or its frame names years, none of them the one asked."""
        return bool(self.features) and self.features[YEAR_MISMATCH_COLUMN] > 0

    @property
    def holds_rarest_term(self) -> bool:
        """The question's most specific term is in the quote, its frame or its chunk."""
        return bool(self.features) and self.features[RAREST_COLUMN] > 0

    @property
    def is_heading(self) -> bool:
        """A line of its own that ends without a full stop and has more of its chunk after it
        (see is_heading_line): it names a topic in the question's own words; what it says is
        in the lines below it."""
        return self.kind == "sentence" and self.end < self.hit.chunk.end and \
            is_heading_line(self.hit.document.text, self.start, self.end)


def is_heading_line(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a line of its own, but for its list label, that ends without
    a full stop: "2. Thời hạn nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ quan", "Điều 37. Hiệu
    lực thi hành", "Các mục tiêu cụ thể được xác định như sau:"."""
    before = text[text.rfind("\n", 0, start) + 1:start]
    label = LIST_LABELS.match(before)
    return ((not before or (label is not None and label.end() == len(before)))
            and text[end:end + 1] in ("\n", "")
            and ends_as_heading(text[start:end]))


def candidates(question: Question, hits: list[SearchHit], weights: TermWeights,
               ranker: LinearRanker) -> list[Candidate]:
    """All scored candidates, best first."""
    raw = []
    for hit in hits:
        for unit in hit.units:
            if unit.kind == "chunk" and len(hit.chunk.sentences) > 1:
                continue  # its sentences are candidates of their own
            raw.append((hit, unit))
            if unit.kind != "clause":
                raw.extend((hit, window) for window in _windows(hit.document.text, unit))
    if not raw:
        return []
    best_dense = max(u.dense for _, u in raw)
    best_sparse = max(u.sparse for _, u in raw) or 1.0
    # Overlap of every whole sentence, for its neighbours: a sentence restating the
    # question is often followed (or preceded) by the one holding the answer.
    sentence_overlap = {(hit.chunk.chunk_id, unit.start): _overlap(
        question, [(1.0, token_string(unit.tokens[unit.heading_tokens:], question.accentless))], weights)
        for hit, unit in raw if unit.kind in ("sentence", "chunk")}
    # The heading lines of each chunk, found once: they frame the lines under them.
    headings = {hit.chunk.chunk_id: [u for u in hit.units if u.kind == "sentence"
                                     and is_heading_line(hit.document.text, u.start, u.end)] for hit in hits}
    dense_rank = _ranks([u.dense for _, u in raw])
    sparse_rank = _ranks([u.sparse for _, u in raw])
    syllables = _content_syllables(question)
    scored = [_score(question, hit, unit, best_dense, best_sparse, weights, ranker, sentence_overlap,
                     headings[hit.chunk.chunk_id], (dense_rank[i], sparse_rank[i]), syllables)
              for i, (hit, unit) in enumerate(raw)]
    return sorted(scored, key=lambda c: -c.score)


def _ranks(values: list[float]) -> list[float]:
    """1 / rank of each value among all (1.0 for the best; ties share the better rank)."""
    order = sorted(set(values), reverse=True)
    position = {v: i + 1 for i, v in enumerate(order)}
    return [1.0 / position[v] for v in values]


def _content_syllables(question: Question) -> tuple[str, ...]:
    """The key terms' syllables, in order (accent-less for accent-less questions)."""
    return tuple(w for term in question.key_terms for w in term.split())


def _syllable_overlap(syllables: tuple[str, ...], quote_syllables: set[str],
                      quote_pairs: set[tuple[str, str]]) -> tuple[float, float]:
    """Share of the question's content syllables, and of its adjacent syllable pairs, in
    the quote: robust where the question and the passage are segmented differently."""
    if not syllables:
        return 0.0, 0.0
    single = sum(w in quote_syllables for w in syllables) / len(syllables)
    pairs = list(zip(syllables, syllables[1:]))
    return single, (sum(p in quote_pairs for p in pairs) / len(pairs)) if pairs else single


def _windows(doc_text: str, unit: UnitScore) -> list[UnitScore]:
    """Runs of a long sentence's comma-separated parts, as candidates of their own: an
    answer in the sentence's second half then costs the reader half the words. A window
    shares its sentence's similarity scores and takes the sentence's tokens that fall
    inside it (aligned on the tone-normalised text, so no segmentation at question time)."""
    text = doc_text[unit.start:unit.end]
    if len(text.split()) <= LONG_SENTENCE_WORDS:
        return []
    inside = _bracketed(text)
    cuts = [0] + [m.end() for m in _PART_BREAK.finditer(text) if not inside[m.start()]] + [len(text)]
    parts: list[tuple[int, int]] = []
    follows_item = False
    for a, b in zip(cuts, cuts[1:]):
        # A short part is a list item ("kiểm tra, rà soát, hệ thống hóa và xử lý văn bản"):
        # it stays with the parts on both sides, so no window ends or starts inside a list.
        item = len(text[a:b].split()) < MIN_PART_WORDS
        if parts and (item or follows_item):
            parts[-1] = (parts[-1][0], b)
        elif text[a:b].strip():
            parts.append((a, b))
        follows_item = item
    if len(parts) < 2:
        return []
    offsets = _token_offsets(text, unit.tokens[unit.heading_tokens:])
    heading = unit.tokens[:unit.heading_tokens]
    windows = []
    for i in range(len(parts)):
        for j in range(i, len(parts)):
            a, b = parts[i][0], parts[j][1]
            words = len(text[a:b].split())
            if words > MAX_WINDOW_WORDS or (i, j) == (0, len(parts) - 1):
                break
            if words >= MIN_WINDOW_WORDS:
                body = tuple(t for t, at in offsets if a <= at < b)
                a2, b2 = a + len(text[a:b]) - len(text[a:b].lstrip()), len(text[:b].rstrip(" ,;:–-"))
                windows.append(UnitScore("window", unit.start + a2, unit.start + b2, unit.dense, unit.sparse,
                                         heading + body, unit.heading_tokens))
    return windows


def _bracketed(text: str) -> list[bool]:
    """Per character, whether it stands inside brackets or quotation marks: "Ibn Sina (Avicenna,
    981-1037)" is not cut after "Avicenna," (a part would open on "981-1037)")."""
    depth, inside = 0, []
    for char in text:
        if char in "([“«":
            depth += 1
        elif char in ")]”»" and depth:
            depth -= 1
        inside.append(depth > 0)
    return inside


def _token_offsets(text: str, tokens) -> list[tuple[str, int]]:
    """(token, offset in text) for a unit's body tokens; accent-less syllables ("a:so")
    take the offset of the word they were derived from."""
    key, cursor, at, out = match_key(text), 0, 0, []
    for token in tokens:
        if not is_accentless_token(token):
            found = key.find(token_text(token), cursor)
            if found >= 0:
                at, cursor = found, found + len(token)
        out.append((token, at))
    return out


def _score(question: Question, hit: SearchHit, unit, best_dense: float, best_sparse: float,
           weights: TermWeights, ranker: LinearRanker, sentence_overlap: dict, headings: list[UnitScore],
           ranks: tuple[float, float], syllables: tuple[str, ...]) -> Candidate:
    doc_text = hit.document.text
    text = doc_text[unit.start:unit.end]
    frame = hit.chunk.frame_at(hit.document, unit.start)
    # A list item's label ("5.1.", "8. c)") is no figure of the answer, nor part of the quote:
    # the citation gives the item's place.
    label = LIST_LABELS.match(text)
    start = unit.start + (label.end() if label and label.end() < len(text) else 0)
    text = doc_text[start:unit.end]
    accentless = question.accentless
    chunk_unit = next((u for u in hit.units if u.kind == "chunk"), unit)
    frame_tokens = list(unit.tokens[:unit.heading_tokens])
    # Under a heading in the same chunk ("2. Thời hạn nộp lưu hồ sơ …" above "a) Đối với hồ
    # sơ xây dựng cơ bản: Trong thời hạn 03 tháng …"), the heading frames the line as a lead does.
    heading = max((u for u in headings if u.end <= unit.start), key=lambda u: u.end, default=None)
    if heading is not None:
        frame_tokens += heading.tokens[heading.heading_tokens:]
    if _ANAPHOR.match(text):  # "Đây là ..." continues the previous sentence's subject
        previous = max((u for u in hit.units if u.kind == "sentence" and u.end <= unit.start),
                       key=lambda u: u.end, default=None)
        if previous is not None:
            frame_tokens += previous.tokens[previous.heading_tokens:]
    body = token_string(unit.tokens[unit.heading_tokens:], accentless)
    places = [(1.0, body), (FRAME_TERM_CREDIT, token_string(frame_tokens, accentless)),
              (CHUNK_TERM_CREDIT, token_string(chunk_unit.tokens, accentless))]
    overlap = _overlap(question, places, weights)
    rarest = _rarest_found(question, weights, places)
    overlap_body = sentence_overlap.get((hit.chunk.chunk_id, unit.start)) if unit.kind != "window" else None
    if overlap_body is None:
        overlap_body = _overlap(question, [(1.0, body)], weights)
    sentences = hit.chunk.sentences
    at = next((i for i, (a, b) in enumerate(sentences) if a <= unit.start < b), None)
    neighbour = [sentence_overlap.get((hit.chunk.chunk_id, sentences[i][0]), 0.0)
                 for i in (at - 1 if at is not None else -1, at + 1 if at is not None else len(sentences))
                 if 0 <= i < len(sentences)]
    # How much of the quote only restates the question: an answer adds something new.
    quote_words = [w for w in body.split("|") if w]
    asked = question.term_string
    restated = sum(contains_term(asked, w) for w in quote_words) / max(1, len(quote_words))
    quote_syllables = [w for word in quote_words for w in word.split()]
    single, pairs = _syllable_overlap(syllables, set(quote_syllables), set(zip(quote_syllables, quote_syllables[1:])))
    type_fit = _type_fit(question, text)
    year = _year_agreement(question.years, f"{frame.context} {text}")
    required = question.qtype in REQUIRED_TYPES
    features = (unit.dense, unit.dense - best_dense, overlap, overlap_body, unit.sparse / best_sparse,
                type_fit, type_fit if question.qtype in NAME_TYPES else 0.0,
                type_fit if question.qtype in FIGURE_TYPES else 0.0, float(required and type_fit == 0),
                float(year > 0), float(year < 0), float(_wrong_province(question, hit)),
                1.0 / hit.rank, math.log1p(len(text.split())), float(unit.kind == "clause"), restated,
                float(unit.kind == "window"), max(neighbour, default=0.0), single, pairs, ranks[0], ranks[1],
                chunk_unit.dense, float(bool(_ANAPHORIC_OPENING.match(text))), rarest)
    kind = unit.kind if unit.kind in ("clause", "window") else "sentence"
    score = ranker.score(features, question.crosslingual)
    return Candidate(hit=hit, start=start, end=unit.end, kind=kind, text=text, frame=frame,
                     score=score, gate=ranker.gate_value(features, score, question.crosslingual), type_fit=type_fit,
                     overlap=overlap, dense=unit.dense,
                     features=features)


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


def _rarest_found(question: Question, weights: TermWeights, places: list[tuple[float, str]]) -> float:
    """Where the question's most specific term (highest IDF) is found: the credit of the
    first place holding it, 0 when nowhere. A near-miss ("bao nhiêu doanh nghiệp công nghệ
    số" over passages about "doanh nghiệp") typically lacks exactly that term."""
    if not question.key_terms:
        return 1.0
    rarest = max(question.key_terms, key=lambda t: weights.weight(t, question.accentless))
    return next((credit for credit, text in places if contains_term(text, rarest)), 0.0)


def _type_fit(question: Question, text: str) -> float:
    """How well the quote holds what the question asks for; what the question itself
    names ("Nghị quyết 57", "năm 2030", "Lai Châu") is not an answer."""
    qtype = question.qtype
    if question.asks_duration and qtype == QuestionType.DESCRIBE:
        return 1.0 if _LENGTH_OF_TIME.search(text) else 0.5
    if qtype == QuestionType.PERCENT:
        return 1.0 if _PERCENT.search(text) else 0.5 if _SHARE_WORDS.search(text) else 0.0
    # A claim to check ("... năm 2005 phải không?") must find its own figures.
    asked = frozenset() if question.yes_no else _asked_names(question.text)
    if qtype == QuestionType.QUANTITY:
        asked_with = set() if question.yes_no else set(FIGURE_NUMBER.findall(question.text))
        numbers = [m for m in FIGURE_NUMBER.finditer(text)
                   if not YEAR.fullmatch(m.group()) and m.group() not in asked_with
                   and not _NAMED_BY_NUMBER.search(text, max(0, m.start() - 24), m.start())]
        if question.asks_clock_time:   # "từ mấy giờ": "7h30", "13 giờ 30", "07:30"; a phone number is no time
            return 1.0 if _TIME_OF_DAY.search(text) else 0.0
        counted = _counted_noun(question)
        if not numbers and not _NUMBER_WORD.search(text):
            # "bao nhiêu phần", "bao nhiêu" alone can take "phần lớn"; a count of things
            # ("bao nhiêu xã") cannot: "đa số các xã" does not say how many.
            return 0.5 if not counted and _SHARE_WORDS.search(text) else 0.0
        if not counted:
            return 1.0
        # "bao nhiêu doanh nghiệp": a count reads "7.300 doanh nghiệp" or "bảy nhóm", not
        # "40% doanh nghiệp"; figures of other things fit less (translations and ranks often
        # put the noun elsewhere: XQuAD's "16.000 loài" for "bao nhiêu loài cây").
        key = match_key(text)
        counts = [m.end() for m in numbers if text[m.end():m.end() + 1] != "%"]
        counts += [m.end() for m in _NUMBER_WORD.finditer(key)]
        return 1.0 if any(counted in key[end:end + len(counted) + 25] for end in counts) else 0.5
    if qtype == QuestionType.DATE:
        return 1.0 if _DATE.search(text if question.yes_no else _without(text, question.years)) else 0.0
    if qtype == QuestionType.PERSON:
        names = _name_candidates(_without(text, asked))
        if _has_person_name(names):
            return 1.0
        # A title, or one capitalised word past the first ("Miller đã tước bóng", "với
        # Hội đồng Dược phẩm"): a surname or a body, weaker evidence than a full name.
        # So does a noun naming people ("các sinh viên", "chỉ dược sĩ") the question lacks,
        # when it asks who did something; "Ai là Chủ tịch …?" asks for a name.
        return 0.5 if (_PERSON_TITLE.search(text) or _has_capitalised_word(names)
                       or (not question.asks_identity and _names_people(text, question.text))) else 0.0
    if qtype in (QuestionType.PLACE, QuestionType.ENTITY):
        # A proper name (capitalised past the first word) or a figure the question lacks.
        words = re.findall(r"\w+", text)[1:]
        new = any(w[:1].isupper() and w not in asked for w in words)
        return 1.0 if new else 0.5 if qtype == QuestionType.ENTITY and FIGURE_NUMBER.search(text) else 0.0
    if qtype == QuestionType.LIST:
        # An enumeration: a list cue followed by separated items, as in
        # "các nội dung trọng tâm như A, B, C" or "2 phường: Tân Phong, Đoàn Kết".
        cue = _LIST_CUE.search(text)
        if cue and len(re.findall(r"[,;]", text[cue.end():])) >= 2:
            return 1.0
        return 0.5 if len(re.findall(r"[,;]", text)) >= 3 else 0.2
    return 0.5


_COUNTED = re.compile(r"(?:bao nhiêu|mấy)\s+(\w+(?:\s\w+){0,2})", re.IGNORECASE)  # what is counted
# What a claimed figure counts: "đã hoàn thành 150 nhiệm vụ", not a year or a percentage.
_CLAIMED_COUNT = re.compile(rf"(?<![\w])(?!{YEAR_DIGITS}\b)\d+(?:[.,]\d+)*\s+(?!%)(\w+(?:\s\w+){{0,2}})")
_NOT_COUNTED = {"phần", "lần", "năm", "ngày", "tháng", "người", "tuổi", "giờ", "phút", "mét", "km", "thời"}
_CLASSIFIERS = {"loại", "chiếc", "cái", "con", "dòng", "bộ", "tấm", "bản", "quyển", "cuốn", "căn", "ngôi"}
_FUNCTION_WORDS = {"của", "có", "được", "đã", "ở", "tại", "trong", "cho", "và", "là", "thì", "đến", "vào", "từ"}


def _counted_noun(question: Question) -> str:
    """What "bao nhiêu X" counts ("doanh nghiệp", "sản phẩm"), or for a claim to check
    what its figure counts ("150 nhiệm vụ"); "" when X is a unit too general to tell one
    count from another ("lần", "người", "năm")."""
    found = (_CLAIMED_COUNT if question.yes_no else _COUNTED).search(question.text)
    if not found:
        return ""
    words: list[str] = []
    for word in match_key(found.group(1)).split():
        if word in _FUNCTION_WORDS:
            break
        if words or word not in _CLASSIFIERS:  # "bao nhiêu chiếc điện thoại" counts "điện thoại"
            words.append(word)
    return "" if not words or words[0] in _NOT_COUNTED else " ".join(words[:2])


def _asked_names(question: str) -> frozenset[str]:
    """Capitalised words of the question past its first word."""
    return frozenset(w for w in re.findall(r"\w+", question)[1:] if w[:1].isupper())


def _without(text: str, words) -> str:
    for word in words:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " | ", text)
    return text


# "dữ liệu lớn (Big Data)": a term's foreign gloss in brackets after a lower-case word.
_GLOSS = re.compile(r"(\w) \([^()]{1,40}\)")


def _has_person_name(names: str) -> bool:
    """Two or more capitalised words in a row, in a text cleaned by _name_candidates.
    (Case is checked with str.isupper: Vietnamese capitals do not form a regex range.)"""
    run = 0
    for word in re.findall(r"\w+|\|", names):
        if word[0].isupper() and not word.isupper():
            run += 1
            if run >= 2:
                return True
        else:
            run = 0
    return False


def _has_capitalised_word(names: str) -> bool:
    """A capitalised word past the first that is not an acronym, in a text cleaned by
    _name_candidates."""
    return any(w[0].isupper() and not w.isupper() for w in re.findall(r"\w+", names)[1:])


PERSON_NOUNS = Path(__file__).with_name("data") / "person_nouns.txt"


@lru_cache(maxsize=1)
def _person_nouns() -> re.Pattern:
    lines = PERSON_NOUNS.read_text(encoding="utf-8").splitlines()
    nouns = sorted({line.strip() for line in lines if line.strip() and not line.startswith("#")}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, nouns)) + r"|nhà(?: \w+){1,3} học)(?!\w)")


def _names_people(text: str, question: str) -> bool:
    """A noun naming people or a body (assistant/data/person_nouns.txt) that the question
    does not already name."""
    asked = question.lower()
    return any(m.group() not in asked for m in _person_nouns().finditer(text.lower()))


def _name_candidates(text: str) -> str:
    """The text with what looks like a name but is not one (places, bodies, titles and
    bracketed glosses) replaced by a "|" that breaks a run of capitalised words."""
    for phrase in _NOT_NAME_PHRASES:
        text = text.replace(phrase, " | ")
    return _GLOSS.sub(lambda m: f"{m.group(1)} |" if m.group(1).islower() else m.group(0), text)


def _year_agreement(years: tuple[str, ...], text: str) -> float:
    if not years:
        return 0.0
    present = set(YEAR.findall(text))
    if present & set(years):
        return 1.0
    return -1.0 if present else 0.0


def _wrong_province(question: Question, hit: SearchHit) -> bool:
    """The document is about another province than the one asked (a wrong province is a
    wrong answer)."""
    return bool(question.provinces) and not set(question.provinces) & set(hit.document.provinces)


def fits_required_type(question: Question, candidate: Candidate) -> bool:
    """The quote holds the kind of fact asked when one is required (a "khi nào" question
    may be answered by an event; its type_missing feature still counts the absent date)."""
    return question.qtype not in REQUIRED_TYPES or candidate.type_fit > 0 or question.when_by_event
