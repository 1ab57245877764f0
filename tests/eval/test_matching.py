import pytest

from eval.matching import contains, matches_facts, normalize


@pytest.mark.parametrize("answer, fact", [
    ("với 2.191 học viên", "2191"), ("với 2191 học viên", "2.191"), ("với 2,191 học viên", "2.191"),
    ("đạt tỷ lệ 56,7%", "56.7%"), ("chiếm khoảng 9 - 10 % GRDP", "9-10%"), ("chiếm khoảng 9–10% GRDP", "9-10%"),
    ("Tỉnh uỷ Lai Châu", "tỉnh ủy lai châu"), ("HOÀ NHẬP", "hòa nhập"), ("ngày   5/5/2025", "ngày 5/5/2025"),
    # a fact's closing punctuation is where its span was cut; the citation goes there
    ("đại diện cho sứa lược [1].", "sứa lược."), ("gọi là Rừng rậm Amazon [1].", "Rừng rậm Amazon,"),
])
def test_equivalent_spellings_match(answer, fact):
    assert contains(answer, fact)


@pytest.mark.parametrize("answer, fact", [
    ("đạt 120%", "20%"), ("năm 2030", "203"), ("tỷ lệ 56,75%", "56,7%"), ("Lào Cai", "Lai Châu"),
    ("tỷ lệ 56,7%", "56,75%."), ("tỷ lệ", "."),
])
def test_numbers_and_words_match_on_boundaries_only(answer, fact):
    assert not contains(answer, fact)


def test_every_group_needs_one_alternative():
    answer = "Lai Châu: 9-10% [1]. Lào Cai: 20% [2]."
    assert matches_facts(answer, [["9-10%"], ["20%", "hai mươi phần trăm"]])
    assert not matches_facts(answer, [["9-10%"], ["40%"]])
    assert matches_facts(answer, [])


def test_normalize_is_idempotent():
    text = "Kinh tế số chiếm khoảng 9 - 10 % GRDP, 2.191 học viên, Tỉnh uỷ"
    assert normalize(normalize(text)) == normalize(text) == "kinh tế số chiếm khoảng 9-10% grdp, 2191 học viên, tỉnh ủy"
