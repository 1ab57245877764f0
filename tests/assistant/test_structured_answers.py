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
