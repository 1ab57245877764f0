import pytest

from ingest.metadata import derive_title, detect_provinces, headline, provinces_named_in

EXPECTED = {
    "000_cea71f7cbe1ebe5a": ("Lai Châu đang hiện thực hóa khát vọng bứt phá bằng khoa học công nghệ, "
                             "đổi mới sáng tạo và chuyển đổi số", "2025-05-19", ("Lai Châu",), "Nguyễn Thuý"),
    "001_733eede80dd82f2c": ("Mục tiêu phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
                             "trên địa bàn tỉnh Lào Cai", None, ("Lào Cai",), "Nguyễn Huy Long"),
    "002_23afa2a2d1e4522f": ("Lào Cai tăng cường năng lực tiếp cận cuộc Cách mạng công nghiệp lần thứ 4",
                             None, ("Lào Cai",), "Thu Hương"),
    "003_198541a95b64c383": ("Lai Châu quan tâm thúc đẩy chuyển đổi số", "2025-10-11", ("Lai Châu",), None),
    "004_5e610d2c4128edee": (None, "2026-01-12", ("Lai Châu",), None),
}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_metadata_of_bundled_articles(corpus, doc_id):
    title, date, provinces, author = EXPECTED[doc_id]
    doc = next(d for d in corpus.documents if d.doc_id == doc_id)
    if title:
        assert doc.title == title
    else:  # no headline on the page: the opening words of the body, shortened
        assert doc.title.startswith("Tại hội nghị, Chủ tịch UBND tỉnh Lai Châu") and doc.title.endswith("…")
    assert (doc.date, doc.provinces, doc.author) == (date, provinces, author)


def test_provinces_need_more_than_a_passing_mention():
    text = "Lào Cai làm A. Lào Cai làm B. Lào Cai làm C. Đoàn công tác từng thăm Yên Bái."
    assert detect_provinces(text) == ("Lào Cai",)
    assert detect_provinces("Lai Châu và Lào Cai. Lai Châu, Lào Cai.") == ("Lai Châu", "Lào Cai")


def test_article_about_neither_province_gets_its_own():
    assert detect_provinces("Tỉnh Sơn La triển khai. Sơn La đạt kết quả.") == ("Sơn La",)


def test_provinces_named_in_a_question_accents_optional():
    assert provinces_named_in("Muc tieu cua lao cai nam 2030?") == ("Lào Cai",)
    assert provinces_named_in("So sánh Lai Châu và Lào Cai") == ("Lai Châu", "Lào Cai")


def test_headline_and_derived_title():
    assert headline("Tiêu đề ngắn\n\nThân bài.") == "Tiêu đề ngắn"
    long_first = " ".join(["từ"] * 40) + ".\n\nThân bài."
    assert headline(long_first) is None
    assert derive_title(long_first, None).endswith("…")
