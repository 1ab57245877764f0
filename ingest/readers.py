"""Finding and decoding input files. Every failure becomes a Vietnamese `Problem`."""

from __future__ import annotations

import codecs
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .legacy import LegacyEncodingError, decode_legacy
from .ocr import PageReader
from .office import OfficeError, docx_text
from .pdf import MAX_PAGES, PdfError, clean_pages, page_notes, read_pdf
from .records import CleanedText, Problem

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")
SUPPORTED_LABEL = ".txt, .html, .htm, .docx, .pdf"
URL_TIMEOUT_S = 5
MAX_FILE_BYTES = 50 * 2**20


@dataclass(frozen=True)
class RawFile:
    doc_id: str
    source: str
    text: str
    is_html: bool
    cleaned: CleanedText | None = None   # already clean paragraphs (Word, PDF): no scrape cleaning


EMPTY_FILE = "Tệp rỗng."


class ReadError(Exception):
    """Raised with a Vietnamese message for the user."""


def is_url(arg: str) -> bool:
    return arg.lower().startswith(("http://", "https://"))


def discover(paths: list[str]) -> tuple[list[str], list[Problem]]:
    """Expand folders (recursively) into supported files; report missing paths."""
    found, problems = [], []
    for arg in paths:
        if is_url(arg):
            found.append(arg)
            continue
        path = Path(arg)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not files:
                problems.append(Problem(arg, f"Thư mục không có tệp nào đọc được ({SUPPORTED_LABEL})."))
            found.extend(str(p) for p in files)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(str(path))
            else:
                problems.append(Problem(arg, f"Định dạng không hỗ trợ (chỉ nhận {SUPPORTED_LABEL})."))
        else:
            problems.append(Problem(arg, "Không tìm thấy tệp hoặc thư mục này."))
    return found, problems


def read(source: str, max_bytes: int = MAX_FILE_BYTES, page_reader: PageReader | None = None,
         max_pages: int = MAX_PAGES, on_page: Callable[[int, int], None] | None = None) -> RawFile:
    """The decoded text of a file or URL; a file over max_bytes is refused unread. PDF
    pages without a usable text layer are read by `page_reader` (OCR) when given."""
    if is_url(source):
        data, doc_id = _fetch(source, max_bytes), _url_doc_id(source)
        return RawFile(doc_id=doc_id, source=source, text=decode(data), is_html=True)
    path = Path(source)
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(f"Tệp quá lớn ({_mb(size)} MB; tối đa {_mb(max_bytes)} MB). "
                        "Hãy tách tệp hoặc tăng giới hạn HOIDAP_MAX_FILE_MB.")
    data, doc_id, suffix = path.read_bytes(), path.stem, path.suffix.lower()
    if suffix == ".docx":
        try:
            cleaned = docx_text(data)
        except OfficeError as err:
            raise ReadError(str(err)) from None
        return RawFile(doc_id=doc_id, source=source, text=cleaned.text, is_html=False, cleaned=cleaned)
    if suffix == ".pdf":
        try:
            pages = read_pdf(path, data, page_reader, max_pages, on_page)
        except PdfError as err:
            raise ReadError(str(err)) from None
        cleaned = clean_pages(pages)
        cleaned.notes = page_notes(pages)
        return RawFile(doc_id=doc_id, source=source, text=cleaned.text, is_html=False, cleaned=cleaned)
    return RawFile(doc_id=doc_id, source=source, text=decode(data), is_html=suffix in (".html", ".htm"))


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}".rstrip("0").rstrip(".")


def decode(data: bytes) -> str:
    if not data.strip():
        raise ReadError(EMPTY_FILE)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is None:
            raise ReadError("Tệp nhị phân, không phải văn bản.")
        return text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        try:   # a file saved by an old Vietnamese editor: TCVN3 (ABC) or VNI bytes
            return decode_legacy(data)
        except LegacyEncodingError:
            raise ReadError(f"Không giải mã được tệp (không phải UTF-8, TCVN3 hay VNI; "
                            f"byte lỗi ở vị trí {err.start}).") from None
    if not text.strip():
        raise ReadError(EMPTY_FILE)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (some Windows tools do): ASCII
    characters then leave a zero in every other byte. None when it does not decode
    to mostly printable text."""
    head = data[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    if max(even, odd) < len(head) // 8 or len(data) % 2:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch.isspace() for ch in text[:4096])
    return text if printable >= 0.95 * min(len(text), 4096) else None


def _fetch(url: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=URL_TIMEOUT_S) as response:  # noqa: S310
            data = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ReadError(f"Trang quá lớn (trên {_mb(max_bytes)} MB).")
            return data
    except (urllib.error.URLError, OSError, ValueError):
        raise ReadError("Không tải được trang (máy không có mạng?). "
                        "Hãy lưu trang thành tệp .html rồi chạy lại với đường dẫn tệp đó.")


def _url_doc_id(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1] or "page"
    stem = tail.split("?", 1)[0].rsplit(".", 1)[0]
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:80] or "page"
