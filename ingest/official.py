"""The form of a Vietnamese administrative document (văn bản hành chính / quy phạm).

Nghị định 30/2020/NĐ-CP fixes how every official document is laid out: a header block
(issuing body on the left; national motto, place and date on the right; "Số: 1629/QĐ-UBND";
the document type in capitals and its summary, the trích yếu), then a body divided into
Phần / Chương / Mục / Điều / khoản (1.) / điểm (a)) — or, in plans and reports, I. / 1. /
1.1. / a). This module reads both: `read_header` gives the metadata, `outline` gives each
paragraph's place in the structure ("Điều 5, khoản 2, điểm a" or "II.3"), and
`named_reference` reads a document a question names ("Quyết định 1629", "57-NQ/TW"), and
`closing` finds the closing block: the list of recipients ("Nơi nhận") and the signer's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .metadata import PROVINCES, iso_date
from .normalize import ascii_key
from .quality import is_syllable

HEADER_CHARS = 1500   # the header block ends well before this in every layout seen

# Type names and the abbreviations Nghị định 30/2020 (Phụ lục III) gives them in numbers.
DOCUMENT_TYPES = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch", "PA": "Phương án",
    "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "GM": "Giấy mời", "NĐ": "Nghị định", "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch", "L": "Luật", "PL": "Pháp lệnh", "KL": "Kết luận",
}
_TYPE_NAMES = sorted({*DOCUMENT_TYPES.values(), "Chương trình hành động", "Công văn"}, key=len, reverse=True)
_TYPE_LINE = re.compile(r"^(" + "|".join(ascii_key(t) for t in _TYPE_NAMES) + r")\b")   # on ascii_key: OCR drops marks
# "Số: 33/2022/NQ-HĐND", "Số: 1360/QĐ-TTg", "Số: 2265/BCT-ATMT", "Số:   /KH-ĐKT" (unsigned draft)
_NUMBER = re.compile(r"\bS[ốô]\s*[:.]?\s*(\d{1,5})?\s*((?:/\s*\d{4}\s*)?/\s*[A-ZĐ][A-Za-zĐđ]*"
                     r"(?:\s*-\s*[A-ZĐ][A-Za-zĐđ0-9]*)*)")
# "Cao Bằng, ngày 15 tháng 7 năm 2022": the place is a run of capitalised words ("Hà Nội").
_PLACE_DATE = re.compile(r"(?<![\w/-])((?:[A-ZĐ][a-zà-ỹđ]+\.?\s+){0,3}[A-ZĐ][a-zà-ỹđ]+)"
                         r",\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})"
                         r"\s+năm\s+(\d{4})")
_PLACE_TAIL = re.compile(r"(?:\s+[A-ZĐ][a-zà-ỹđ]+)+,\s*ngày.*$")   # "… Hà Nội, ngày 0) tháng…" on a V/v line
_ANY_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_MOTTO = re.compile(r"CỘNG\s+H[OÒ]|Độc\s+lập\s*[-–]?\s*Tự\s+do", re.IGNORECASE)   # loose: OCR garbles it
_SUBJECT = re.compile(r"^V/v\.?\s*", re.IGNORECASE)   # a công văn's "V/v …" (về việc) line
RULE_LINE = re.compile(r"^[\s_\-—–=.*·•]+$")   # "_______", "——-": separators under header lines
_BODY_START = re.compile(r"^(Căn cứ|Xét|Theo|Thực hiện|Kính gửi|Chương|Điều|Phần|PHẦN|I\.|1\.)")


@dataclass(frozen=True)
class Header:
    doc_type: str | None = None    # "Nghị quyết"
    number: str | None = None      # "33/2022/NQ-HĐND"
    issuer: str | None = None      # "HỘI ĐỒNG NHÂN DÂN TỈNH CAO BẰNG", as printed
    place: str | None = None       # "Cao Bằng"
    date: str | None = None        # ISO date of issue
    summary: str | None = None     # the trích yếu: "Về công tác văn thư"

    @property
    def title(self) -> str | None:
        """"Nghị định 30/2020/NĐ-CP về công tác văn thư"."""
        if not (self.doc_type and (self.number or self.summary)):
            return None
        summary = self.summary or ""
        if summary.isupper():   # "VỀ KIỂM TRA …" → "về kiểm tra …", place names kept
            summary = _proper_names(summary.lower())
        elif summary[:2].istitle():   # "Về công tác …"
            summary = summary[:1].lower() + summary[1:]
        return " ".join(p for p in (self.doc_type, self.number, summary) if p)


def _proper_names(text: str) -> str:
    """Capitals back on the names a lower-cased capitalised title contains."""
    for name in (*PROVINCES, "Việt Nam"):
        text = re.sub(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", name, text)
    return text


def read_header(text: str) -> Header:
    """The header block of a document whose paragraphs (or table rows, " | "-joined)
    are separated by blank lines or line breaks. Fields it cannot find are None."""
    head = text[:HEADER_CHARS]
    lines = [ln.strip() for ln in re.split(r"\n+", head) if ln.strip() and not RULE_LINE.match(ln)]
    number_match = _NUMBER.search(head)
    number = None
    if number_match:
        digits, code = number_match.group(1) or "", re.sub(r"\s+", "", number_match.group(2))
        number = (digits + code) if digits else None
    place_date = _PLACE_DATE.search(head)
    date = None
    place = None
    if place_date:
        place = place_date.group(1)
        date = iso_date(*(int(g) for g in place_date.groups()[1:]))
    type_at = next((i for i, ln in enumerate(lines[:25])
                    if _TYPE_LINE.match(ascii_key(ln)) and len(ln.split()) <= 6), None)
    if date is None:   # only the header's own lines: the body cites other documents' dates
        body_at = next((i for i, ln in enumerate(lines) if _BODY_START.match(ln)), len(lines))
        any_date = _ANY_DATE.search("\n".join(lines[:min(body_at, (type_at or 8) + 1)]))
        date = iso_date(*(int(g) for g in any_date.groups())) if any_date else None
    doc_type = _type_name(lines[type_at]) if type_at is not None else None
    summary = _summary(lines, type_at)
    if summary is None:   # a công văn's "V/v …", or a title the OCR lost but for its "Về việc …"
        summary = _subject(lines[:25])
    if doc_type is None and number_match:
        doc_type = _type_from_code(number_match.group(2))
    if doc_type is None and any(_SUBJECT.match(ln) for ln in lines[:25]):
        doc_type = "Công văn"
    return Header(doc_type=doc_type, number=number, issuer=_issuer(lines), place=place, date=date,
                  summary=summary)


def _type_name(line: str) -> str:
    """The type named by a line `_TYPE_LINE` matches."""
    match = _TYPE_LINE.match(ascii_key(line))
    assert match is not None, line
    name = match.group(1)
    return next(t for t in _TYPE_NAMES if ascii_key(t) == name)


def _subject(lines: list[str]) -> str | None:
    """"V/v triển khai …" or "… Về việc công nhận …" and the lines that continue it."""
    for at, line in enumerate(lines):
        match = _SUBJECT.match(line) or re.search(r"\bVề việc\s+", line)
        if not match:
            continue
        taken = [_PLACE_TAIL.sub("", line[match.end():]).strip()]
        for more in lines[at + 1:at + 4]:
            if _BODY_START.match(more) or _MOTTO.search(more) or more.isupper() or _PLACE_DATE.search(more):
                break
            taken.append(more)
        return "Về việc " + " ".join(taken)
    return None


def _type_from_code(code: str) -> str | None:
    # "/2022/NQ-HĐND" → "NQ"; "/BCT-ATMT" → "BCT", an issuer, not a type: a công văn.
    parts = re.sub(r"^[/\s\d]*", "", code).split("-")
    return DOCUMENT_TYPES.get(parts[0].strip()) if parts and parts[0] else None


def _summary(lines: list[str], type_at: int | None) -> str | None:
    """The line(s) after the type line, up to the first body line."""
    if type_at is None:
        return None
    taken: list[str] = []
    for line in lines[type_at + 1:type_at + 5]:
        if _BODY_START.match(line) or _MOTTO.search(line):
            break
        # A summary wraps over lines in its own case; a capitalised line under a
        # sentence-case summary is the issuer's name repeated, the body's opening.
        if taken and (line.isupper() != taken[-1].isupper() or (not line.isupper() and line[:1].isupper())):
            break
        taken.append(line)
    if taken and len(taken) > 1 and taken[-1].isupper() and _issuer_like(taken[-1]):
        taken.pop()
    return " ".join(taken) or None


def _issuer_like(line: str) -> bool:
    return bool(re.match(r"^(HỘI ĐỒNG|ỦY BAN|UỶ BAN|UBND|CHÍNH PHỦ|THỦ TƯỚNG|BỘ |SỞ |BAN )", line))


def _issuer(lines: list[str]) -> str | None:
    """The left column of the header: the capitalised lines before the number, each cut
    where the national motto starts on its right."""
    parts = []
    for line in lines[:5]:
        if _TYPE_LINE.match(ascii_key(line)) and len(line.split()) <= 6:
            break
        motto = _MOTTO.search(line)
        cell = line[:motto.start()] if motto else line
        number = re.search(r"\bS[ốôỐÔ]\s*[:.]?\s*\d*\s*/", cell)
        cell = (cell[:number.start()] if number else cell).replace("|", " ").strip(" -–—_")
        if cell and cell.isupper():
            parts.append(cell)
        elif parts:
            break
        if number:
            break
    issuer = " ".join(" ".join(parts).split())
    return issuer or None


# ---- body structure -----------------------------------------------------------------
_ROMAN = r"[IVXLC]+"
_LEVELS = (   # (level, pattern, label); a lower level number is a bigger division
    (0, re.compile(r"^(?:PHẦN|Phần)\s+(" + _ROMAN + r"|thứ\s+\w+|\d+)\b"), "Phần {}"),
    (0, re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(" + _ROMAN + r"|\d+))?\b"), "Phụ lục {}"),
    (1, re.compile(r"^(?:CHƯƠNG|Chương)\s+(" + _ROMAN + r"|\d+)\b"), "Chương {}"),
    (2, re.compile(r"^(?:MỤC|Mục)\s+(\d+|" + _ROMAN + r")\b"), "Mục {}"),
    (3, re.compile(r"^Điều\s+(\d+[a-z]?)\s*[.:]"), "Điều {}"),
    (4, re.compile(r"^(" + _ROMAN + r")\s*[.\-–]\s+\S"), "{}"),
    (5, re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,2})\s*[.)]\s+\S|^(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\s+\S"), "{}"),
    (8, re.compile(r"^([a-zđ])\s*[)./]\s+\S"), "{}"),
)
MAJOR_LEVEL = 3   # a new Phần/Phụ lục/Chương/Mục/Điều always starts a new chunk


_SENTENCE_END = (".", "!", "?", ";", "…")
_CLOSING_MARKS = "\"'”’»)] "


def ends_as_heading(line: str) -> bool:
    """A line that names a topic rather than saying something ends without a full stop:
    "2. Thời hạn nộp lưu hồ sơ", "Điều 37. Hiệu lực thi hành", "Thành phần hồ sơ gồm:"."""
    return not line.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_END)


@dataclass(frozen=True)
class Heading:
    level: int
    label: str    # "Điều 5", "khoản 2" (inside an Điều) or "2" / "2.1" / "a" (plans, reports)
    major: bool


def heading_of(paragraph: str) -> Heading | None:
    """The structural marker a paragraph opens with, if any."""
    for level, pattern, label in _LEVELS:
        match = pattern.match(paragraph)
        if match:
            value = next((g for g in match.groups() if g), "")
            if level == 5:
                level += value.count(".")   # "1." → 5, "1.1." → 6, "1.1.1." → 7; điểm "a)" → 8
            return Heading(level, label.format(value).strip(), level <= MAJOR_LEVEL)
    return None


def outline(paragraphs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(offset, path) for each paragraph that changes the path, from (offset, text) pairs
    in document order. Inside an Điều, "1." is a khoản and "a)" an điểm; elsewhere the
    numbering is joined with dots ("II.3.a")."""
    result: list[tuple[int, str]] = []
    for offset, stack in heading_stacks(paragraphs):
        path = render_path([heading for heading, _, _ in stack])
        if not result or result[-1][1] != path:
            result.append((offset, path))
    return result


def heading_stacks(paragraphs: list[tuple[int, str]]) -> Iterator[tuple[int, list[tuple[Heading, int, str]]]]:
    """For each labelled paragraph of (offset, text) pairs in document order: its offset and
    the divisions it sits in after it, outermost first, as (heading, offset, text)."""
    stack: list[tuple[Heading, int, str]] = []
    for offset, paragraph in paragraphs:
        heading = heading_of(paragraph.lstrip())
        if heading is None:
            continue
        while stack and stack[-1][0].level >= heading.level:
            stack.pop()
        # "6.1." after "5." (the "6." line lost or never written) belongs to 6, not to 5.
        while stack and "." in heading.label and 5 <= stack[-1][0].level < heading.level and \
                not heading.label.startswith(stack[-1][0].label + "."):
            stack.pop()
        stack.append((heading, offset, paragraph))
        yield offset, list(stack)


def render_path(stack: list[Heading]) -> str:
    named: list[str] = []
    numbered: list[str] = []
    in_article = False
    for heading in stack:
        if heading.major:
            if heading.label.startswith("Điều"):   # article numbers are unique: Chương/Mục add nothing
                named = [n for n in named if n.startswith("Phụ lục")]
                in_article = True
            named.append(heading.label)
        elif in_article:
            named.append(("khoản " if heading.level < 8 else "điểm ") + heading.label)
        else:
            numbered.append(heading.label)
    # "3.3" under "3" already says "3": keep only the deepest of nested dotted numbers.
    parts = [n for i, n in enumerate(numbered) if not any(m.startswith(n + ".") for m in numbered[i + 1:])]
    dotted = ".".join(parts)
    return ", ".join([*named, dotted] if dotted else named)


# ---- documents named in a question -----------------------------------------------------
_REFERENCE = re.compile(
    r"(?:\b(" + "|".join(ascii_key(t) for t in _TYPE_NAMES) + r")\s+(?:so\s+)?|\b(so)\s+|\b)"
    r"(\d{1,5})(?:\s*/\s*(\d{4}))?(?:\s*[-/]\s*([a-z]{1,6}(?:\s*[-/]\s*[a-z]{1,8})?))?\b")


@dataclass(frozen=True)
class Reference:
    doc_type: str | None
    digits: str
    year: str | None = None
    code: str | None = None    # "qd-ubnd", "nq/tw" (accent-less, lower case)
    span: tuple[int, int] = (0, 0)   # where the text names it (ascii_key keeps offsets)

    def matches(self, doc_type: str | None, number: str | None) -> bool:
        if not number:
            return False
        key = ascii_key(number).replace(" ", "")
        digits = re.match(r"\d+", key)
        if not digits or digits.group() != self.digits:
            return False
        if self.year and f"/{self.year}/" not in key + "/":
            return False
        if self.code and self.code not in key:
            return False
        return not (self.doc_type and doc_type) or ascii_key(doc_type) == self.doc_type


def named_reference(text: str) -> Reference | None:
    """"Quyết định 1629 …" → Reference("quyet dinh", "1629"); "Nghị quyết 57-NQ/TW" →
    Reference(None, "57", code="nq/tw"); "số 33/2022/NQ-HĐND" keeps year and code."""
    for match in _REFERENCE.finditer(ascii_key(text)):
        doc_type, said_number, digits, year, code = match.groups()
        if doc_type or said_number or code:   # a bare number is a year or a count, not a document
            return Reference(doc_type, digits, year, re.sub(r"\s+", "", code) if code else None, match.span())
    return None


@dataclass(frozen=True)
class Closing:
    """An official document's closing block: who receives it ("Nơi nhận: - Như trên; …;
    - Lưu: VT.") and the name its signer signs with, as spans of the document text."""
    recipients: tuple[int, int]
    signer: tuple[int, int] | None    # None: no name could be read (a scan's handwriting, OCR noise)


_RECIPIENTS = re.compile(r"^Nơi nhận\s*:", re.MULTILINE)
_APPENDIX = re.compile(r"^(?:Phụ lục|PHỤ LỤC)\b", re.MULTILINE)
CLOSING_CHARS = 2500   # the closing block ends well before this after "Nơi nhận" in every layout seen
_LIST_DASH = ("-", "–", "+", "•")


@lru_cache(maxsize=256)
def closing(text: str) -> Closing | None:
    """The closing block after the body, None when the text has no "Nơi nhận". The signature
    is printed beside the recipients, so text read column after column puts the signer's title
    and name before, inside or after the list, or at the end of its line ("… | TM. CHÍNH PHỦ
    THỦ TƯỚNG (Đã ký) Nguyễn Xuân Phúc"). A name is 2-5 capitalised Vietnamese syllables ending
    a line, after nothing but a title in capitals or a closing bracket: OCR noise ("Ekếẩn Hồng
    Hà") is no name, and what cannot be read is left unknown rather than guessed."""
    # The last one: the closing block ends the body; an earlier one would be a form quoted in it.
    found = next(reversed(list(_RECIPIENTS.finditer(text))), None)
    if found is None:
        return None
    appendix = _APPENDIX.search(text, found.end())
    region_end = min(len(text), found.start() + CLOSING_CHARS, appendix.start() if appendix else len(text))
    end, signer = text.find("\n", found.end(), region_end), None
    end = region_end if end < 0 else end
    at = end
    while at < region_end:
        line_end = text.find("\n", at + 1, region_end)
        line_end = region_end if line_end < 0 else line_end
        line = text[at:line_end].strip()
        name = _signer_name(line)
        if name is not None and signer is None:
            offset = text.index(line, at) + len(line)
            signer = (offset - len(name), offset)
        elif line.startswith(_LIST_DASH):
            end = line_end
        elif line and not line.isupper() and name is None:
            break    # the next part of the document
        at = line_end
    if signer is None:   # the name may end the recipients' own line (a table row)
        tail = text[found.start():end].rstrip()
        name = _signer_name(tail.rsplit("\n", 1)[-1])
        signer = (len(tail) + found.start() - len(name), len(tail) + found.start()) if name else None
    return Closing(recipients=(found.start(), end), signer=signer)


def _signer_name(line: str) -> str | None:
    """The name ending this line, when nothing but a title in capitals, a bracket or "(Đã ký)"
    stands before it."""
    words = line.split()
    name: list[str] = []
    while words and len(name) < 5 and _name_word(words[-1]):
        name.insert(0, words.pop())
    if len(name) < 2:
        return None
    if words and not (words[-1].isupper() or words[-1].endswith((")", "]"))):
        return None
    return " ".join(name)


def _name_word(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower()) and is_syllable(word)
