"""Bad and difficult PDFs: one Vietnamese line each, never stopping the other files."""

import io
from pathlib import Path

import pypdf

from ingest import IngestConfig, Ingestor
from ingest.ocr import OcrConfig

DOCS = Path(__file__).resolve().parent.parent / "data" / "docs"


def _encrypted_copy(path, tmp_path):
    writer = pypdf.PdfWriter(clone_from=str(path))
    writer.encrypt("mat-khau")
    out = tmp_path / "co-mat-khau.pdf"
    with open(out, "wb") as handle:
        writer.write(handle)
    return out


def test_encrypted_corrupt_and_too_long_pdfs_are_reported_and_the_rest_ingested(tmp_path):
    corrupt = tmp_path / "hong.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    encrypted = _encrypted_copy(DOCS / "caobang-nq33-2022-text.pdf", tmp_path)
    good = DOCS / "cp-nd30-2020.docx"
    result = Ingestor(IngestConfig(max_pdf_pages=3)).run(
        [str(corrupt), str(encrypted), str(DOCS / "caobang-nq33-2022-text.pdf"), str(good)])
    messages = {p.source.rsplit("/", 1)[-1]: p.message for p in result.problems}
    assert "bị hỏng" in messages["hong.pdf"]
    assert "mật khẩu" in messages["co-mat-khau.pdf"]
    assert "4 trang, quá giới hạn 3 trang" in messages["caobang-nq33-2022-text.pdf"]
    assert [d.doc_id for d in result.documents] == ["cp-nd30-2020"]


def test_a_pdf_with_an_empty_owner_password_is_read(tmp_path):
    writer = pypdf.PdfWriter(clone_from=str(DOCS / "caobang-nq33-2022-text.pdf"))
    writer.encrypt(user_password="", owner_password="chi-chu-so-huu")
    path = tmp_path / "han-che-in.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    result = Ingestor().run([str(path)])
    assert not result.problems and result.documents[0].number == "33/2022/NQ-HĐND"


def test_without_ocr_tools_scans_get_one_line_and_text_pages_still_count(tmp_path):
    # A Tesseract language that is not installed stands for a machine without OCR.
    ingestor = Ingestor(IngestConfig(ocr=OcrConfig(language="khong-co", cache_dir=tmp_path)))
    result = ingestor.run([str(DOCS / "ttg-qd1360-2025-scan.pdf"), str(DOCS / "laichau-qd1629-2025-hybrid.pdf")])
    [problem] = result.problems
    assert problem.source.endswith("ttg-qd1360-2025-scan.pdf") and "Chưa cài OCR" in problem.message
    [hybrid] = result.documents   # the appendix pages have a text layer
    assert "Tên thủ tục hành chính" in hybrid.text
    assert any("chưa đọc được" in n and "Chưa cài OCR" in n for n in result.notes[hybrid.doc_id])
