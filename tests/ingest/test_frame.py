"""The frame of a passage (ingest.Frame), built by hand: one definition read by the index
(what is embedded in front of a unit) and the assistant (a quote's year, what is shown)."""

from ingest import Chunk, Document, Frame
from ingest.records import FRAME_WORDS, shorten_frame

LEAD = "Tầm nhìn đến năm 2045, tỉnh phấn đấu đạt các mục tiêu sau:"
SENTENCE = "Phấn đấu đạt các chỉ tiêu: kinh tế số chiếm 20% GRDP; 90% dịch vụ công trực tuyến toàn trình."


def _chunk() -> tuple[Chunk, Document]:
    document = Document(doc_id="d", source="d.txt", title="Kế hoạch chuyển đổi số", text=SENTENCE)
    chunk = Chunk(chunk_id="d#0", doc_id="d", position=0, start=0, end=len(SENTENCE), text=SENTENCE,
                  sentences=((0, len(SENTENCE)),), context=LEAD)
    return chunk, document


def test_a_sentence_is_framed_by_the_title_and_the_section_lead():
    chunk, document = _chunk()
    frame = chunk.frame_at(document, 0)
    assert frame == Frame(title="Kế hoạch chuyển đổi số", lead=LEAD, opening="")
    assert frame.heading == f"Kế hoạch chuyển đổi số\n{LEAD}"
    assert frame.context == LEAD and frame.short_opening == ""


def test_a_clause_is_framed_by_its_sentence_up_to_the_clause():
    chunk, document = _chunk()
    frame = chunk.frame_at(document, SENTENCE.index("90%"))
    assert frame.opening == "Phấn đấu đạt các chỉ tiêu: kinh tế số chiếm 20% GRDP; "
    assert frame.context == f"{LEAD} {frame.opening}"    # the lead's year reaches the clause
    assert frame.short_opening == "Phấn đấu đạt các chỉ tiêu: kinh tế số chiếm 20% GRDP;"


def test_a_long_opening_is_cut_to_the_same_word_limit_everywhere():
    words = [f"w{i}" for i in range(FRAME_WORDS + 5)]
    assert shorten_frame(" ".join(words)) == " ".join(words[:FRAME_WORDS])
    assert Frame(opening=" ".join(words)).short_opening == " ".join(words[:FRAME_WORDS])


def test_no_lead_no_title_is_an_empty_frame():
    frame = Frame()
    assert frame.heading == "" and frame.context == "" and frame.short_opening == ""
