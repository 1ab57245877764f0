import pytest

from ingest.readers import ReadError, decode, discover, read


def test_discover_recurses_and_reports_missing(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "a" / "y.txt").write_text("y", encoding="utf-8")
    (tmp_path / "a" / "z.pdf").write_bytes(b"%PDF")
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
