"""Word files (.docx): paragraphs and tables in document order, as clean text.

A Word file's paragraphs are real paragraphs (no hard line breaks to undo, no web page
furniture), so it skips the scrape cleaner: each paragraph becomes one block, each table
row one line with its distinct cells joined by " | " (the national header is such a table:
"CHÍNH PHỦ … Số: 30/2020/NĐ-CP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM … ngày 05 tháng 3 năm 2020").
"""

from __future__ import annotations

import io
import re

from .metadata import iso_date
from .records import CleanedText

_ISSUE_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_RULE = re.compile(r"^[\s_\-—–=.*]+$")   # "_______" separators under the header lines
HEADER_CHARS = 800   # the issue date and number are stated in the header block
_DOCUMENT_TYPE = re.compile(r"^(NGHỊ ĐỊNH|NGHỊ QUYẾT|QUYẾT ĐỊNH|KẾ HOẠCH|CHỈ THỊ|THÔNG TƯ|CHƯƠNG TRÌNH"
                            r"(?: HÀNH ĐỘNG)?|CÔNG VĂN|LUẬT|BÁO CÁO|HƯỚNG DẪN|THÔNG BÁO|TỜ TRÌNH|ĐỀ ÁN)$")
_NUMBER = re.compile(r"Số:\s*([0-9]+(?:/[0-9]{4})?/[A-ZĐ][A-ZĐ0-9\-]*)")


class OfficeError(ValueError):
    """A file that is not a readable Word document (Vietnamese message)."""


def docx_text(data: bytes) -> CleanedText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # noqa: BLE001 - any parser failure on a user's file means "damaged"
        raise OfficeError(f"Tệp Word bị hỏng hoặc không phải .docx ({type(err).__name__}).") from None
    blocks: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(" ".join(Paragraph(element, document).text.split()))
        elif tag == "tbl":
            blocks.extend(_table_rows(Table(element, document)))
    blocks = [b for b in blocks if b and not _RULE.match(b)]
    text = "\n\n".join(blocks)
    return CleanedText(text=text, date=_issue_date(text[:HEADER_CHARS]), title=_title(blocks, text[:HEADER_CHARS]))


def _title(blocks: list[str], header: str) -> str | None:
    """"Nghị định 30/2020/NĐ-CP về công tác văn thư": the type line of the header block, the
    number, and the line after the type (the trích yếu)."""
    at = next((i for i, b in enumerate(blocks[:15]) if _DOCUMENT_TYPE.match(b)), None)
    if at is None or at + 1 >= len(blocks):
        return None
    number = _NUMBER.search(header)
    summary = blocks[at + 1]
    summary = summary[:1].lower() + summary[1:] if summary[:2].istitle() else summary
    return " ".join(p for p in (blocks[at].capitalize(), number.group(1) if number else "", summary) if p)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:   # a merged cell repeats in every column it spans
            text = " ".join(t for t in cell.text.split() if not _RULE.match(t))
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows


def _issue_date(header: str) -> str | None:
    match = _ISSUE_DATE.search(header)
    return iso_date(*(int(g) for g in match.groups())) if match else None
