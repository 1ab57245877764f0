"""Word files (.docx): paragraphs and tables in document order, as clean text.

A Word file's paragraphs are real paragraphs (no hard line breaks to undo, no web page
furniture), so it skips the scrape cleaner: each paragraph becomes one block, each table
row one line with its distinct cells joined by " | " (the national header is such a table:
"CHÍNH PHỦ … Số: 30/2020/NĐ-CP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM … ngày 05 tháng 3 năm 2020").
"""

from __future__ import annotations

import io

from .official import RULE_LINE
from .records import CleanedText


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
    blocks = [b for b in blocks if b and not RULE_LINE.match(b)]
    return CleanedText(text="\n\n".join(blocks))   # title, date: the header block (official.py)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:   # a merged cell repeats in every column it spans
            text = " ".join(t for t in cell.text.split() if not RULE_LINE.match(t))
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows
