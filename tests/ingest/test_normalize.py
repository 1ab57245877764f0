import unicodedata

from ingest.normalize import (
    ACCENTLESS,
    FIGURE_NUMBER,
    NUMBER,
    WORD_JOINER,
    YEAR,
    ascii_key,
    has_diacritics,
    is_accentless_token,
    match_key,
    nfc,
    search_tokens,
    strip_accents,
    token_text,
    token_words,
)


def test_old_and_new_tone_placement_share_a_key():
    assert match_key("Tỉnh uỷ") == match_key("Tỉnh ủy") == "tỉnh ủy"
    assert match_key("hoà bình, khoẻ") == "hòa bình, khỏe"


def test_accentless_typing_matches_through_ascii_key():
    assert ascii_key("Tỉnh uỷ") == ascii_key("Tỉnh ủy") == ascii_key("tinh uy") == "tinh uy"
    assert ascii_key("Đoàn Kết") == "doan ket"


def test_attached_punctuation_does_not_block_tone_normalisation():
    assert match_key("(Thuý) uỷ, hoà.") == "(thúy) ủy, hòa."


def test_decomposed_input_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Lào Cai")
    assert decomposed != "Lào Cai"
    assert nfc(decomposed) == "Lào Cai"
    assert match_key(decomposed) == "lào cai"


def test_keys_keep_offsets_of_the_display_text():
    text = "Tỉnh uỷ Lai Châu: kinh tế số chiếm khoảng 9-10% GRDP; hoà nhập."
    assert len(match_key(text)) == len(ascii_key(text)) == len(nfc(text))
    start = ascii_key(text).index("9-10%")
    assert text[start:start + 5] == "9-10%"


def test_strip_accents_and_diacritics_detection():
    assert strip_accents("Bình dân học vụ số") == "Binh dan hoc vu so"
    assert has_diacritics("Lào Cai") and not has_diacritics("lao cai")


def test_search_tokens_keep_words_figures_and_accentless_syllables():
    tokens = search_tokens("Kinh tế số chiếm khoảng 9-10% GRDP; Tỉnh uỷ.")
    assert "kinh_tế" in tokens and "9-10" in tokens and "grdp" in tokens
    assert {"a:kinh", "a:te", "a:so", "a:uy"} <= set(tokens)
    assert set(search_tokens("kinh te so")) & set(tokens) >= {"a:kinh", "a:te", "a:so"}


def test_the_token_encoding_round_trips():
    tokens = search_tokens("Chuyển đổi số")
    assert "chuyển" + WORD_JOINER + "đổi" in tokens
    assert ACCENTLESS + "chuyen" in tokens and is_accentless_token(ACCENTLESS + "chuyen")
    assert token_text("chuyển_đổi") == "chuyển đổi" and token_text("a:doi") == "doi"
    assert token_words(tokens, accentless=True) == ["chuyen", "doi", "so"]
    assert " ".join(token_words(tokens, accentless=False)) == "chuyển đổi số"


def test_years_and_numbers_have_one_pattern_each():
    assert YEAR.findall("năm 2030, 1999 và 21000 hay 3000") == ["2030", "1999"]
    assert NUMBER.findall("đạt 56,7% và 2.191 người") == ["56,7", "2.191"]
    assert FIGURE_NUMBER.findall("128/182 nhiệm vụ theo 12-KH") == ["128/182"]
