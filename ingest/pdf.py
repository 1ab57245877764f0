"""PDF files: the text layer where it is Vietnamese, OCR where it is missing or garbage,
then the page furniture removed and the hard-wrapped lines joined into paragraphs.

pypdf (BSD) reads the text layer. A page is OCR'd when it has no text (scans, text
drawn as outlines) or when fewer than MIN_VIETNAMESE_SHARE of its words are Vietnamese
syllables (a font without a usable Unicode map: "6Ӣ CÔNG 7+ѬѪ1*"); measured on the seven
real documents, text layers score 0.98–1.00 and broken ones 0.25–0.42.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .metadata import iso_date
from .normalize import ascii_key, nfc
from .ocr import OCR_MISSING, OcrError, PageReader
from .official import RULE_LINE, heading_of
from .quality import LETTER_WORD, line_share, vietnamese_share
from .records import CleanedText, DroppedLine

SIGNATURE = "dấu chữ ký số"
TABLE_CELLS = " | "         # joins the cells of a table row
RUNNING = "đầu/chân trang lặp lại"
MIN_VIETNAMESE_SHARE = 0.6
MIN_LAYER_CHARS = 20        # fewer characters than this on a page: no text layer
MAX_PAGES = 500
MIN_TABLE_COLUMNS = 3       # a layout grid (header block, signature) fills at most two cells per row
NOISE_SHARE = 0.5           # an OCR'd line with fewer Vietnamese words than this is a stamp or a scribble

_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:Trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—\s]*$", re.IGNORECASE)
# A digital signature's stamp: "Người ký: …", "Email: …", "Cơ quan: …", "Thời gian ký: …"
_SIGNATURE = re.compile(r"(nguoi ky|ky boi|thoi [gs]ian ky|ngay ky)\s*:|^\W{0,3}\w{0,3}\W{0,3}(e-?mail|co quan)\s*:")
_SIGNED_AT = re.compile(r"(\d{2})[./](\d{2})[./](\d{4})\s+\d{2}:\d{2}")   # "Thời gian ký: 02.04.2026 14:24:26"
# Characters OCR reads in place of the Vietnamese ones: eth for Đ, a fraction slash in "1105⁄KH".
_OCR_FIXES = str.maketrans({"Ð": "Đ", "ð": "đ", "⁄": "/"})
_PARAGRAPH_OPENER = re.compile(r"^(?:[-+•–*]\s|Căn cứ|Xét |Theo đề nghị|Nơi nhận|Kính gửi|QUYẾT NGHỊ|QUYẾT ĐỊNH\s*:)")
_SENTENCE_END = re.compile(r"[.:;!?][”\"’)]*$")


class PdfError(ValueError):
    """A PDF that cannot be read (Vietnamese message)."""


@dataclass(frozen=True)
class PageText:
    number: int                 # 1-based
    text: str
    ocr: bool = False
    reason: str | None = None   # why the page was OCR'd (or could not be read)


def read_pdf(path: Path, data: bytes, reader: PageReader | None, max_pages: int = MAX_PAGES,
             on_page: Callable[[int, int], None] | None = None) -> list[PageText]:
    """The text of every page; pages whose text layer fails are OCR'd with `reader`."""
    import pypdf
    logging.getLogger("pypdf").setLevel(logging.ERROR)   # "Multiple definitions in dictionary…" on scans
    try:
        pdf = pypdf.PdfReader(io.BytesIO(data))
        if pdf.is_encrypted and not pdf.decrypt(""):
            raise PdfError("PDF có mật khẩu: hãy mở khóa (in lại ra PDF không mật khẩu) rồi nạp lại.")
        count = len(pdf.pages)
    except PdfError:
        raise
    except Exception as err:  # noqa: BLE001 - any parser failure on a user's file means "damaged"
        raise PdfError(f"Tệp PDF bị hỏng hoặc không đọc được ({type(err).__name__}).") from None
    if count == 0:
        raise PdfError("Tệp PDF không có trang nào.")
    if count > max_pages:
        raise PdfError(f"Tệp PDF có {count} trang, quá giới hạn {max_pages} trang "
                       "(tăng HOIDAP_MAX_PDF_PAGES nếu cần).")
    layers, need_ocr = [], {}
    for index in range(count):
        try:
            text = nfc(pdf.pages[index].extract_text() or "")
        except Exception:  # noqa: BLE001 - one unreadable page is OCR'd, not fatal
            text = ""
        layers.append(text)
        if len(text.strip()) < MIN_LAYER_CHARS:
            need_ocr[index] = "không có lớp chữ (ảnh quét hoặc chữ vẽ)"
        elif (share := vietnamese_share(text)) is not None and share < MIN_VIETNAMESE_SHARE:
            need_ocr[index] = f"lớp chữ không phải tiếng Việt đọc được ({share:.0%} âm tiết hợp lệ)"
    done = [0]

    def tick(_page: int) -> None:
        done[0] += 1
        if on_page:
            on_page(done[0], len(need_ocr))

    read: dict[int, str] = {}
    missing = None
    if need_ocr:
        if reader is None or not reader.ready():
            missing = OCR_MISSING
        else:
            try:
                read = reader.run(path, sorted(need_ocr), hashlib.sha256(data).hexdigest(), tick)
            except OcrError as err:
                missing = str(err)
    tabular = _pages_with_tables(data, [i for i in range(count) if i not in need_ocr])
    pages = []
    for index, layer in enumerate(layers):
        if index not in need_ocr:
            pages.append(PageText(index + 1, tabular.get(index, layer)))
        elif index in read and _better(ocr_text := _fix_ocr(read[index]), layer):
            pages.append(PageText(index + 1, ocr_text, ocr=True, reason=need_ocr[index]))
        else:
            kept = layer if (vietnamese_share(layer) or 0) >= MIN_VIETNAMESE_SHARE else ""
            pages.append(PageText(index + 1, kept,
                                  reason=f"{need_ocr[index]}; {missing or 'OCR không thấy chữ (trang trống?)'}"))
    if not any(p.text.strip() for p in pages):
        raise PdfError(missing or "Không đọc được chữ nào trong tệp PDF (kể cả bằng OCR).")
    return pages


def _pages_with_tables(data: bytes, indices: list[int]) -> dict[int, str]:
    """Text of the pages that hold a data table, with each table row as one line of its
    cells joined by " | " (as Word tables are read) and the text around it in order; a row
    that a page break cut in two is joined again. pdfplumber finds tables by their ruling
    lines; any failure keeps pypdf's text."""
    import pdfplumber
    layouts: dict[int, list[str | list[str]]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            columns = 0   # of the data table the previous page ended with
            for index in indices:
                page = pdf.pages[index]
                found = [(t, t.extract()) for t in page.find_tables()]
                # A table going on from the previous page may hold one row: its column count says so.
                tables = sorted(((t, rows) for t, rows in found if _is_data_table(rows) or
                                 (index - 1 in layouts and rows and len(rows[0]) == columns)),
                                key=lambda pair: pair[0].bbox[1])
                columns = 0
                if tables:
                    layouts[index] = _page_layout(page, tables)
                    columns = len(tables[-1][1][0])
    except Exception:  # noqa: BLE001 - tables are a refinement; the text layer stands without them
        return {}
    _join_rows_across_pages(layouts)
    return {index: nfc("\n".join(part if isinstance(part, str) else TABLE_CELLS.join(c for c in part if c)
                                  for part in parts if part and (not isinstance(part, str) or part.strip())))
            for index, parts in layouts.items()}


def _is_data_table(rows: list[list[str | None]]) -> bool:
    full = [r for r in rows if sum(1 for c in r if c and c.strip()) >= MIN_TABLE_COLUMNS]
    return len(full) >= 2


def _page_layout(page, tables) -> list[str | list[str]]:
    """The page top to bottom: text outside the tables (str) and table rows (cell lists);
    tables are (table, its extracted rows) pairs in page order."""
    parts: list[str | list[str]] = []
    top = 0.0
    for table, rows in tables:
        x0, y0, x1, y1 = table.bbox
        if y0 > top:
            parts.append(page.crop((0, top, page.width, y0)).extract_text() or "")
        parts.extend([" ".join((c or "").split()) for c in row] for row in rows)
        top = max(top, y1)
    if top < page.height:
        parts.append(page.crop((0, top, page.width, page.height)).extract_text() or "")
    return parts


def _join_rows_across_pages(layouts: dict[int, list[str | list[str]]]) -> None:
    # A row cut by a page break goes on at the top of the next page, after the column heads
    # the table repeats, with an empty first cell (its "TT"): its cells belong to the last
    # row before the break.
    heads: list[str] | None = None
    last: list[str] | None = None
    previous = None
    for index in sorted(layouts):
        parts = layouts[index]
        rows = [p for p in parts if isinstance(p, list)]
        if previous != index - 1:
            heads = last = None
        if rows and last is not None:
            first = rows[1] if rows[0] == heads and len(rows) > 1 else rows[0]
            if first != heads and len(first) == len(last) and not first[0] and any(first):
                for column, text in enumerate(first):
                    last[column] = f"{last[column]} {text}".strip()
                del parts[next(i for i, p in enumerate(parts) if p is first)]
                rows = [r for r in rows if r is not first]
        if rows:
            heads = heads or rows[0]
            last = next((r for r in reversed(rows) if r != heads), last)
        previous = index


def _fix_ocr(text: str) -> str:
    return nfc(text).translate(_OCR_FIXES).replace("ĐĐ", "Đ")


def _better(ocr_text: str, layer: str) -> bool:
    ocr_share, layer_share = vietnamese_share(ocr_text), vietnamese_share(layer)
    return bool(ocr_text.strip()) and (layer_share is None or (ocr_share or 0) > layer_share)


def page_notes(pages: list[PageText]) -> list[str]:
    """Vietnamese report lines: which pages were OCR'd and why, which could not be read."""
    by_reason: dict[tuple[bool, str], list[int]] = {}
    for page in pages:
        if page.reason:
            by_reason.setdefault((page.ocr, page.reason), []).append(page.number)
    return [f"trang {', '.join(map(str, numbers))}: {'đọc bằng OCR — ' if ocr else 'chưa đọc được — '}{reason}"
            for (ocr, reason), numbers in by_reason.items()]


def clean_pages(pages: list[PageText]) -> CleanedText:
    """One text from the pages: page numbers, running headers/footers, signature stamps,
    rules and OCR noise dropped (each reported with its reason), lines joined into
    paragraphs separated by blank lines."""
    running = _running_lines(pages)
    dropped: list[DroppedLine] = []
    paragraphs: list[str] = []
    current: list[str] = []
    line_no = 0
    in_header = True   # the header block keeps its lines: each is a field
    signed_on = None   # the date of a digital signature, when the page shows its stamp
    kept_once: set[str] = set()

    def close() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for page in pages:
        lines = page.text.splitlines()
        content = [i for i, ln in enumerate(lines) if ln.strip()]
        edges = set(content[:2] + content[-2:])
        for i, raw in enumerate(lines):
            line_no += 1
            line = " ".join(raw.split())
            if not line:
                close()
                continue
            reason = _drop_reason(line, i in edges, running, page.ocr)
            if reason == RUNNING and TABLE_CELLS in line and _shape(line) not in kept_once:
                kept_once.add(_shape(line))   # a table's column heads, repeated on each page: keep one
                reason = None
            if reason:
                dropped.append(DroppedLine(line_no, f"{reason} (trang {page.number})", line))
                signed = _SIGNED_AT.search(line) if reason == SIGNATURE else None
                if signed and signed_on is None:
                    signed_on = iso_date(*(int(g) for g in signed.groups()))
                continue
            if in_header and _ends_header(line):
                in_header = False
            if in_header:
                close()
                current.append(line)
                continue
            if current and _starts_paragraph(line, current[-1]):
                close()
            current.append(line)
        close()   # a page break ends a paragraph only when the text says so; joining is safer
    close()
    return CleanedText(text="\n\n".join(paragraphs), dropped=dropped, date=signed_on)


def _ends_header(line: str) -> bool:
    # The body starts with the preamble or the first division.
    return bool(re.match(r"^(Căn cứ|Kính gửi|Thực hiện|Điều 1|Chương I\b|I\.|PHẦN)", line))


def _starts_paragraph(line: str, previous: str) -> bool:
    if heading_of(line) or _PARAGRAPH_OPENER.match(line) or TABLE_CELLS in line or TABLE_CELLS in previous:
        return True   # a table row is a paragraph of its own
    if _SENTENCE_END.search(previous) and line[:1].isupper():
        return True
    caps, previous_caps = _is_caps(line), _is_caps(previous)
    return caps != previous_caps


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _drop_reason(line: str, at_edge: bool, running: set[str], ocr: bool) -> str | None:
    if RULE_LINE.match(line):
        return "đường kẻ"
    if at_edge and _PAGE_NUMBER.match(line):
        return "số trang"
    if at_edge and _shape(line) in running:
        return RUNNING
    if _SIGNATURE.search(ascii_key(line)):
        return SIGNATURE
    if ocr and (len(LETTER_WORD.findall(line)) < 2 or line_share(line) < NOISE_SHARE):
        return "nhiễu OCR (con dấu, chữ ký, hình)"
    return None


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", ascii_key(line))


def _running_lines(pages: list[PageText]) -> set[str]:
    """Lines (digits ignored) at the top or bottom of at least half the pages (and of 3
    pages or more): running headers and footers."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        content = [ln for ln in page.text.splitlines() if ln.strip()]
        seen.update({_shape(" ".join(ln.split())) for ln in content[:2] + content[-2:]})
    return {shape for shape, n in seen.items() if n >= max(3, len(pages) / 2) and shape.strip("# ")}
