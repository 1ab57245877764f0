"""Quantitative targets and results, extracted from a document's text.

A programme says "Các mục tiêu cụ thể đến năm 2030 … trên 80% người dân … sử dụng dịch vụ
công trực tuyến; 80% giao dịch không dùng tiền mặt; …" and a report says "Đến nay, toàn
tỉnh đã hoàn thành 128/182 nhiệm vụ". Each figure that measures something becomes a
`Target`: its value as written, the comparator in front of it ("trên", "tối thiểu", …),
what it measures (the words of its clause), the year it is for, and whether it is a
target or a result already reached.

Rules, no model: a figure counts when it is a percentage, a multiple ("gấp 2 lần"), a
score, or a count directly after a word that states a measure ("đạt", "trên", "gần",
"có", "với", …) or listed after one ("138 doanh nghiệp …, 187 doanh nghiệp …"). Dates,
years, document numbers ("57-NQ/TW"), network generations ("5G") and ranks ("thứ 20",
"tốp 10") are not values.

The year comes from the nearest frame: a year in the figure's own sentence ("… chiếm 20%
GRDP vào năm 2045"), else a frame opening the sentence ("Đến năm 2030, …", "Tầm nhìn đến
năm 2045, …"), else the last target frame that opened a paragraph ("Các mục tiêu cụ thể đến
năm 2030 được xác định: …" governs the paragraphs after it, until the next such frame).
A result reported "đến nay" / "hiện nay" belongs to the year the paragraph before
reported on ("Năm 2025, …"), or else to the document's date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .normalize import YEAR_DIGITS, ascii_key
from .records import Document, Target, shorten_frame

INDICATORS = Path(__file__).with_name("data") / "indicators.json"

# ---- figures ---------------------------------------------------------------------------
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_FIGURE = re.compile(
    rf"(?<![\w./-])(?P<value>(?:{_NUM})(?:\s?[-–]\s?(?:{_NUM}))?(?:/(?:{_NUM}))?)(?P<percent>\s?%)?(?![\w/%-]|\.\d)")
_NOT_A_VALUE_BEFORE = re.compile(r"(?:\b(?:số|thứ|tốp|top|nhóm|ngày|tháng|lần thứ|khóa|kỳ|giai đoạn)\s*|[/:-])$",
                                 re.IGNORECASE)
_NOT_A_VALUE_AFTER = re.compile(r"^(?:\s?[GD]\b|/\d|-[A-ZĐ])")
_NOT_A_COUNT_OF = re.compile(r"^\s?(?:giờ|phút|năm|tháng|ngày|cấp)\b")   # "2 cấp", "50 năm"
_MULTIPLE = re.compile(r"^\s?(lần|bậc|điểm)\b")
# The words that make a bare count a measure when they stand right before it.
_MEASURE_CUE = re.compile(
    r"\b(?:đạt|trên|gần|khoảng|hơn|ít nhất|tối thiểu|có|với|thu hút|hoàn thành|thực hiện|được|tỷ lệ|tỉ lệ|"
    r"tăng|giảm|gấp|xấp xỉ|từ|lên|đưa|duy trì)\s*$", re.IGNORECASE)
_LIST_JOIN = re.compile(r"(?:,|;|\bvà|\bhoặc)\s*$")
_COMPARATORS = [("tối thiểu", re.compile(r"\b(?:tối thiểu|ít nhất|không dưới)\s*$|\btừ\s*$", re.IGNORECASE)),
                ("trên", re.compile(r"\b(?:trên|hơn|vượt)\s*$", re.IGNORECASE)),
                ("khoảng", re.compile(r"\b(?:khoảng|gần|xấp xỉ|chừng)\s*$", re.IGNORECASE)),
                ("tối đa", re.compile(r"\b(?:tối đa|dưới|không quá)\s*$", re.IGNORECASE)),
                ("gấp", re.compile(r"\bgấp\s*$", re.IGNORECASE)),
                ("tăng", re.compile(r"\btăng\s*$", re.IGNORECASE)),
                ("giảm", re.compile(r"\bgiảm\s*$", re.IGNORECASE))]
_AT_LEAST_AFTER = re.compile(r"^\s?%?\s*trở lên", re.IGNORECASE)
_UNIT_WORDS = 4

# ---- years -----------------------------------------------------------------------------
# A year a target is for, or a result was reached in; not "so với năm 2025" (a baseline).
_YEAR_FRAME = re.compile(rf"(?<!so với )\b(?:đến hết|đến|tới|vào|trong|tầm nhìn đến|tầm nhìn)\s+"
                         rf"(?:năm\s+)?({YEAR_DIGITS})\b"
                         rf"|^\s*(?:năm|đến năm|đến hết năm|đến hết)\s+({YEAR_DIGITS})\b", re.IGNORECASE)
_TARGET_CUE = re.compile(r"\b(?:mục tiêu|phấn đấu|hướng tới|hướng đến|tầm nhìn|sẽ|đặt ra|chỉ tiêu|kế hoạch|bảo đảm|"
                         r"đảm bảo|định hướng|cần|phải)\b", re.IGNORECASE)
# A target's own words; "phải", "cần", "bảo đảm" alone also state a rule's obligations.
_AIM_CUE = re.compile(r"\b(?:mục tiêu|phấn đấu|hướng tới|hướng đến|tầm nhìn|đặt ra|chỉ tiêu|kế hoạch|định hướng)\b",
                      re.IGNORECASE)
_RESULT_CUE = re.compile(r"\b(?:đã|đến nay|hiện nay|hiện tại|tính đến|đạt được|vừa qua|qua đó)\b", re.IGNORECASE)
_AS_OF_NOW = re.compile(r"^\s*(?:tính\s+)?(?:đến nay|hiện nay|hiện tại)\b", re.IGNORECASE)

_PARAGRAPH = re.compile(r"[^\n]+")
_SENTENCE = re.compile(r".+?(?:[.!?…]+(?=\s|$)|$)")   # "2.191" and "56,7" do not end one
_CLAUSE_END = re.compile(r"[;:]|(?:,|\svà|\shoặc)\s(?=(?:trên|dưới|gần|khoảng|tối thiểu|ít nhất)?\s?\d)|\.\s|$")


@dataclass
class _YearFrame:
    year: int | None
    target: bool | None     # None: decided by the year against the document's date


def extract_targets(document: Document) -> list[Target]:
    """Every quantitative target or result in the document, in text order."""
    text = document.text
    doc_year = int(document.date[:4]) if document.date else None
    province = document.provinces[0] if document.provinces else (document.issuer or "")
    section: _YearFrame | None = None    # the target frame the last framing paragraph opened
    reported: _YearFrame | None = None   # the result frame of the paragraph just before
    out: list[Target] = []
    for paragraph in _PARAGRAPH.finditer(text):
        opening = _frame_at_start(paragraph.group())
        if opening is not None and opening.target:
            section = opening
        frame = opening or section
        for sentence in _sentences(text, paragraph.start(), paragraph.end()):
            s_text = text[sentence[0]:sentence[1]]
            if _AS_OF_NOW.match(s_text):
                frame = reported or _YearFrame(doc_year, False)
            sentence_frame = _frame_at_start(s_text)
            if sentence_frame is not None:
                frame = sentence_frame
            out += _targets_in(document, province, doc_year, sentence, frame)
        # A programme's "đến năm 2030" heads many paragraphs; a report's "Năm 2025, …"
        # describes its own paragraph, and a next one that goes on "Đến nay, …".
        reported = opening if opening is not None and not opening.target else None
    return out


def _frame_at_start(text: str) -> _YearFrame | None:
    """A year frame opening this text (its first few words), or None."""
    head = shorten_frame(text)
    match = _YEAR_FRAME.search(head)
    if match is None or match.start() > 60:
        return None
    year = int(match.group(1) or match.group(2))
    first_clause = re.split(r"[;:]", text, maxsplit=1)[0]
    if _RESULT_CUE.search(first_clause) and not _TARGET_CUE.search(first_clause[:match.end() + 40]):
        return _YearFrame(year, False)
    if re.search(r"\bđến hết\b", match.group(0), re.IGNORECASE):
        return _YearFrame(year, None)   # "Đến hết 2017, …": reached by then, or planned if still ahead
    if _TARGET_CUE.search(first_clause) or re.search(r"\b(?:đến|tới|tầm nhìn)\b", match.group(0), re.IGNORECASE):
        return _YearFrame(year, True)
    return _YearFrame(year, None)


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for match in _SENTENCE.finditer(text, start, end):
        if match.group().strip():
            yield match.start(), match.end()


def _targets_in(document: Document, province: str, doc_year: int | None, sentence: tuple[int, int],
                frame: _YearFrame | None) -> list[Target]:
    text = document.text
    s_start, s_end = sentence
    s_text = text[s_start:s_end]
    out: list[Target] = []
    accepted_end = -1    # where the last accepted figure of this sentence ends (for lists)
    for match in _FIGURE.finditer(s_text):
        before, after = s_text[:match.start()], s_text[match.end():]
        value = match.group("value")
        if _NOT_A_VALUE_BEFORE.search(before) or _NOT_A_VALUE_AFTER.match(after):
            continue
        if re.fullmatch(YEAR_DIGITS, value) and not match.group("percent"):
            continue   # a year
        multiple = _MULTIPLE.match(after)
        percent = bool(match.group("percent"))
        listed = accepted_end >= 0 and _LIST_JOIN.search(before) and match.start() - accepted_end < 120
        if not (percent or multiple or _MEASURE_CUE.search(before) or listed):
            continue
        unit = "%" if percent else (multiple.group(1) if multiple else _unit_after(after))
        if not (percent or multiple) and (_NOT_A_COUNT_OF.match(after) or not (unit or "," in value)):
            continue   # a bare integer: nothing says what it counts
        if frame is None and not (_YEAR_FRAME.search(s_text) or _AIM_CUE.search(s_text)
                                  or _RESULT_CUE.search(s_text)):
            # Nothing says it is aimed at or was reached: a rule's norm ("nộp 100% tiền lệ
            # phí thu được vào ngân sách", "dấu phải trùm lên khoảng 1/3 chữ ký"), not a target.
            continue
        clause_start, clause_end = _clause(s_text, match.start(), match.end())
        shown = f"{value}%" if percent else (f"{value} {unit}" if multiple else value)
        comparator = next((name for name, pattern in _COMPARATORS if pattern.search(before[-20:])), "đạt")
        if _AT_LEAST_AFTER.match(after):
            comparator = "tối thiểu"
        year, is_target = _year_and_kind(s_text, match.start(), clause_start, clause_end, frame, doc_year)
        start, end = s_start + clause_start, s_start + clause_end
        # What it measures: the words of its clause around it, not another figure's.
        following = _FIGURE.search(s_text, match.end(), clause_end)
        around = s_text[max(clause_start, accepted_end):following.start() if following else clause_end]
        out.append(Target(
            doc_id=document.doc_id, province=province, indicator=_indicator(around, match),
            comparator=comparator, value=shown, unit=unit, year=year, kind="target" if is_target else "result",
            date=document.date, start=start, end=end))
        accepted_end = match.end()
    return out


def _unit_after(after: str) -> str:
    """The words a figure counts ("doanh nghiệp tham gia" → "doanh nghiệp"), or "" when none."""
    words = re.match(rf"\s*([^\W\d][\w/]*(?:\s+[^\W\d][\w/]*){{0,{_UNIT_WORDS - 1}}})", after)
    if not words:
        return ""
    kept = []
    for word in words.group(1).split():
        if word.lower() in {"và", "hoặc", "trong", "của", "được", "đã", "để", "tại", "cho", "với", "so"}:
            break
        kept.append(word)
    return " ".join(kept[:2]) if kept else ""


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a figure: between list separators (";", ":", ", <figure>")."""
    left = 0
    for separator in _CLAUSE_END.finditer(sentence):   # (the look-ahead needs the figure)
        if separator.end() > start:
            break
        if separator.group():
            left = separator.end()
    right_match = _CLAUSE_END.search(sentence, end)
    right = right_match.start() if right_match and right_match.group() else len(sentence)
    while left < start and sentence[left].isspace():
        left += 1
    return left, max(right, end)


def _year_and_kind(sentence: str, at: int, clause_start: int, clause_end: int, frame: _YearFrame | None,
                   doc_year: int | None) -> tuple[int | None, bool]:
    clause = sentence[clause_start:clause_end]
    in_clause = list(_YEAR_FRAME.finditer(clause))
    earlier = [m for m in _YEAR_FRAME.finditer(sentence, 0, at)]
    own = in_clause[-1] if in_clause else (earlier[-1] if earlier else None)
    year = int(own.group(1) or own.group(2)) if own else (frame.year if frame else None)
    if own is None and frame is None:
        year = doc_year
    if _RESULT_CUE.search(sentence[:at]) and not _TARGET_CUE.search(sentence[:at]):
        return (year if own or (frame and frame.target is not True) else doc_year), False
    if _TARGET_CUE.search(sentence) or (frame is not None and frame.target):
        return year, True
    if frame is not None and frame.target is False:
        return year, False
    return year, bool(year and doc_year and year > doc_year)


_STRIP = re.compile(r"^(?:(?:đạt|trên|gần|khoảng|hơn|ít nhất|tối thiểu|có|với|tỷ lệ|tỉ lệ|từ|tăng|gấp|phấn đấu|"
                    r"như|và)\s+)+", re.IGNORECASE)   # cue words in front of what is measured


def value_range(target: Target) -> tuple[float, float] | None:
    """(low, high) of a value that can be compared with another of the same unit: "9-10%"
    → (9, 10), "0,623" → (0.623, 0.623), "2.000" → (2000, 2000); None for a ratio
    ("128/182")."""
    numbers = re.findall(_NUM, target.value)
    if not numbers or "/" in target.value.replace(target.unit, ""):
        return None
    # The figures matched _NUM, Vietnamese style: "." groups thousands, "," marks decimals.
    low, high = (float(n.replace(".", "").replace(",", ".")) for n in (numbers[0], numbers[-1]))
    return min(low, high), max(low, high)


def targets_of(document: Document) -> tuple[Target, ...]:
    """The document's targets: as stored, or extracted now for a document stored before
    extraction existed."""
    return document.targets if document.targets is not None else tuple(extract_targets(document))


def canonical_indicator(text: str) -> str | None:
    """The canonical name (data/indicators.json) of the indicator a clause speaks of."""
    key = word_key(text)
    return next((name for name, words in indicator_rules() if all(w in key for w in words)), None)


@lru_cache(maxsize=1)
def indicator_rules() -> list[tuple[str, list[str]]]:
    """(canonical name, the accent-less words a clause must hold) from data/indicators.json."""
    entries = json.loads(INDICATORS.read_text(encoding="utf-8"))["indicators"]
    return [(e["name"], [word_key(w) for w in e["all"]]) for e in entries]


def word_key(text: str) -> str:
    """Accent-less lower-case words between spaces: " kinh te so ", for whole-word matching."""
    return " " + " ".join(re.findall(r"\w+", ascii_key(text))) + " "


def _indicator(clause: str, figure: re.Match) -> str:
    """What the figure measures: a canonical name, else the clause's own words without
    the figure."""
    at = clause.find(figure.group(0))
    near = " ".join(clause[at:].split()[:10])   # the figure and the words after it first
    named = canonical_indicator(clause[:at] + near) or canonical_indicator(clause)
    if named:
        return named
    words = _STRIP.sub("", re.sub(r"\s+", " ", clause.replace(figure.group(0), " … ")).strip(" ,.;:…"))
    words = " ".join(words.split()[:16])
    return words[:1].upper() + words[1:]
