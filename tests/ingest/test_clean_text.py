import pytest

from ingest.clean_text import (
    REASON_BYLINE,
    REASON_CAPTION_INLINE,
    REASON_CAPTION_REPEAT,
    REASON_COUNTER,
    REASON_FOOTER,
    REASON_LOGIN,
    REASON_RATING,
    REASON_SHARE,
    clean_scrape,
)

NOISE = ["Đang truy cập", "lượt xem", "lượt tải", "bóng chuyền", "Làng Nủ", "Văn bản mới",
         "Tin Liên Quan", "Thống kê truy cập", "duy trì trạng thái đăng nhập", "Tổng số điểm",
         "Điện thoại:", "Email:", "hienphapvn", "Hội đàm công tác công đoàn", "TT-BTC"]

# Target sentences (figures officials ask about) that must survive cleaning verbatim.
TARGETS = {
    "000_cea71f7cbe1ebe5a": [
        "kinh tế số chiếm khoảng 9-10% GRDP",
        "kinh tế số chiếm tối thiểu 20% GRDP",
        "ngày 5/5/2025, Tỉnh ủy đã ban hành Kế hoạch triển khai Phong trào “Bình dân học vụ số”.",
        "với 2.191 học viên tham gia",
        "đã đạt tỷ lệ 56,7%",
        "dành ít nhất 3% tổng chi ngân sách hằng năm",
        "Trước thực tế đó, tỉnh đã xác định bảy nhóm nhiệm vụ và giải pháp trọng tâm.",
    ],
    "001_733eede80dd82f2c": [
        "Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh.",
        "Kinh tế số chiếm trên 40% GRDP của tỉnh, với hạ tầng số đồng bộ, hiện đại.",
        "Đến năm 2030, tối thiểu 50% lao động được trang bị kỹ năng số cơ bản và 20% có kỹ năng số chuyên sâu.",
        "Bố trí ít nhất 3% tổng chi ngân sách địa phương hằng năm",
        "Chỉ số đổi mới sáng tạo địa phương (PII) và Chỉ số chuyển đổi số (DTI) đứng thứ 20 trở lên",
    ],
    "002_23afa2a2d1e4522f": [
        "Năm 2005, tỉnh đã chính thức khai trương Sàn thương mại điện tử tỉnh Lào Cai.",
        "Đến nay, Lào Cai đã có 142 dòng sản phẩm nông sản an toàn được gắn tem truy xuất nguồn gốc.",
        "Năm 2018, Lào Cai đứng trong top 10 về mức độ sẵn sàng ứng dụng CNTT–TT.",
        "để trở thành tỉnh phát triển của khu vực Tây Bắc.",
    ],
    "003_198541a95b64c383": [
        "đưa gần 2.000 sản phẩm nông sản lên sàn thương mại điện tử",
        "đã tài trợ và trao tặng 81 điện thoại thông minh",
        "Nghị quyết số 09-NQ/TU ngày 25/2/2022",
    ],
    "004_5e610d2c4128edee": [
        "phấn đấu tỷ trọng kinh tế số trong GRDP đạt 7%",
        "toàn tỉnh đã hoàn thành 128/182 nhiệm vụ, duy trì thực hiện 44 nhiệm vụ thường xuyên, "
        "đạt 95,5% tổng số nhiệm vụ được giao.",
        "tỉ lệ hồ sơ trực tuyến đạt gần 80%",
        "tối thiểu 70% nhiệm vụ triển khai theo cơ chế đặt hàng",
        "Tại hội nghị, Chủ tịch UBND tỉnh Lai Châu Hà Quang Trung nhấn mạnh",
    ],
}
# First line of the page furniture at the bottom of each scrape: every body line above it
# with a full sentence must survive (captions and bylines excepted).
TAIL_STARTS = {"000_cea71f7cbe1ebe5a": "Tác giả:", "001_733eede80dd82f2c": "Nguyễn Huy Long",
               "002_23afa2a2d1e4522f": "Thu Hương"}


@pytest.mark.parametrize("doc_id", sorted(TARGETS))
def test_site_noise_is_removed(corpus, doc_id):
    text = next(d.text for d in corpus.documents if d.doc_id == doc_id)
    for noise in NOISE:
        assert noise not in text, f"{noise!r} left in {doc_id}"


@pytest.mark.parametrize("doc_id", sorted(TARGETS))
def test_target_sentences_survive(corpus, doc_id):
    text = next(d.text for d in corpus.documents if d.doc_id == doc_id)
    for sentence in TARGETS[doc_id]:
        assert sentence in text


@pytest.mark.parametrize("doc_id", sorted(TARGETS))
def test_every_body_paragraph_survives(corpus, raw_corpus, doc_id):
    text = next(d.text for d in corpus.documents if d.doc_id == doc_id)
    raw = raw_corpus[doc_id]
    body = raw.split(TAIL_STARTS[doc_id])[0] if doc_id in TAIL_STARTS else raw
    for line in body.splitlines():
        line = " ".join(line.split())
        if len(line.split()) >= 25 and "Ảnh" not in line:
            assert line in text, line[:80]


def test_drop_reasons_are_reported_per_line(corpus):
    dropped = corpus.dropped["000_cea71f7cbe1ebe5a"]
    reasons = {d.reason for d in dropped}
    assert REASON_BYLINE in reasons and REASON_RATING in reasons and REASON_CAPTION_REPEAT in reasons
    assert any(d.reason.startswith("khối cuối trang: Văn bản mới") for d in dropped)
    assert all(d.line_no >= 1 and d.text for d in dropped)


def test_duplicated_caption_kept_once(corpus):
    text = next(d.text for d in corpus.documents if d.doc_id == "000_cea71f7cbe1ebe5a")
    assert text.count("Tỉnh uỷ, cấp uỷ các cấp luôn quan tâm đến công tác chuyển đổi số") == 1


def test_inline_caption_fragment_removed_but_body_kept(corpus):
    doc = next(d for d in corpus.documents if d.doc_id == "004_5e610d2c4128edee")
    assert "Ảnh: Nguyễn Oanh" not in doc.text and "Quang cảnh hội nghị" not in doc.text
    assert corpus.dropped[doc.doc_id][0].reason in (REASON_CAPTION_INLINE, REASON_CAPTION_REPEAT)


def test_rules_match_whole_lines_only():
    raw = ("Tiêu đề bài\n\nLai Châu hôm nay không chỉ nỗ lực bứt phá.\n"
           "Người dân có thể gửi email: hỏi đáp tới tỉnh.\nHôm nay: 120\nChia sẻ\n"
           "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. Thời gian chờ: 60 giây\n"
           "© Báo Lai Châu\nĐịa chỉ: số 1 đường A\n")
    cleaned = clean_scrape(raw)
    assert "Lai Châu hôm nay không chỉ nỗ lực bứt phá." in cleaned.text
    assert "Người dân có thể gửi email" in cleaned.text
    reasons = [d.reason for d in cleaned.dropped]
    assert reasons == [REASON_COUNTER, REASON_SHARE, REASON_LOGIN, REASON_FOOTER, REASON_FOOTER]


def test_leaked_related_news_paragraph_is_dropped():
    cleaned = clean_scrape("Tiêu đề\n\nThân bài có nội dung.\n\nTin Liên Quan: Giải bóng chuyền nữ 2024"
                           "\n\nThân bài tiếp.")
    assert "bóng chuyền" not in cleaned.text and "Thân bài tiếp." in cleaned.text


def test_a_line_a_form_repeats_is_text_but_a_caption_said_twice_is_not():
    place = "Địa điểm thực hiện: Trung tâm Phục vụ hành chính công tỉnh."
    raw = (f"Danh mục thủ tục\n\n1. Thủ tục cấp giấy phép\n\n{place}\n\n2. Thủ tục gia hạn giấy phép\n\n{place}\n\n"
           "Quang cảnh hội nghị triển khai kế hoạch\n\nQuang cảnh hội nghị triển khai kế hoạch\n\n"
           "Đại biểu dự hội nghị. Ảnh: Thu Hương\n\nNội dung hội nghị.\n\nĐại biểu dự hội nghị. Ảnh: Thu Hương\n")
    cleaned = clean_scrape(raw)
    assert cleaned.text.count("Địa điểm thực hiện") == 2           # each procedure keeps its line
    assert cleaned.text.count("Quang cảnh hội nghị") == 1          # said again right after itself
    assert cleaned.text.count("Ảnh: Thu Hương") <= 1               # a credited caption, again
    assert all(d.reason == REASON_CAPTION_REPEAT for d in cleaned.dropped)
