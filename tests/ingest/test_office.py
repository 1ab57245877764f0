"""Word files: the Government's own .docx files, as published (tests/data/docs)."""

from pathlib import Path

from ingest import Ingestor

DOCS = Path(__file__).resolve().parent.parent / "data" / "docs"


def test_government_word_files_become_documents_with_date_title_and_tables():
    result = Ingestor().run([str(DOCS / "cp-nd30-2020.docx"), str(DOCS / "cp-nd79-2025.docx")])
    assert not result.problems
    documents = {d.doc_id: d for d in result.documents}
    nd30, nd79 = documents["cp-nd30-2020"], documents["cp-nd79-2025"]
    assert (nd30.date, nd79.date) == ("2020-03-05", "2025-04-01")
    assert nd30.title == "Nghị định 30/2020/NĐ-CP về công tác văn thư"
    assert nd79.title.startswith("Nghị định 79/2025/NĐ-CP")
    # Paragraphs stay paragraphs; the header table is one row of its distinct cells.
    assert "Điều 1. Phạm vi điều chỉnh" in nd30.text
    assert "Số: 30/2020/NĐ-CP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in nd30.text
    assert "_____" not in nd30.text
    chunks = [c for c in result.chunks if c.doc_id == "cp-nd30-2020"]
    assert len(chunks) > 50 and all(nd30.text[c.start:c.end] == c.text for c in chunks)
    assert any("Văn bản điện tử” là văn bản dưới dạng thông điệp dữ liệu" in c.text for c in chunks)


def test_a_damaged_word_file_is_one_message(tmp_path):
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = Ingestor().run([str(broken)])
    assert not result.documents and "Tệp Word bị hỏng" in result.problems[0].message
