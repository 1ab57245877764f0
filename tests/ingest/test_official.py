"""The form of an official document: header block, structural paths, named references,
closing block."""

import pytest

from ingest.official import closing, heading_of, named_reference, outline, read_header

PROVINCIAL_HEADER = """ỦY BAN NHÂN DÂN
TỈNH SƠN LA
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 215/KH-UBND Sơn La, ngày 09 tháng 5 năm 2025
KẾ HOẠCH
Triển khai phong trào học tập số
trên địa bàn tỉnh
Căn cứ Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị;"""


def test_a_provincial_header_block():
    header = read_header(PROVINCIAL_HEADER)
    assert header.doc_type == "Kế hoạch"
    assert header.number == "215/KH-UBND"
    assert header.issuer == "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
    assert (header.place, header.date) == ("Sơn La", "2025-05-09")
    assert header.summary == "Triển khai phong trào học tập số trên địa bàn tỉnh"
    assert header.title == "Kế hoạch 215/KH-UBND triển khai phong trào học tập số trên địa bàn tỉnh"


def test_a_cong_van_is_known_by_its_v_v_line_and_the_body_dates_are_not_its_date():
    header = read_header("BỘ CÔNG THƯƠNG CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 88/BCT-KH\n"
                         "V/v báo cáo tiến độ\nKính gửi: Các sở\nNgày 25 tháng 3 năm 2026, Bộ ban hành …")
    assert (header.doc_type, header.number, header.issuer) == ("Công văn", "88/BCT-KH", "BỘ CÔNG THƯƠNG")
    assert header.summary == "Về việc báo cáo tiến độ" and header.date is None


def test_a_news_article_has_no_header():
    header = read_header("Lai Châu: Hội nghị triển khai Nghị quyết 57\n\nSáng 12/01, tỉnh tổ chức hội nghị.")
    assert header.number is None and header.doc_type is None


def test_legal_structure_paths():
    paragraphs = ["Chương I", "QUY ĐỊNH CHUNG", "Điều 1. Phạm vi", "Nội dung.", "Điều 2. Giải thích",
                  "1. Khoản một.", "a) Điểm a.", "b) Điểm b.", "2. Khoản hai.", "Chương II", "Điều 3. Hiệu lực"]
    paths = dict(outline(list(enumerate(paragraphs))))
    assert paths[0] == "Chương I"
    assert paths[2] == "Điều 1"
    assert paths[6] == "Điều 2, khoản 1, điểm a"
    assert paths[8] == "Điều 2, khoản 2"
    assert paths[10] == "Điều 3"


def test_plan_structure_paths_are_dotted():
    paragraphs = ["I. MỤC TIÊU", "1. Mục tiêu chung", "2. Mục tiêu cụ thể", "a) Đến năm 2030", "II. NHIỆM VỤ",
                  "1. Hoàn thiện thể chế", "1.1. Rà soát văn bản", "2.1. Sau mục 1 khi thiếu dòng 2."]
    paths = dict(outline(list(enumerate(paragraphs))))
    assert paths[3] == "I.2.a"
    assert paths[6] == "II.1.1"
    assert paths[7] == "II.2.1"   # "2.1." under "1." belongs to 2


def test_a_plain_sentence_is_no_heading():
    assert heading_of("2025 là năm bản lề.") is None
    assert heading_of("Điều kiện cần là …") is None
    assert heading_of("Điều 5. Thẩm quyền").label == "Điều 5"


def test_documents_named_in_questions():
    assert named_reference("Quyết định 1629 quy định gì?").digits == "1629"
    reference = named_reference("Nghị quyết 57-NQ/TW đặt mục tiêu gì?")
    assert (reference.digits, reference.code) == ("57", "nq/tw")
    assert named_reference("nghi dinh so 30/2020/ND-CP").matches("Nghị định", "30/2020/NĐ-CP")
    assert not named_reference("Nghị định 30").matches("Quyết định", "30/QĐ-UBND")
    assert not named_reference("Quyết định 1629").matches("Quyết định", "16/QĐ-UBND")
    assert named_reference("Chỉ thị 11-CT/TU").matches(None, "11-CT/TU")
    assert named_reference("Mục tiêu đến năm 2030 là gì?") is None
    assert named_reference("Có 3 nhóm nhiệm vụ") is None


# The signature column read after, inside or beside the recipients column, as real files come.
SIGNED_AFTER = "Điều 3. Quyết định có hiệu lực từ ngày ký.\n\nNơi nhận:\n\n- Như Điều 3;\n\n- Lưu: VT.\n\nLê Văn An"
SIGNED_INSIDE = ("Điều 4. Nghị quyết có hiệu lực.\n\nNơi nhận:\n\n– Chính phủ;\n\nCHỦ TỊCH\n\nTrần Thị Bình\n\n"
                 "– Lưu: VT.\n\nPhụ lục\n\nDanh mục")
SIGNED_IN_ROW = ("Điều 38. Trách nhiệm thi hành.\n\nNơi nhận: Các bộ; Lưu: VT (2). | TM. CHÍNH PHỦ THỦ TƯỚNG "
                 "(Đã ký) Phạm Văn Cường")
UNREADABLE = "Điều 3. Thi hành.\n\nNơi nhận:\n\n- Như Điều 3;\n\n- Lưu: VT.\n\nEkếẩn Hồng Hà"


@pytest.mark.parametrize("text, name, last_recipient", [
    (SIGNED_AFTER, "Lê Văn An", "- Lưu: VT."),
    (SIGNED_INSIDE, "Trần Thị Bình", "– Lưu: VT."),
    (SIGNED_IN_ROW, "Phạm Văn Cường", "Phạm Văn Cường"),
    (UNREADABLE, None, "- Lưu: VT."),
])
def test_the_closing_block_gives_the_recipients_and_the_signer(text, name, last_recipient):
    block = closing(text)
    assert block is not None and text[block.recipients[0]:].startswith("Nơi nhận")
    assert text[:block.recipients[1]].endswith(last_recipient)
    assert (text[block.signer[0]:block.signer[1]] if block.signer else None) == name


def test_a_text_without_recipients_has_no_closing_block():
    assert closing("Điều 1. Phạm vi điều chỉnh.\n\nÔng Nguyễn Văn An ký ban hành.") is None
