"""Vietnamese text in legacy encodings, and the measure that tells Vietnamese from garbage."""

import pytest

from ingest import Ingestor
from ingest.legacy import convert
from ingest.quality import is_syllable, line_share, vietnamese_share

UNICODE = ("Chương trình hành động thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát "
           "triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, mục tiêu đến năm "
           "2030 kinh tế số chiếm tối thiểu 30% GRDP của tỉnh.")
TCVN3 = ("Ch\xad¬ng tr×nh hµnh ®éng thùc hiÖn NghÞ quyÕt sè 57-NQ/TW cña Bé ChÝnh trÞ vÒ ®ét ph¸ ph¸t "
         "triÓn khoa häc, c«ng nghÖ, ®æi míi s¸ng t¹o vµ chuyÓn ®æi sè quèc gia, môc tiªu ®Õn n¨m "
         "2030 kinh tÕ sè chiÕm tèi thiÓu 30% GRDP cña tØnh.")
VNI = ("Chöông trình haønh ñoäng thöïc hieän Nghò quyeát soá 57-NQ/TW cuûa Boä Chính trò veà ñoät phaù phaùt "
       "trieån khoa hoïc, coâng ngheä, ñoåi môùi saùng taïo vaø chuyeån ñoåi soá quoác gia, muïc tieâu ñeán naêm "
       "2030 kinh teá soá chieám toái thieåu 30% GRDP cuûa tænh.")


@pytest.mark.parametrize("encoded, name", [(TCVN3, "TCVN3"), (VNI, "VNI")])
def test_legacy_text_is_detected_and_converted(encoded, name):
    assert convert(encoded) == (UNICODE, name)


def test_unicode_and_english_text_are_left_alone():
    assert convert(UNICODE) == (UNICODE, None)
    english = "The committee approved the digital transformation programme for all provinces in 2030 " * 2
    assert convert(english) == (english, None)


@pytest.mark.parametrize("encoded", [TCVN3, VNI])
def test_a_legacy_text_file_is_ingested_as_unicode(tmp_path, encoded):
    path = tmp_path / "cu.txt"
    path.write_bytes(encoded.encode("latin-1"))
    result = Ingestor().run([str(path)])
    assert not result.problems
    assert "Nghị quyết số 57-NQ/TW" in result.documents[0].text


def test_syllable_shape():
    assert all(is_syllable(w) for w in ["Nghị", "quyết", "Đảng", "nghiêng", "khuya", "ĐƯỜNG", "giữ"])
    assert not any(is_syllable(w) for w in ["7KӵF", "phÆp", "trŒn", "Internet", "QJKLӋS", "ááá"])


def test_vietnamese_share_tells_a_broken_font_from_text():
    assert vietnamese_share(UNICODE) > 0.95
    broken = ("6Ӣ CÔNG 7+ѬѪ1* 7KӵF KLӋQ 4X\\ӃW ÿӏQK Vӕ 4Ĉ6&7 ngày 06/3/2026 FӫD GiÆm ÿӕF 6ӣ Công 7KѭѫQJ "
              "WӍQK Lào Cai YӅ YLӋF NLӇP tra YLӋF FKҩS hành Quy ÿӏQK phÆp OXұW trong Vӱ GөQJ và EҧR TXҧQ")
    assert vietnamese_share(broken) < 0.5
    assert vietnamese_share("Số 12") is None   # too few words to judge


def test_a_footnote_reference_glued_to_a_word_is_no_foreign_word():
    assert line_share("Số, ký hiệu4; Thời điểm có hiệu lực5; Ghi chú6") == 1.0
    assert line_share("6Ӣ CÔNG 7+ѬѪ1*") < 0.6   # a broken font stays broken
