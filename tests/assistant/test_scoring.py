"""The scoring core on hand-built hits (no model, no index): term matching and weights,
candidate scoring with the fitted ranker, the frame of a clause, the required-type check.

Hits are built inline, as haystack's component tests build their documents: what each
test shows is in the text of its sentences, not in a corpus.
"""

import pytest

from assistant.evidence import candidates, fits_required_type
from assistant.question import analyze
from assistant.ranker import load_ranker, ranker_for, weights_file
from assistant.terms import TermWeights, contains_term, key_terms, token_string
from index import SearchHit, UnitScore
from ingest import Chunk, Document
from ingest.normalize import ascii_key, search_tokens

RANKER = load_ranker()


def hit(sentences: list[str], context: str = "", dense: list[float] | None = None) -> SearchHit:
    """One chunk of one document holding these sentences, each scored as a unit."""
    text = " ".join(sentences)
    spans, at = [], 0
    for sentence in sentences:
        spans.append((at, at + len(sentence)))
        at += len(sentence) + 1
    document = Document(doc_id="d", source="d.txt", title="Kế hoạch chuyển đổi số", text=text,
                        date="2025-06-01", provinces=("Lai Châu",))
    chunk = Chunk(chunk_id="d#0", doc_id="d", position=0, start=0, end=len(text), text=text,
                  sentences=tuple(spans), context=context)
    dense = dense or [0.8] * len(sentences)
    units = [UnitScore(kind="chunk", start=0, end=len(text), dense=max(dense), sparse=1.0,
                       tokens=tuple(search_tokens(text)))]
    units += [UnitScore(kind="sentence", start=a, end=b, dense=d, sparse=1.0, tokens=tuple(search_tokens(text[a:b])))
              for (a, b), d in zip(spans, dense)]
    return SearchHit(rank=1, score=1.0, chunk=chunk, document=document, match=(0, len(text)),
                     dense_score=max(dense), sparse_score=1.0, units=tuple(units))


def sentence_candidates(question, chunk: SearchHit) -> dict:
    """The whole-sentence candidates of one hit, by their text."""
    return {c.text: c for c in candidates(question, [chunk], weights_for(chunk), RANKER) if c.kind == "sentence"}


def weights_for(*hits: SearchHit) -> TermWeights:
    return TermWeights([list(u.tokens) for h in hits for u in h.units if u.kind == "sentence"])


def ranked_sentences(question: str, *hits: SearchHit) -> list:
    found = candidates(analyze(question), list(hits), weights_for(*hits), RANKER)
    return [c for c in found if c.kind == "sentence"]


def clear_winner(question: str, *hits: SearchHit) -> str:
    """The best sentence's text, asserting it wins by a margin no rounding can flip
    (one log-odds unit of the ranker)."""
    best, runner_up = ranked_sentences(question, *hits)[:2]
    assert best.score - runner_up.score >= 1.0, (best.text, runner_up.text)
    return best.text


# ---- term matching -------------------------------------------------------------------------

def test_terms_match_whole_words_only():
    assert contains_term("|dân số|tăng|", "dân số")
    assert contains_term("|dân|số|tăng|", "dân số")       # segmented differently
    assert not contains_term("|công dân|số|", "dân số")    # "công dân số" is another word


def test_token_strings_for_toned_and_accentless_questions():
    tokens = search_tokens("Kinh tế số chiếm 20% GRDP")
    assert token_string(tokens, accentless=False).startswith("|kinh tế|số|")
    assert "|kinh|te|so|" in token_string(tokens, accentless=True)


def test_key_terms_leave_out_question_words_provinces_and_years():
    terms = key_terms("Tỷ lệ hộ gia đình có cáp quang của Lai Châu năm 2030 là bao nhiêu?",
                      ("Lai Châu",), accentless=False)
    assert {"cáp quang", "gia đình"} <= set(terms)
    assert not {"bao nhiêu", "2030", "lai châu", "châu"} & set(terms)


def test_rare_terms_weigh_more_than_common_ones():
    chunks = [search_tokens(t) for t in ("Chuyển đổi số ở xã.", "Chuyển đổi số ở huyện.", "Cáp quang đến thôn.")]
    weights = TermWeights(chunks)
    assert weights.frequency("chuyển đổi", False) == 2 and weights.frequency("cáp quang", False) == 1
    assert weights.weight("cáp quang", False) > weights.weight("chuyển đổi", False) + 0.3
    assert weights.frequency("vệ tinh", False) == 0 and not weights.known("vệ tinh", False)


def test_term_frequency_counts_whole_words_as_term_matching_does():
    """Frequencies come from each syllable's chunks, then the same whole-word test."""
    strings = ["|dân số|tăng|", "|dân|số|giảm|", "|công dân|số|", "|số|dân|", "|dân số|dân số|"]
    chunks = [[w.replace(" ", "_") for w in s.strip("|").split("|")]
              + [f"a:{ascii_key(syllable)}" for syllable in s.replace("|", " ").split()] for s in strings]
    weights = TermWeights(chunks)
    assert weights.frequency("dân số", False) == sum(contains_term(s, "dân số") for s in strings) == 3
    assert weights.frequency("số", False) == 3         # a word alone, not inside "dân số"
    accentless = [token_string(c, True) for c in chunks]
    assert weights.frequency("dan so", True) == sum(contains_term(s, "dan so") for s in accentless) == 4
    assert weights.frequency("số dân số", False) == 0 and weights.known("số dân số", False)


# ---- candidate scoring -----------------------------------------------------------------------

def test_the_sentence_with_the_asked_figure_wins():
    chunk = hit(["Tỉnh tổ chức hội nghị triển khai chuyển đổi số tại các xã.",
                 "Tỷ lệ hộ gia đình có cáp quang đạt 85% vào năm 2025."])
    assert clear_winner("Tỷ lệ hộ gia đình có cáp quang là bao nhiêu?", chunk).startswith("Tỷ lệ hộ gia đình")


def test_the_figure_of_the_asked_year_wins():
    chunk = hit(["Đến năm 2025, tỷ lệ dịch vụ công trực tuyến toàn trình đạt 60%.",
                 "Đến năm 2030, tỷ lệ dịch vụ công trực tuyến toàn trình đạt 90%."])
    assert "90%" in clear_winner("Năm 2030 tỷ lệ dịch vụ công trực tuyến toàn trình là bao nhiêu?", chunk)
    assert "60%" in clear_winner("Năm 2025 tỷ lệ dịch vụ công trực tuyến toàn trình là bao nhiêu?", chunk)


def test_candidates_are_sorted_and_carry_their_ranker_features():
    chunk = hit(["Tỉnh đẩy mạnh chuyển đổi số.", "Kinh tế số chiếm 20% GRDP vào năm 2030."])
    found = candidates(analyze("Kinh tế số chiếm bao nhiêu GRDP?"), [chunk], weights_for(chunk), RANKER)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert all(len(c.features) == len(RANKER.weights) for c in found)


# ---- the frame of a quote --------------------------------------------------------------------

def test_a_clause_is_framed_by_the_section_lead_and_its_sentence_opening():
    lead = "Các mục tiêu cụ thể đến năm 2030:"
    sentence = "Phấn đấu đạt các chỉ tiêu: kinh tế số chiếm 20% GRDP; 90% dịch vụ công trực tuyến toàn trình."
    chunk = hit([sentence], context=lead)
    clause_start = sentence.index("90%")
    clause = UnitScore(kind="clause", start=clause_start, end=len(sentence), dense=0.9, sparse=1.0,
                       tokens=tuple(search_tokens(sentence[clause_start:])))
    chunk = SearchHit(**{**chunk.__dict__, "units": chunk.units + (clause,)})
    found = candidates(analyze("Tỷ lệ dịch vụ công trực tuyến toàn trình năm 2030?"), [chunk],
                       weights_for(chunk), RANKER)
    framed = next(c for c in found if c.kind == "clause")
    assert framed.frame.lead == lead
    assert framed.frame.opening == "Phấn đấu đạt các chỉ tiêu: kinh tế số chiếm 20% GRDP; "


# ---- the required type --------------------------------------------------------------------------

def test_a_how_many_question_needs_a_number_in_the_quote():
    chunk = hit(["Tỉnh đã hoàn thành việc phủ sóng cáp quang.", "Tỉnh có 120 xã được phủ sóng cáp quang."])
    question = analyze("Có bao nhiêu xã được phủ sóng cáp quang?")
    found = sentence_candidates(question, chunk)
    assert fits_required_type(question, found["Tỉnh có 120 xã được phủ sóng cáp quang."])
    assert not fits_required_type(question, found["Tỉnh đã hoàn thành việc phủ sóng cáp quang."])


@pytest.mark.parametrize("question, fitting, fit, not_fitting", [
    # The number of a document or an article counts nothing.
    ("Có bao nhiêu xã triển khai phủ sóng cáp quang?", "Tỉnh có 57 xã triển khai phủ sóng cáp quang.", 1.0,
     "Các xã triển khai Nghị quyết 57 và Điều 5 Quyết định số 749 về cáp quang."),
    # A bracketed gloss is not a person's name.
    ("Ai là Chủ tịch UBND tỉnh?", "Ông Lê Văn Lương được bầu giữ chức Chủ tịch UBND tỉnh.", 1.0,
     "Tỉnh ứng dụng trí tuệ nhân tạo (AI), dữ liệu lớn (Big Data) trong quản lý."),
    # A surname alone is weaker evidence than a full name ("Newton" is asked, "Miller" is not).
    ("Ai tước bóng từ Newton?", "Ở lượt chơi tiếp theo, Miller đã tước bóng từ Newton.", 0.5,
     "Ở lượt chơi tiếp theo, đội khách đã tước bóng từ Newton."),
    # A noun naming people answers "who" too, more weakly than a name; one the question names does not.
    ("Ai đã đến hội trường để nghe báo cáo?", "Các sinh viên đã đến hội trường để nghe báo cáo.", 0.5,
     "Hội trường đã chật kín để nghe báo cáo."),
    # ... but "Ai là <title>?" asks for a name: "các đại biểu" does not answer it.
    ("Ai là Bí thư Tỉnh ủy?", "Ông Trần Văn Nam giữ chức Bí thư Tỉnh ủy.", 1.0,
     "Ban Thường vụ Tỉnh ủy ban hành chương trình; các đại biểu thảo luận."),
    # A century dates an event ("khi nào" would also take an event: see below).
    ("Phong trào khuyến học bắt đầu vào năm nào?", "Phong trào khuyến học bắt đầu vào giữa thế kỷ 18 ở làng.", 1.0,
     "Phong trào khuyến học bắt đầu ở làng và lan ra cả vùng."),
    # "hơn một nửa" says how much, more vaguely than a percentage.
    ("Bao nhiêu phần trăm hộ dân dùng điện thoại thông minh?",
     "Hơn một nửa hộ dân đã dùng điện thoại thông minh.", 0.5, "Hộ dân đã quen dùng điện thoại thông minh."),
    # ... but a count of things is a number: "đa số các xã" does not say how many.
    ("Có bao nhiêu xã có cán bộ chuyên trách?", "Tỉnh có 12 xã có cán bộ chuyên trách.", 1.0,
     "Đa số các xã chưa có cán bộ chuyên trách."),
])
def test_what_fits_the_required_type(question, fitting, fit, not_fitting):
    asked = analyze(question)
    found = sentence_candidates(asked, hit([not_fitting, fitting]))
    assert found[fitting].type_fit == fit
    assert not fits_required_type(asked, found[not_fitting])


def test_when_may_be_answered_by_an_event_and_still_prefers_a_date():
    """"Khi nào" takes a sentence without a date ("khi Đức bắt đầu …") as a quote, while
    its type fit still counts the date in another; "năm nào" needs the date."""
    dated, event = "Phong trào bắt đầu vào giữa thế kỷ 18.", "Phong trào bắt đầu khi làng mở trường học đầu tiên."
    when = analyze("Phong trào bắt đầu khi nào?")
    found = sentence_candidates(when, hit([event, dated]))
    assert fits_required_type(when, found[event]) and found[dated].type_fit > found[event].type_fit
    year = analyze("Phong trào bắt đầu vào năm nào?")
    assert not fits_required_type(year, sentence_candidates(year, hit([event, dated]))[event])


def test_how_long_prefers_a_length_of_time_and_requires_none():
    """"Trong bao lâu" is best answered by "03 tháng", but XQuAD's answers to it are as often
    "cho đến thế kỷ 19": a sentence without a length of time still qualifies."""
    length, other = "Hồ sơ nộp lưu trong thời hạn 03 tháng.", "Hồ sơ nộp lưu cho đến khi công trình được quyết toán."
    question = analyze("Hồ sơ phải nộp lưu trong thời hạn bao lâu?")
    found = sentence_candidates(question, hit([other, length]))
    assert found[length].type_fit == 1.0 and found[other].type_fit == 0.5
    assert fits_required_type(question, found[other])


def test_from_what_time_asks_a_time_of_day():
    """"Từ mấy giờ" is answered by "7h30" (how official texts write it), not by the
    centre's phone number, the other figure beside it."""
    hours, phone = "Buổi sáng: Từ 7h30’ đến 11h30’.", "Điện thoại: 02133.796.888."
    question = analyze("Trung tâm nhận hồ sơ buổi sáng từ mấy giờ?")
    found = sentence_candidates(question, hit([phone, hours]))
    assert found[hours].type_fit == 1.0 and not fits_required_type(question, found[phone])
    assert not analyze("Khóa học kéo dài bao nhiêu giờ?").asks_clock_time


def test_a_list_label_is_neither_part_of_the_quote_nor_a_figure():
    """"5.1. Kinh phí …: Được thực hiện theo quy định" holds no amount: "5.1" is its place."""
    labelled = "5.1. Kinh phí cho hoạt động kiểm tra: Được thực hiện theo quy định của pháp luật."
    question = analyze("Kinh phí cho hoạt động kiểm tra là bao nhiêu?")
    found = candidates(question, [hit([labelled])], TermWeights([]), RANKER)
    assert found[0].text.startswith("Kinh phí") and found[0].type_fit == 0.0


def test_no_window_of_a_long_sentence_ends_or_starts_inside_an_enumeration():
    sentence = ("Kinh phí bảo đảm cho công tác kiểm tra, rà soát, hệ thống hóa văn bản do ngân sách nhà nước "
                "cấp, người có thẩm quyền và nguồn kinh phí hợp pháp khác theo quy định của pháp luật hiện hành.")
    windows = [c.text for c in candidates(analyze("Kinh phí cho công tác kiểm tra lấy từ đâu?"), [hit([sentence])],
                                          TermWeights([]), RANKER) if c.kind == "window"]
    assert any(w.startswith("Kinh phí") and w.endswith("ngân sách nhà nước cấp") for w in windows)
    assert not any(w.endswith("kiểm tra") or w.startswith(("rà soát", "hệ thống hóa")) for w in windows)


def test_no_window_of_a_long_sentence_is_cut_inside_brackets():
    sentence = ("Rút ra từ các tài liệu khoa học cổ không bị phá hủy, học giả Ibn Sina (Avicenna, 981-1037) đã "
                "đề xuất các giải thích chi tiết cho sự hình thành của các ngọn núi, nguồn gốc của động đất.")
    windows = [c.text for c in candidates(analyze("Ai đề xuất giải thích sự hình thành các ngọn núi?"),
                                          [hit([sentence])], TermWeights([]), RANKER) if c.kind == "window"]
    assert windows and not any(w.startswith("981") or w.endswith("Avicenna") for w in windows)


def test_the_day_of_signing_is_a_date():
    """"Có hiệu lực kể từ ngày ký" answers "có hiệu lực từ ngày nào?" as a written date does."""
    signed, other = "Nghị định này có hiệu lực thi hành kể từ ngày ký.", "Nghị định này quy định về công tác văn thư."
    question = analyze("Nghị định có hiệu lực từ ngày nào?")
    found = sentence_candidates(question, hit([other, signed]))
    assert found[signed].type_fit == 1.0 and not fits_required_type(question, found[other])


def test_a_claimed_count_fits_a_count_of_the_same_thing_better_than_a_share():
    """"Có phải … 150 nhiệm vụ không?" checks a count: "128 nhiệm vụ" is one, "100% nhiệm
    vụ" a share, a weaker fit (the verdict is then judged on the count)."""
    claim = analyze("Có phải tỉnh đã hoàn thành 150 nhiệm vụ không?")
    count, share = "Đến nay, tỉnh đã hoàn thành 128 nhiệm vụ.", "Tỉnh phấn đấu hoàn thành 100% nhiệm vụ được giao."
    found = sentence_candidates(claim, hit([share, count]))
    assert found[count].type_fit == 1.0 and found[share].type_fit == 0.5
    # A year is not a count: "năm 2030" in a claim leaves the counted noun to the figure.
    assert sentence_candidates(analyze("Có phải năm 2030 tỉnh có 20 xã số không?"),
                               hit(["Năm 2030, tỉnh có 12 xã số."]))["Năm 2030, tỉnh có 12 xã số."].type_fit == 1.0


def test_each_unit_vector_recipe_reads_the_weights_fitted_for_it():
    """Similarity features depend on how the unit vectors were made: the scoped recipe has
    weights and thresholds of its own; a recipe without them falls back to the joint one's."""
    assert ranker_for("joint") == load_ranker(weights_file("joint"))
    assert weights_file("scoped").exists() and ranker_for("scoped") == load_ranker(weights_file("scoped"))
    assert ranker_for("scoped") != ranker_for("joint")
    assert not weights_file("late").exists() and ranker_for("late") == ranker_for("joint")
