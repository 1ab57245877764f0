import pytest

from ingest.readers import ReadError, decode, discover, read


def test_discover_recurses_and_reports_missing(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "a" / "y.txt").write_text("y", encoding="utf-8")
    (tmp_path / "a" / "z.xlsx").write_bytes(b"PK")
    found, problems = discover([str(tmp_path / "a"), str(tmp_path / "missing")])
    assert [p.rsplit("/", 1)[-1] for p in found] == ["x.html", "y.txt"]
    assert problems[0].message == "Không tìm thấy tệp hoặc thư mục này."


@pytest.mark.parametrize("data, message", [
    (b"", "Tệp rỗng."),
    (b"  \n\t ", "Tệp rỗng."),
    (b"\x00\x01\x02binary", "Tệp nhị phân"),
    (b"Ti\xe1\xbb\x83u \xff\xfe\xfa", "Không giải mã được"),
])
def test_bad_bytes_give_vietnamese_errors(data, message):
    with pytest.raises(ReadError, match=message):
        decode(data)


def test_utf8_bom_and_utf16_are_read():
    assert decode("\ufeffLào Cai".encode("utf-8")) == "Lào Cai"
    assert decode("Lào Cai".encode("utf-16")) == "Lào Cai"


def test_url_without_network_says_fetch_the_page_first():
    with pytest.raises(ReadError, match="Hãy lưu trang thành tệp .html"):
        read("http://127.0.0.1:9/bai-viet.html")  # port 9 (discard): refused at once


def test_odd_files_are_reported_not_indexed(tmp_path):
    """Issue 14.9: control characters only, a single letter, too large; UTF-16 without BOM is text."""
    from ingest import IngestConfig, Ingestor
    (tmp_path / "control.txt").write_bytes(b"\x01\x02\x03\x1b[0m\x7f\n\x0b\x0c")
    (tmp_path / "letter.txt").write_text("a\n", encoding="utf-8")
    (tmp_path / "big.txt").write_text("Văn bản lớn về chuyển đổi số. " * 40_000, encoding="utf-8")
    (tmp_path / "utf16.txt").write_bytes("Kế hoạch chuyển đổi số năm 2026 của xã.\n".encode("utf-16-le"))
    (tmp_path / "utf16be.txt").write_bytes("Kế hoạch chuyển đổi số năm 2027 của xã.\n".encode("utf-16-be"))
    result = Ingestor(IngestConfig(max_file_bytes=2**20)).run([str(tmp_path)])
    problems = {p.source.rsplit("/", 1)[-1]: p.message for p in result.problems}
    assert set(problems) == {"control.txt", "letter.txt", "big.txt"}
    assert "không có chữ" in problems["control.txt"] and "không có chữ" in problems["letter.txt"]
    assert "quá lớn" in problems["big.txt"] and "tối đa 1 MB" in problems["big.txt"]
    texts = {d.doc_id: d.text for d in result.documents}
    assert "năm 2026" in texts["utf16"] and "năm 2027" in texts["utf16be"]
