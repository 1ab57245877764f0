"""The comparison sentence is built only from figures the quotes hold (hand-built candidates)."""

import pytest

from assistant.compose import Statement, comparison_sentence
from assistant.evidence import Candidate
from ingest import Frame


def statement(label: str, text: str) -> Statement:
    candidate = Candidate(hit=None, start=0, end=len(text), kind="sentence", text=text, frame=Frame(), score=0.0,
                          gate=0.0, type_fit=1.0, overlap=1.0, dense=0.9)
    return Statement(candidate, label=label)


@pytest.mark.parametrize("a, b, expected", [
    ("kinh tế số chiếm khoảng 9-10% GRDP", "Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh.",
     "Lào Cai cao hơn: 20% so với 9-10%."),
    ("Kinh tế số chiếm trên 40% GRDP của tỉnh năm 2045.", "kinh tế số chiếm tối thiểu 20% GRDP",
     "Lai Châu cao hơn: 40% so với 20%."),
    ("80% giao dịch không dùng tiền mặt", "giao dịch không dùng tiền mặt đạt tỷ lệ 80%", "Hai mức như nhau: 80%."),
    ("tỷ lệ khoảng 9-10%", "tỷ lệ khoảng 10%", ""),          # overlapping: no verdict
    ("năm 2030 đạt mức cao", "đạt 20% GRDP", ""),              # a year is not a figure to compare
])
def test_comparison_sentence(a, b, expected):
    assert comparison_sentence([statement("Lai Châu", a), statement("Lào Cai", b)]) == expected
