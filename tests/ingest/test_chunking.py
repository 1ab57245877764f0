from ingest.chunking import ChunkingConfig, chunk_text, clause_spans, sentence_spans


def test_chunk_offsets_point_into_the_cleaned_text(corpus):
    texts = {d.doc_id: d.text for d in corpus.documents}
    for chunk in corpus.chunks:
        assert texts[chunk.doc_id][chunk.start:chunk.end] == chunk.text
        for start, end in chunk.sentences + chunk.clauses:
            assert chunk.start <= start < end <= chunk.end


def test_chunks_cover_the_text_in_order_without_cutting_sentences(corpus):
    texts = {d.doc_id: d.text for d in corpus.documents}
    for doc_id, text in texts.items():
        chunks = [c for c in corpus.chunks if c.doc_id == doc_id]
        assert [c.position for c in chunks] == list(range(len(chunks)))
        assert [c.chunk_id for c in chunks] == [f"{doc_id}#{i:03d}" for i in range(len(chunks))]
        joined = "".join(text[c.start:c.end] for c in chunks)
        assert "".join(joined.split()) == "".join(text.split())  # nothing lost, nothing repeated
        for chunk in chunks:  # a chunk is a run of whole sentences
            assert chunk.sentences[0][0] == chunk.start and chunk.sentences[-1][1] == chunk.end


def test_chunk_sizes_stay_in_range_unless_one_sentence_is_longer(corpus):
    config = ChunkingConfig()
    for chunk in corpus.chunks:
        words = len(chunk.text.split())
        if len(chunk.sentences) > 1:
            assert words <= config.max_words, chunk.chunk_id


def test_target_list_clauses_are_separately_addressable(corpus):
    text = next(d.text for d in corpus.documents if d.doc_id == "000_cea71f7cbe1ebe5a")
    clauses = [text[s:e] for c in corpus.chunks if c.doc_id == "000_cea71f7cbe1ebe5a" for s, e in c.clauses]
    assert "kinh tế số chiếm khoảng 9-10% GRDP" in clauses
    assert "80% giao dịch không dùng tiền mặt" in clauses


def test_closing_quote_stays_with_its_sentence():
    text = "Ông nói: “Đi tắt, đón đầu.” Tỉnh làm tiếp. Hết."
    spans = sentence_spans(text, 0, len(text))
    assert [text[a:b] for a, b in spans][0] == "Ông nói: “Đi tắt, đón đầu.”"


def test_a_label_or_title_cut_off_by_its_full_stop_opens_the_next_sentence():
    """The splitter ends a sentence at "1." and at "Ông."; alone they answer nothing."""
    text = "1. Ông. Nguyễn Văn An - Trưởng đoàn: phụ trách chung. Ông. Trần Văn Bình - Thư ký đoàn. KT."
    spans = [text[a:b] for a, b in sentence_spans(text, 0, len(text))]
    assert spans == ["1. Ông. Nguyễn Văn An - Trưởng đoàn: phụ trách chung.", "Ông. Trần Văn Bình - Thư ký đoàn. KT."]
    assert sentence_spans("II.", 0, 3) == [(0, 3)]   # a stub alone is kept


def test_clause_spans_need_enough_semicolons():
    text = "Mục tiêu: a; b; c."
    assert [text[a:b] for a, b in clause_spans(text, (0, len(text)), 3)] == ["Mục tiêu: a", "b", "c."]
    assert clause_spans("a; b.", (0, 5), 3) == []


def test_paragraph_boundary_starts_a_new_chunk_once_big_enough():
    para = " ".join(["Câu này có đúng tám từ để đếm."] * 9)  # 72 words
    chunks = chunk_text("d", para + "\n\n" + para, ChunkingConfig(min_words=60, max_words=180))
    assert len(chunks) == 2


def test_list_items_carry_the_section_lead_that_frames_them(corpus):
    chunks = {c.chunk_id: c for c in corpus.chunks}
    target_2030 = next(c for c in corpus.chunks if "Kinh tế số đóng góp tối thiểu 20% GRDP" in c.text)
    assert target_2030.context == "Các mục tiêu cụ thể đến năm 2030 được xác định:"
    vision_2045 = next(c for c in corpus.chunks if "Kinh tế số chiếm trên 40% GRDP" in c.text)
    assert vision_2045.context.startswith("Tầm nhìn đến năm 2045") and vision_2045.context.endswith("sau:")
    assert chunks["000_cea71f7cbe1ebe5a#000"].context == ""  # nothing frames an opening


FORM = """PHỤ LỤC
Danh mục thủ tục hành chính

1. Thủ tục cấp giấy phép

{body}

2. Thủ tục gia hạn giấy phép

{body}

Phí, lệ phí: 150.000 đồng/hồ sơ.

3. Hồ sơ được nộp trực tiếp tại Trung tâm Phục vụ hành chính công.

{body}
"""
BODY = "\n\n".join(["Câu này có đúng tám từ để đếm."] * 9)   # 72 words in nine paragraphs


def test_a_heading_starts_a_chunk_and_frames_the_chunks_under_it():
    text = FORM.format(body=BODY)
    chunks = chunk_text("d", text, ChunkingConfig(min_words=60, max_words=180))
    assert any(c.text.startswith("2. Thủ tục") for c in chunks)   # not at the end of the one before
    assert not any(c.text.rstrip().endswith("giấy phép") for c in chunks)
    fee = next(c for c in chunks if "150.000" in c.text)
    assert fee.context == "2. Thủ tục gia hạn giấy phép"
    # "3. Hồ sơ được nộp …." says something itself: it ends the reach of "2." and names
    # nothing, so what frames the lines after it is the appendix.
    last = chunks[-1]
    assert last.start > text.index("3. Hồ sơ") and last.context == "PHỤ LỤC Danh mục thủ tục hành chính"
