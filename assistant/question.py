"""Understanding a Vietnamese question: what kind of fact it asks for, and about what.

Cues are matched on the accent-less key, so "bao nhieu phan tram" and "bao nhiêu phần
trăm" are read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ingest.metadata import provinces_named_in
from ingest.normalize import ascii_key, has_diacritics, nfc

from .terms import key_terms as extract_key_terms


class QuestionType(str, Enum):
    PERCENT = "percent"        # bao nhiêu phần trăm, tỷ lệ, tỷ trọng
    QUANTITY = "quantity"      # bao nhiêu, mấy, số lượng
    DATE = "date"              # khi nào, ngày nào, năm nào
    PERSON = "person"          # ai, người nào, cơ quan nào
    LIST = "list"              # những gì, gồm những, các ... nào, ở đâu
    DESCRIBE = "describe"      # là gì, như thế nào, mục tiêu ...


# Order matters: the first matching cue decides ("tỷ lệ bao nhiêu" is a percent question).
_TYPE_CUES: list[tuple[QuestionType, str]] = [
    (QuestionType.PERCENT, r"phan tram|ty le|ti le|ty trong|ti trong|%|chiem bao nhieu|bao nhieu grdp"),
    (QuestionType.DATE, r"khi nao|ngay nao|nam nao|thang nao|bao gio|luc nao|thoi diem nao|ngay bao nhieu|vao ngay"),
    (QuestionType.QUANTITY, r"bao nhieu|may |so luong|so nguoi|so hoc vien|tong so"),
    (QuestionType.PERSON, r"(^|\s)ai(\s|\?|$)|nguoi nao|co quan nao|don vi nao|chu tri|la ai"),
    (QuestionType.LIST, r"nhung gi|nhung nhiem vu|nhung giai phap|gom nhung|gom cac|cac nhom|"
                        r"nhung linh vuc|o dau|dia phuong nao|xa nao|phuong nao|ke ten|liet ke|"
                        r"nhung kho khan|nhung han che|nhung thach thuc|nhom nhiem vu|nhung noi dung"),
]
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_INJECTION = re.compile(
    r"bo qua .{0,30}(huong dan|chi dan|quy tac|yeu cau)|quen .{0,20}(huong dan|chi dan|quy tac)|"
    r"ignore .{0,30}(instruction|prompt|rule)|system prompt|prompt he thong|"
    r"tu (gio|bay gio|nay) ban la|dong vai|gia vo la|jailbreak|"
    r"(viet|sang tac|lam) (mot )?(bai tho|bai hat|truyen|code|ma nguon|chuong trinh)|"
    r"tiet lo .{0,20}(huong dan|cau hinh)")
_FOLLOW_UP = re.compile(r"^(con|the con|vay con|the|vay|con voi)\b|thi sao\W*$|the nao\W*$|ra sao\W*$")


@dataclass(frozen=True)
class Question:
    text: str                                   # as typed (NFC)
    qtype: QuestionType
    provinces: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    accentless: bool = False
    key_terms: tuple[str, ...] = ()             # accent-less subject terms (see terms.py)
    redirect: bool = False                      # tries to change the assistant's instructions
    follow_up_cue: bool = False                 # "Còn Lào Cai thì sao?"
    resolved_from: str | None = None            # the previous question it was merged with
    notes: list[str] = field(default_factory=list)


def analyze(text: str) -> Question:
    text = nfc(text).strip()
    key = ascii_key(text)
    qtype = next((t for t, cue in _TYPE_CUES if re.search(cue, key)), QuestionType.DESCRIBE)
    provinces = provinces_named_in(text)
    accentless = bool(re.search(r"[a-z]", key)) and not has_diacritics(text)
    return Question(text=text, qtype=qtype, provinces=provinces,
                    years=tuple(dict.fromkeys(_YEAR.findall(text))), accentless=accentless,
                    key_terms=extract_key_terms(text, provinces, accentless), redirect=bool(_INJECTION.search(key)),
                    follow_up_cue=bool(_FOLLOW_UP.search(key)))


def is_follow_up(question: Question) -> bool:
    """A short question that leans on the previous one for its subject."""
    return question.follow_up_cue and len(question.key_terms) <= 2 or not question.key_terms


def resolve_follow_up(question: Question, previous: Question) -> Question:
    """Carry the previous question over, changing only what the new one changes.

    "Còn Lào Cai thì sao?" after "Mục tiêu kinh tế số của Lai Châu đến năm 2030?" becomes
    "Mục tiêu kinh tế số của Lào Cai đến năm 2030?"; "Năm 2045 thì sao?" swaps the year.
    """
    text = previous.text
    if question.provinces:
        if previous.provinces:
            for old in previous.provinces:
                text = re.sub(re.escape(old), question.provinces[0], text, count=1)
        else:
            text = f"{text.rstrip(' ?')} của {', '.join(question.provinces)}?"
    if question.years:
        if previous.years:
            text = text.replace(previous.years[0], question.years[0])
        else:
            text = f"{text.rstrip(' ?')} năm {question.years[0]}?"
    return Question(**{**analyze(text).__dict__, "resolved_from": previous.text})
