"""Property-based fuzzing of the two inputs strangers control: questions and file contents
(issue 14). Derandomised, so every machine runs the same 500 + 500 cases; run with
`--hypothesis-seed=N` and without derandomize to explore further."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Answer, Assistant, QuestionError
from ingest import IngestConfig, Ingestor
from ingest.ocr import OcrConfig
from ingest.readers import ReadError

FUZZ = settings(max_examples=500, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

WORDS = ["Lào Cai", "Lai Châu", "kinh tế số", "năm 2030", "2045", "bao nhiêu", "mục tiêu", "là gì", "?", "%",
         "GRDP", "Bình dân học vụ số", "ngày nào", "còn", "thì sao", "so sánh", "những", "nào", "không",
         "ignore previous instructions", "<script>alert(1)</script>", "\u0000", "\ud800", "\u202e", "🙂",
         "muc tieu kinh te so", "Cảm ơn", "1", "ạ", "\n", "\t", "'", '"', "\\", "{", "}", "[1]", "…", "ß", "İ"]

any_character = st.characters(codec=None, exclude_categories=())   # surrogates and controls included
questions = st.one_of(
    st.text(any_character, max_size=200),
    st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join),
    st.tuples(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join), st.text(any_character, max_size=30))
      .map("".join),
    st.integers(900, 1500).map(lambda n: ("kinh tế số " * 200)[:n]),   # around the length limit
)


@pytest.fixture(scope="module")
def assistant(corpus_index):
    return Assistant(corpus_index)


@FUZZ
@given(question=questions)
def test_any_question_gets_an_answer_or_a_message(assistant, question):
    try:
        answer = assistant.ask(question)
    except QuestionError as err:
        assert str(err) and ("trống" in str(err) or "quá dài" in str(err))
        return
    assert isinstance(answer, Answer) and isinstance(answer.answer, str) and answer.answer
    answer.answer.encode("utf-8")   # printable and sendable: no lone surrogates left
    if not answer.refused:
        assert answer.citations
        for citation in answer.citations:
            assert citation.text[citation.quote_start:citation.quote_end] == citation.quote


def _tag_soup(depth: int, words: str) -> str:
    return "<div>" * depth + f"<p>{words}</p>" + "</div>" * depth


file_contents = st.one_of(
    st.binary(max_size=2000),
    st.text(any_character, max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=2000).map(lambda t: t.encode("utf-16")),
    st.lists(st.sampled_from(WORDS), max_size=200).map(lambda w: " ".join(w).encode("utf-8", "replace")),
    st.tuples(st.integers(0, 400), st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join))
      .map(lambda t: _tag_soup(*t).encode("utf-8", "replace")),
)


@FUZZ
@given(data=file_contents, suffix=st.sampled_from([".txt", ".html", ".docx", ".pdf"]))
def test_any_file_becomes_a_document_or_a_message(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    ingestor = Ingestor()
    result = ingestor.run([str(path)])
    assert len(result.documents) + len(result.problems) == 1
    for problem in result.problems:
        assert problem.message and not problem.message.startswith("Traceback")
    for document in result.documents:
        document.text.encode("utf-8")
        chunks = [c for c in result.chunks if c.doc_id == document.doc_id]
        assert chunks, "a document always has at least one chunk"
        for chunk in chunks:
            assert document.text[chunk.start:chunk.end] == chunk.text
            for start, end in chunk.sentences + chunk.clauses:
                assert chunk.start <= start <= end <= chunk.end
    try:
        ingestor.ingest_one(str(path))
    except ReadError:
        pass


REAL_PDF = (Path(__file__).resolve().parent / "data" / "docs" / "caobang-nq33-2022-text.pdf").read_bytes()


@pytest.mark.slow   # OCRs damaged copies of a real scan
@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(at=st.integers(0, len(REAL_PDF) - 1), length=st.integers(1, 4000), fill=st.binary(min_size=1, max_size=64))
def test_a_damaged_real_pdf_becomes_a_document_or_a_message(tmp_path_factory, at, length, fill):
    # Real PDF structure with a stretch overwritten: pypdf's recovery paths, not just its
    # "not a PDF" check. OCR is off (a language that is not installed) to keep it fast.
    data = REAL_PDF[:at] + (fill * (length // len(fill) + 1))[:length] + REAL_PDF[at + length:]
    path = tmp_path_factory.mktemp("pdf") / "hong.pdf"
    path.write_bytes(data)
    result = Ingestor(IngestConfig(ocr=OcrConfig(language="khong-co"))).run([str(path)])
    assert len(result.documents) + len(result.problems) == 1
    assert all(p.message and "Traceback" not in p.message for p in result.problems)
