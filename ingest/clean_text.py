"""Rules that strip site furniture from plain-text scrapes, keeping every body sentence.

Each rule is named by the Vietnamese reason that `hoidap ingest --report` prints. The
patterns were written against the noise seen in the bundled corpus (visitor counters,
"Văn bản mới" decree lists, "Tin Liên Quan" blocks, login prompts, rating widgets,
footers, repeated captions) and are whole-line matches, so body sentences that merely
contain such words ("Lai Châu hôm nay ...") are never dropped.
"""

from __future__ import annotations

import re

from .metadata import iso_date
from .normalize import collapse_spaces, match_key, nfc
from .records import CleanedText, DroppedLine

REASON_COUNTER = "bộ đếm truy cập"
REASON_DOC_LIST = "danh sách văn bản (lượt xem/lượt tải)"
REASON_LOGIN = "lời nhắc đăng nhập"
REASON_SHARE = "liên kết chia sẻ/in/điều hướng"
REASON_RATING = "đánh giá bài viết"
REASON_FOOTER = "chân trang (địa chỉ, liên hệ)"
REASON_DATELINE = "dòng ngày đăng/lượt xem"
REASON_BYLINE = "tên tác giả (đưa vào siêu dữ liệu)"
REASON_CAPTION_REPEAT = "chú thích ảnh lặp lại"
REASON_CAPTION_INLINE = "chú thích ảnh chèn trong đoạn"
REASON_RELATED = "tin liên quan"
REASON_TAIL = "khối cuối trang: {header}"

# Headers after which a page holds only unrelated lists (related news, new decrees, stats).
TAIL_HEADERS = {
    "văn bản mới", "tin liên quan", "tin cùng chuyên mục", "tin khác", "các tin khác",
    "bài viết liên quan", "thông tin mới nhất", "tin mới nhất", "tin đọc nhiều",
    "tin xem nhiều", "thống kê truy cập", "liên kết website",
}
_LINE_RULES: list[tuple[str, re.Pattern]] = [
    (REASON_COUNTER, re.compile(
        r"^[•·*\-\s]*(đang truy cập|đang online|hôm nay|hôm qua|tháng hiện tại|tháng trước|"
        r"tổng lượt truy cập|lượt truy cập|trong tuần|tất cả)\s*:?\s*[\d.,]*$")),
    (REASON_DOC_LIST, re.compile(r"lượt xem\s*:?\s*[\d.,]+|lượt tải\s*:?\s*[\d.,]+")),
    (REASON_LOGIN, re.compile(
        r"duy trì trạng thái đăng nhập|thời gian chờ\s*:|^(đăng nhập|đăng ký|đăng xuất|"
        r"quên mật khẩu)$")),
    (REASON_SHARE, re.compile(
        r"^(chia sẻ|in bài|in trang|bản in|gửi email|gửi bài viết|facebook|twitter|zalo|top|"
        r"down|về đầu trang|lên đầu trang|quay lại|trở về|bình luận|lưu bài)$")),
    (REASON_RATING, re.compile(r"tổng số điểm của bài viết|^\d+ trong \d+ đánh giá$")),
    (REASON_FOOTER, re.compile(
        r"^(©|bản quyền|copyright|địa chỉ\s*:|điện thoại\s*:|fax\s*:|e-?mail\s*:|"
        r"đường dây nóng|giấy phép( số)?\s*:|chịu trách nhiệm)")),
    (REASON_RELATED, re.compile(r"^tin liên quan\s*:")),
]
_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
_DATELINE = re.compile(
    r"^(?:thứ\s+\w+|chủ nhật)?\s*[-,]?\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*[-,]?\s*\d{1,2}:\d{2})?"
    r"[\s\d|]*$", re.IGNORECASE)
_AUTHOR_LABEL = re.compile(r"^(?:tác giả|bài(?: và ảnh)?|người viết)\s*:\s*(.+)$", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(r"\(?\s*Ảnh\s*:\s*")
_AGENCY = re.compile(r"^[-–/]\s*[A-ZĐ]{2,10}")
HEAD_LINES = 4           # a dateline is only looked for at the top of a page
MAX_CAPTION_WORDS = 40
CAPTION_OVERLAP = 0.8    # share of a caption's words found in one body paragraph


def clean_scrape(raw: str) -> CleanedText:
    lines = [collapse_spaces(line) for line in nfc(raw).splitlines()]
    result = CleanedText(text="")
    kept: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        line_no = index + 1
        if not line:
            continue
        if index == 0 and (m := _DATE_PREFIX.match(line + " ")):
            result.date = m.group(1)
            line = line[m.end():].strip() if m.end() <= len(line) else ""
            if not line:
                continue
        key = match_key(line)
        if key.strip(" .:") in TAIL_HEADERS and kept:
            tail = REASON_TAIL.format(header=line.strip(" .:"))
            result.dropped.extend(DroppedLine(n + 1, tail, t)
                                  for n, t in enumerate(lines[index:], start=index) if t)
            break
        if reason := _furniture_reason(key):
            result.dropped.append(DroppedLine(line_no, reason, line))
            continue
        if index < HEAD_LINES and (date := _dateline_date(line)):
            result.date = result.date or date
            result.dropped.append(DroppedLine(line_no, REASON_DATELINE, line))
            continue
        if m := _AUTHOR_LABEL.match(line):
            result.author = result.author or m.group(1).strip(" .")
            result.dropped.append(DroppedLine(line_no, REASON_BYLINE, line))
            continue
        kept.append((line_no, line))
    kept = _drop_trailing_byline(kept, result)
    kept = _drop_repeated_captions(kept, result)
    kept = _strip_inline_captions(kept, result)
    result.text = "\n\n".join(line for _, line in kept)
    return result


def _furniture_reason(key: str) -> str | None:
    return next((reason for reason, pattern in _LINE_RULES if pattern.search(key)), None)


def _dateline_date(line: str) -> str | None:
    m = _DATELINE.match(line)
    if not m:
        return None
    return iso_date(*(int(g) for g in m.groups()))


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 < len(words) <= 5 and all(w[0].isupper() and w.isalpha() for w in words)


def _drop_trailing_byline(kept: list, result: CleanedText) -> list:
    """A last line holding just a person's name (optionally "– role") is the byline."""
    if len(kept) < 2:
        return kept
    line_no, line = kept[-1]
    name = re.split(r"\s+[–-]\s+", line.rstrip(". "), maxsplit=1)[0]
    if _looks_like_name(name) and len(line.split()) <= 14 and not re.search(r"\d", line):
        result.author = result.author or name
        result.dropped.append(DroppedLine(line_no, REASON_BYLINE, line))
        return kept[:-1]
    return kept


def _credit_span(line: str) -> tuple[int, int] | None:
    """Span of a photo credit "Ảnh: Name[-AGENCY]" or "(Ảnh: Name)" in a line."""
    m = _PHOTO_CREDIT.search(line)
    if not m:
        return None
    if line[m.start()] == "(":
        close = line.find(")", m.end())
        return (m.start(), close + 1) if close != -1 else (m.start(), len(line))
    end = m.end()
    for word in re.finditer(r"\S+", line[m.end():]):
        token = word.group()
        if not token[0].isupper() or word.start() > 0 and len(line[m.end():word.start()].strip()):
            break
        end = m.end() + word.end()
        name_part = re.split(r"[-–/]", token, maxsplit=1)
        if len(name_part) > 1 or token.endswith("."):
            break  # "Oanh-TTXVN" or "Hồng." closes the credit
        if (end - m.end()) > 40:
            break
    return m.start(), end


def _drop_repeated_captions(kept: list, result: CleanedText) -> list:
    """Drop repeated captions: a line said again right after itself (a page shows a photo's
    caption under it and again in the text) or again with a photo credit; and credited
    captions whose words a body paragraph repeats. Other repeats are text: a form says
    "Địa điểm thực hiện: …" once per procedure, and dropping the later ones leaves their
    procedures without it."""
    seen: set[str] = set()
    out: list[tuple[int, str]] = []
    for line_no, line in kept:
        key = match_key(line)
        if key in seen and (match_key(out[-1][1]) == key or _credit_span(line) is not None):
            result.dropped.append(DroppedLine(line_no, REASON_CAPTION_REPEAT, line))
            continue
        seen.add(key)
        out.append((line_no, line))
    final = []
    for line_no, line in out:
        span = _credit_span(line)
        # A caption: a photo credit ends the line and a few words come before it.
        caption = line[:span[0]] if span is not None and line[span[1]:].strip(" .") == "" else None
        if caption is not None and len(caption.split()) <= MAX_CAPTION_WORDS \
                and _repeated_elsewhere(caption, line_no, out):
            result.dropped.append(DroppedLine(line_no, REASON_CAPTION_REPEAT, line))
            continue
        final.append((line_no, line))
    return final


def _repeated_elsewhere(caption: str, line_no: int, lines: list) -> bool:
    words = set(match_key(caption).split())
    if len(words) < 4:
        return False
    for other_no, other in lines:
        if other_no != line_no:
            other_words = set(match_key(other).split())
            if len(words & other_words) >= CAPTION_OVERLAP * len(words) and \
                    len(other_words) > len(words):
                return True
    return False


def _strip_inline_captions(kept: list, result: CleanedText) -> list:
    """Remove "Caption sentence. Ảnh: Name-AGENCY" fragments glued into a paragraph."""
    out = []
    for line_no, line in kept:
        while (span := _credit_span(line)) and not line.startswith("("):
            before, after = line[:span[0]], line[span[1]:]
            if not before.strip() or (not after.strip(" .") and _sentence_count(before) <= 1):
                break  # a standalone caption line: kept, it carries facts
            cut = _caption_start(before)
            if cut is None:
                break
            result.dropped.append(DroppedLine(line_no, REASON_CAPTION_INLINE,
                                              line[cut:span[1]].strip()))
            line = (line[:cut].rstrip() + " " + after.lstrip(" .")).strip()
        out.append((line_no, line))
    return out


def _sentence_count(text: str) -> int:
    return len(re.findall(r"[.!?](\s|$)", text.strip() + " ")) or 1


def _caption_start(before: str) -> int | None:
    """Start of the short sentence that precedes a credit, or None if it is too long."""
    stripped = before.rstrip()
    boundary = max(stripped.rfind(". ", 0, len(stripped) - 1),
                   stripped.rfind("! ", 0, len(stripped) - 1),
                   stripped.rfind("? ", 0, len(stripped) - 1))
    start = boundary + 2 if boundary != -1 else 0
    return start if len(stripped[start:].split()) <= 25 else None
