"""Answers over the structure official texts share: headings that only name a topic, lists
nested by level ("1." khoản, "a)" điểm), enumerations inside a sentence. The document is
written here, in the shape of a real one (tests/data/docs has the real ones)."""

import pytest

from assistant import Assistant

REGULATION = """QUY CHẾ
Về lập hồ sơ và nộp lưu hồ sơ của cơ quan

Điều 1. Thời hạn nộp lưu hồ sơ

1. Hồ sơ, tài liệu nộp lưu vào Lưu trữ cơ quan phải đủ thành phần, đúng thời hạn và thực hiện theo \
trình tự, thủ tục quy định.

2. Thời hạn nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ quan

a) Đối với hồ sơ, tài liệu xây dựng cơ bản: Trong thời hạn 03 tháng kể từ ngày công trình được quyết toán.

b) Đối với hồ sơ, tài liệu khác: Trong thời hạn 01 năm kể từ ngày công việc kết thúc.

Điều 2. Thành phần hồ sơ

1. Hồ sơ giấy gồm các thành phần sau

a) Văn bản gốc của cơ quan.

b) Bản sao y có chứng thực.

c) Mục lục văn bản trong hồ sơ.

2. Hồ sơ điện tử được lập và lưu trên Hệ thống quản lý tài liệu điện tử của cơ quan.

Điều 3. Kinh phí

Kinh phí bảo đảm cho công tác lập, rà soát, chỉnh lý và bảo quản hồ sơ do ngân sách nhà nước cấp theo \
phân cấp của cơ quan, người có thẩm quyền và nguồn kinh phí hợp pháp khác theo quy định của pháp luật.

Nơi nhận:

- Như Điều 3;

- Văn phòng (bố trí kinh phí, phương tiện phục vụ công tác lưu trữ);

GIÁM ĐỐC

Nguyễn Văn An

- Lưu: VT.
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, index_of_texts):
    return Assistant(index_of_texts(tmp_path_factory.mktemp("regulation"), {"quy_che.txt": REGULATION}))


def test_a_heading_that_restates_the_question_gives_way_to_the_line_that_answers(assistant):
    answer = assistant.ask("Hồ sơ xây dựng cơ bản phải nộp lưu vào Lưu trữ cơ quan trong thời hạn bao lâu?")
    assert not answer.refused and "03 tháng" in answer.answer and answer.grounded
    assert all(c.quote != "2. Thời hạn nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ quan" for c in answer.citations)


def test_a_list_is_the_items_one_level_below_the_sentence_announcing_it(assistant):
    answer = assistant.ask("Hồ sơ giấy gồm những thành phần nào?")
    assert not answer.refused
    for item in ("Văn bản gốc của cơ quan", "Bản sao y có chứng thực", "Mục lục văn bản trong hồ sơ"):
        assert item in answer.answer
    assert "Hồ sơ điện tử" not in answer.answer          # a sibling of the lead, not one of its items
    assert "1. Hồ sơ giấy" not in answer.answer          # the lead reads without its label


def test_no_quote_ends_inside_an_enumeration(assistant):
    """"kiểm tra, rà soát, chỉnh lý và bảo quản": a part of the sentence ending at "lập," would
    answer nothing about where the money comes from."""
    answer = assistant.ask("Kinh phí cho công tác lập, rà soát hồ sơ lấy từ đâu?")
    assert not answer.refused and answer.grounded
    first = answer.citations[0].quote
    assert first.startswith("Kinh phí") and "ngân sách nhà nước" in first


def test_who_signed_is_read_from_the_closing_block(assistant):
    answer = assistant.ask("Ai ký Quy chế về lập hồ sơ và nộp lưu hồ sơ?")
    assert answer.answer.startswith("Người ký: Nguyễn Văn An") and answer.grounded


def test_the_list_of_recipients_answers_nothing_else(assistant):
    """"- Văn phòng (bố trí kinh phí, phương tiện phục vụ công tác lưu trữ)" shares the
    question's words; it says whom the text is sent to, not what the money pays for."""
    answer = assistant.ask("Văn phòng bố trí gì cho công tác lưu trữ?")
    assert all("bố trí kinh phí, phương tiện" not in c.quote for c in answer.citations)


def _procedure(name: str, days: str, fee: str) -> str:
    return f"""{name}

Trình tự thực hiện: Tổ chức, cá nhân chuẩn bị hồ sơ đầy đủ theo quy định và nộp hồ sơ; cán bộ tiếp \
nhận kiểm tra tính đầy đủ, hợp lệ của hồ sơ, hướng dẫn bổ sung nếu hồ sơ chưa đầy đủ và trả kết quả \
đúng hẹn cho người nộp.

Địa điểm thực hiện: Trung tâm Phục vụ hành chính công tỉnh, số 1 đường Trần Hưng Đạo.

Cách thức thực hiện: Nộp trực tiếp, qua dịch vụ bưu chính công ích hoặc nộp trực tuyến trên Cổng \
Dịch vụ công quốc gia.

Thành phần hồ sơ: Đơn đề nghị theo mẫu; bản sao giấy tờ chứng minh nhân thân; các giấy tờ khác \
theo quy định của pháp luật chuyên ngành.

Thời hạn giải quyết: {days} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.

Phí, lệ phí: {fee} đồng/hồ sơ.
"""


PROCEDURES = "PHỤ LỤC\nDanh mục thủ tục hành chính\n\n" + "\n".join((
    _procedure("1. Thủ tục cấp giấy phép kinh doanh", "05", "200.000"),
    _procedure("2. Thủ tục cấp lại giấy phép kinh doanh", "03", "100.000"),
    _procedure("3. Thủ tục gia hạn giấy phép kinh doanh", "04", "150.000")))


@pytest.fixture(scope="module")
def procedures(tmp_path_factory, index_of_texts):
    return Assistant(index_of_texts(tmp_path_factory.mktemp("procedures"), {"phu_luc.txt": PROCEDURES}))


@pytest.mark.parametrize("question, expected, other_procedures", [
    ("Thủ tục gia hạn giấy phép kinh doanh mất bao lâu?", "04 ngày", ("05 ngày", "03 ngày")),
    ("Thời hạn giải quyết thủ tục cấp lại giấy phép kinh doanh là bao lâu?", "03 ngày", ("05 ngày", "04 ngày")),
    ("Lệ phí gia hạn giấy phép kinh doanh là bao nhiêu?", "150.000", ("200.000", "100.000")),
])
def test_a_form_answers_from_the_procedure_asked_about(procedures, question, expected, other_procedures):
    """Each procedure's lines sit under its heading, which frames them: the answer comes
    from the procedure named, and quotes no line of another procedure with the same name
    ("Phí, lệ phí: …")."""
    answer = procedures.ask(question)
    assert not answer.refused and answer.grounded
    assert expected in answer.citations[0].quote
    assert not any(other in answer.answer for other in other_procedures)


def test_a_sentence_two_documents_share_is_quoted_once(tmp_path_factory, index_of_texts):
    """A document loaded twice (a copy under another name) holds every sentence twice: the
    answer shows it once."""
    copies = Assistant(index_of_texts(tmp_path_factory.mktemp("copies"),
                                      {"quy_che.txt": REGULATION, "quy_che_ban_sao.txt": REGULATION}))
    answer = copies.ask("Hồ sơ xây dựng cơ bản phải nộp lưu trong thời hạn bao lâu?")
    assert not answer.refused and "03 tháng" in answer.answer
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    assert len(quotes) == len(set(quotes))
