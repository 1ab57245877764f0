"""Document metadata read from the cleaned text: title and provinces."""

from __future__ import annotations

import re
from collections import Counter

from .normalize import ascii_key

# The 63 provinces and cities before the 2025 merger plus names created by it, so that
# an article about neither Lai Châu nor Lào Cai is still labelled with its own province.
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình",
    "Hồ Chí Minh", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lạng Sơn",
    "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
    "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Huế",
)
OTHER_PROVINCE = "Khác"
MIN_MENTIONS = 2          # one passing mention does not make an article "about" a province
MIN_SHARE_OF_TOP = 0.3    # a province needs this share of the top province's mentions
TITLE_MAX_WORDS = 30
DERIVED_TITLE_WORDS = 16

_PATTERNS = {name: re.compile(r"(?<!\w)" + re.escape(ascii_key(name)) + r"(?!\w)")
             for name in PROVINCES}


def iso_date(day: int, month: int, year: int) -> str | None:
    """"2020-03-05" from the numbers of "ngày 05 tháng 3 năm 2020"; None when impossible."""
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def detect_provinces(text: str) -> tuple[str, ...]:
    """Provinces an article is about, most mentioned first."""
    key = ascii_key(text)
    counts = Counter({name: len(p.findall(key)) for name, p in _PATTERNS.items()})
    counts = +counts
    if not counts:
        return ()
    top = counts.most_common(1)[0][1]
    return tuple(name for name, n in counts.most_common()
                 if n >= MIN_MENTIONS and n >= MIN_SHARE_OF_TOP * top) or \
        (counts.most_common(1)[0][0],)


def provinces_named_in(text: str) -> tuple[str, ...]:
    """Every province a short text (a question) names, accents optional."""
    key = ascii_key(text)
    return tuple(name for name, p in _PATTERNS.items() if p.search(key))


def derive_title(text: str, first_line_title: str | None) -> str:
    """The page's headline when it has one, else the opening words of the body."""
    if first_line_title:
        return first_line_title
    first_paragraph = text.split("\n\n", 1)[0]
    words = first_paragraph.split()
    if len(words) <= DERIVED_TITLE_WORDS:
        return first_paragraph
    return " ".join(words[:DERIVED_TITLE_WORDS]).rstrip(",;:") + " …"


def headline(text: str) -> str | None:
    """The first paragraph when it reads as a headline: short, one line, more text after it."""
    paragraphs = text.split("\n\n")
    first = paragraphs[0].strip()
    if len(paragraphs) < 2 or len(first.split()) > TITLE_MAX_WORDS:
        return None
    if len(re.findall(r"[.!?](\s|$)", first)) > 1:
        return None
    return first.rstrip(".")
