"""Diacritic restoration from the documents' own vocabulary (no model, no corpus fixture)."""

from index.diacritics import DiacriticRestorer

DOCS = ["Kinh tế số chiếm khoảng 9-10% GRDP của tỉnh Lai Châu vào năm 2030.",
        "Tỉnh Lào Cai khai trương Sàn thương mại điện tử năm 2005.",
        "Kinh tế số của tỉnh đạt 7% trong năm 2026."]


def test_accentless_and_wrongly_toned_words_get_the_documents_tones():
    restorer = DiacriticRestorer(DOCS)
    assert restorer.restore("kinh te so lai chau nam 2030 bao nhieu") == "kinh tế số lai châu năm 2030 bao nhiêu"
    assert restorer.restore("Kinh tê sô cua Lai Châu đat bao nhiêu?") == "Kinh tế số của Lai Châu đạt bao nhiêu?"


def test_correct_text_figures_and_unknown_words_are_kept():
    restorer = DiacriticRestorer(DOCS)
    for text in ["Sàn thương mại điện tử của Lào Cai có từ năm nào?", "GRDP 9-10% MOOCs",
                 "Lào Cai có chợ mua bán trên mạng không?"]:  # "chợ" is typed right though no document has it
        assert restorer.restore(text) == text
    assert restorer.restore("San thuong mai dien tu") == "Sàn thương mại điện tử"  # capitals kept
