from assistant.guard import holds, unsupported_numbers
from assistant.records import Citation


def citation(n, text, date=None, context=""):
    return Citation(n=n, doc_id="d", chunk_id=f"d#{n}", title="t", date=date, province="Lai Châu",
                    text=text, quote=text, quote_start=0, quote_end=len(text), context=context)


def test_numbers_must_occur_in_a_cited_passage():
    cites = [citation(1, "kinh tế số chiếm khoảng 9-10% GRDP"), citation(2, "đạt tỷ lệ 56,7%")]
    assert holds("Kinh tế số chiếm khoảng 9-10% GRDP [1].", cites)
    assert not holds("Kinh tế số chiếm khoảng 12% GRDP [1].", cites)
    assert unsupported_numbers("Tỷ lệ 56,7% [1].", cites) == ["56.7"]  # in [2], but [2] is not cited
    assert holds("Tỷ lệ 56,7% [2].", cites)


def test_number_formats_and_dates_printed_from_metadata():
    cites = [citation(1, "với 2.191 học viên tham gia", date="2025-05-19",
                      context="Các mục tiêu cụ thể đến năm 2030 được xác định:")]
    assert holds("Theo bài ngày 19/05/2025, 2.191 học viên đến năm 2030 [1].", cites)
    assert not holds("Theo bài ngày 20/05/2025, 2.191 học viên [1].", cites)


def test_citation_to_a_passage_not_given_fails():
    assert not holds("Kinh tế số [3].", [citation(1, "Kinh tế số")])


def test_a_bracketed_number_inside_a_quote_is_its_text_not_a_citation():
    """Web pages keep footnote marks ("[21]"); quoted, they are the passage's text."""
    cites = [citation(1, "nhiệt độ sẽ tăng khoảng 0,3 °C mỗi thập kỷ trong thế kỷ [21].")]
    assert holds("nhiệt độ sẽ tăng khoảng 0,3 °C mỗi thập kỷ trong thế kỷ [21] [1].", cites)
    # ... but only inside the quote: a marker of its own still has to name a given passage.
    assert not holds("nhiệt độ sẽ tăng khoảng 0,3 °C mỗi thập kỷ trong thế kỷ [21] [1]. Thêm [21].", cites)


def test_a_footnote_in_the_second_quote_of_a_chunk_is_its_text_too():
    """Two quotes of one chunk share one citation, whose quote is the first: the bracket
    is still found in the chunk's text."""
    chunk = ("Nhiệt độ đã tăng 0,3 đến 0,6 °C trong 100 năm qua. "
             "Nhiệt độ sẽ tăng khoảng 0,3 °C mỗi thập kỷ trong thế kỷ [21].")
    cite = Citation(n=1, doc_id="d", chunk_id="d#1", title="t", date=None, province="", text=chunk,
                    quote=chunk[:50], quote_start=0, quote_end=50)
    assert holds("Nhiệt độ đã tăng 0,3 đến 0,6 °C trong 100 năm qua [1]. "
                 "Nhiệt độ sẽ tăng khoảng 0,3 °C mỗi thập kỷ trong thế kỷ [21] [1].", [cite])
