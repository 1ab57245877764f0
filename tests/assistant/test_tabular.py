"""Answers from the table of targets: the verdicts on hand-built rows, then whole answers
on the bundled corpus (comparisons, rankings, a province's targets for a year)."""

import pytest

from assistant import Assistant, guard
from assistant.question import analyze
from assistant.tabular import one_per_cell, verdicts
from assistant.targets import TargetRow
from ingest import Document, Target


def row(province: str, value: str, year: int | None = 2030, comparator: str = "đạt", unit: str = "%",
        kind: str = "target", date: str = "2025-05-01", doc_id: str = "d1", start: int = 0) -> TargetRow:
    target = Target(doc_id=doc_id, province=province, indicator="Kinh tế số / GRDP", comparator=comparator,
                    value=value, unit=unit, year=year, kind=kind, date=date, start=start, end=start + 10)
    document = Document(doc_id=doc_id, title="t", text="", source="s", fingerprint="f")
    return TargetRow(target, f"{comparator} {value}", document)


def test_two_provinces_the_higher_one_with_both_values():
    cells = [row("Lai Châu", "9-10%", comparator="khoảng"), row("Lào Cai", "20%", comparator="tối thiểu")]
    assert verdicts(analyze("Tỉnh nào cao hơn?"), cells) == [
        "Lào Cai cao hơn: tối thiểu 20% so với khoảng 9-10% (Lai Châu)."]
    assert verdicts(analyze("Tỉnh nào thấp hơn?"), cells) == [
        "Lai Châu thấp hơn: khoảng 9-10% so với tối thiểu 20% (Lào Cai)."]


def test_three_provinces_ranked_and_equal_values():
    cells = [row("A", "10%"), row("B", "30%"), row("C", "20%")]
    assert verdicts(analyze("Tỉnh nào cao nhất?"), cells) == ["B cao nhất: 30% so với 20% (C), 10% (A)."]
    same = [row("A", "80%"), row("B", "80%")]
    assert verdicts(analyze("so sánh"), same) == ["Các mức như nhau: 80%."]
    near = [row("A", "40%", comparator="trên"), row("B", "40%")]
    assert verdicts(analyze("so sánh"), near) == ["Các mức tương đương: trên 40% (A), 40% (B)."]


def test_no_verdict_that_the_values_cannot_support():
    overlapping = [row("A", "9-10%"), row("B", "10%")]
    assert "chưa phân định" in verdicts(analyze("so sánh"), overlapping)[0]
    other_units = [row("A", "10", unit="nhân lực"), row("B", "2 lần", unit="lần")]
    assert "đơn vị khác nhau" in verdicts(analyze("so sánh"), other_units)[0]
    ratio = [row("A", "128/182", unit="nhiệm vụ"), row("B", "100", unit="nhiệm vụ")]
    assert "không so sánh" in verdicts(analyze("so sánh"), ratio)[0]
    different_years = [row("A", "10%", year=2030), row("B", "20%", year=2045)]
    assert verdicts(analyze("so sánh"), different_years) == []


def test_one_province_over_the_years():
    cells = [row("A", "7%", year=2026), row("A", "9-10%", year=2030, comparator="khoảng"),
             row("A", "20%", year=2045, comparator="tối thiểu")]
    assert verdicts(analyze("so sánh"), cells) == [
        "Qua các năm: 7% (năm 2026), khoảng 9-10% (năm 2030), tối thiểu 20% (năm 2045) — tăng dần."]


def test_one_cell_per_province_and_year_newest_target_first():
    old = row("A", "15%", date="2024-01-01", doc_id="old")
    new = row("A", "20%", date="2026-01-01", doc_id="new")
    result = row("A", "12%", kind="result", date="2026-06-01", doc_id="report")
    other_year = row("A", "7%", year=2026)
    assert one_per_cell([old, result, new, other_year]) == [other_year, new]


# ---- whole answers on the bundled corpus ------------------------------------------------
@pytest.fixture(scope="module")
def assistant(corpus_index):
    return Assistant(corpus_index)


def test_which_province_is_higher_compares_the_same_indicator(assistant):
    answer = assistant.ask("Tỉnh nào đặt mục tiêu kinh tế số năm 2030 cao hơn, Lai Châu hay Lào Cai?")
    assert "Lai Châu, năm 2030" in answer.answer and "Lào Cai, năm 2030" in answer.answer
    assert "Lào Cai cao hơn: tối thiểu 20% so với khoảng 9-10%" in answer.answer
    assert answer.grounded and guard.holds(answer.answer, answer.citations)
    assert {c.province for c in answer.citations} == {"Lai Châu", "Lào Cai"}
    for citation in answer.citations:   # every value is quoted from its cited passage
        assert citation.quote and citation.quote in citation.text


def test_a_ranking_over_provinces_names_none_in_the_question(assistant):
    answer = assistant.ask("Tỉnh nào có mục tiêu kinh tế số năm 2045 cao nhất?")
    assert "Lào Cai cao hơn: trên 40%" in answer.answer and "20%" in answer.answer


def test_a_province_over_the_years(assistant):
    answer = assistant.ask("Mục tiêu kinh tế số của Lai Châu các năm 2026, 2030 và 2045 là bao nhiêu?")
    assert "Qua các năm: 7% (năm 2026), khoảng 9-10% (năm 2030)" in answer.answer
    assert answer.grounded


def test_the_targets_of_a_province_for_a_year_are_listed(assistant):
    answer = assistant.ask("Mục tiêu năm 2030 của Lào Cai gồm những gì?")
    assert answer.answer.startswith("Các chỉ tiêu định lượng của Lào Cai cho năm 2030:")
    for value in ("20% GRDP", "trên 80%", "tối thiểu 50%", "gấp 2 lần"):
        assert value in answer.answer
    assert answer.grounded and all(c.province == "Lào Cai" for c in answer.citations)


def test_a_subject_no_target_speaks_of_is_not_answered_from_the_table(assistant):
    answer = assistant.ask("So sánh mục tiêu điện gió năm 2030 của Lai Châu và Lào Cai")
    assert "Lào Cai cao hơn" not in answer.answer and "Các mức" not in answer.answer
