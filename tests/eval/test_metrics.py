"""Each metric on small cases checked by hand."""

from assistant.records import Answer, Citation
from eval.metrics import score, summarize
from eval.questions import EvalQuestion


def q(id_, facts, sources, answerable=True):
    return EvalQuestion(id=id_, question=f"câu {id_}?", facts=facts, sources=sources, answerable=answerable)


def answer(text, cited=(), refused=False, grounded=True):
    citations = [Citation(n=i + 1, doc_id=d, chunk_id=f"{d}#0", title="", date=None, province="",
                          text="", quote="", quote_start=0, quote_end=0) for i, d in enumerate(cited)]
    return Answer(question="", answer=text, refused=refused, grounded=grounded, backend="extractive",
                  citations=citations)


def test_scores_of_one_question():
    result = score(q("1", [["20%"]], ["A"]), answer("Kinh tế số 20% GRDP [1] [2].", cited=["A", "B"]),
                   [("B", "x"), ("A", "tối thiểu 20% GRDP"), ("A", "y")], latency_ms=40.0)
    assert result.fact_recall and not result.hit_at_1 and result.hit_at_5
    assert result.reciprocal_rank == 0.5 and result.fact_chunk_at_5
    assert result.citation_precision == 0.5 and result.refusal_correct and result.answer_words == 5


def test_summary_over_hand_checked_cases():
    results = [
        score(q("1", [["20%"]], ["A"]), answer("20% [1].", cited=["A"]), [("A", "20%")], 10.0),
        score(q("2", [["9-10%"]], ["B"]), answer("Không tìm thấy.", refused=True), [("A", "x"), ("B", "9-10%")], 20.0),
        score(q("3", [["7%"]], ["C"]), answer("12% [1].", cited=["C"], grounded=False), [("D", "x")], 30.0),
        score(q("4", [], [], answerable=False), answer("Không tìm thấy.", refused=True), [("A", "x")], 40.0),
        score(q("5", [], [], answerable=False), answer("Sai [1].", cited=["A"]), [("A", "x")], 100.0),
    ]
    s = summarize(results)
    assert (s["n_questions"], s["n_answerable"]) == (5, 3)
    assert s["hit_at_1"] == round(1 / 3, 4) and s["hit_at_5"] == round(2 / 3, 4)
    assert s["mrr_at_10"] == round((1 + 0.5 + 0) / 3, 4)
    assert s["fact_chunk_at_5"] == round(2 / 3, 4)
    assert s["fact_recall"] == round(1 / 3, 4)
    assert s["citation_precision"] == 1.0          # answerable questions' citations: A→A, C→C
    assert s["refusal_accuracy"] == 0.6            # 1 ok, 2 wrongly refused, 3 ok, 4 ok, 5 should refuse
    assert s["false_refusal_rate"] == round(1 / 3, 4)
    assert s["numeric_faithfulness"] == 0.8
    assert s["median_answer_words"] == 1           # "20% [1].", "12% [1].", "Sai [1].": markers are not words
    assert s["latency_p50_ms"] == 30.0 and s["latency_p95_ms"] == 100.0
