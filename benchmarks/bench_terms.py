"""How term statistics (assistant/terms.TermWeights) scale with the number of indexed chunks.

The bundled corpus's chunk tokens, repeated to N times the corpus, stand in for a large
index (document frequencies scale with N; the vocabulary does not). For each size: the
time to build TermWeights (what the assistant does after every index change) and the
time to weigh every key term of the public questions once (cold, as a new question
does). Median of --runs.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_terms.py [--sizes 1,100,1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.question import analyze  # noqa: E402
from assistant.terms import TermWeights, contains_term  # noqa: E402
from eval.questions import load_questions  # noqa: E402
from hoidap.config import BUNDLED_CORPUS  # noqa: E402
from index.units import plan_units  # noqa: E402
from ingest import Ingestor  # noqa: E402

PUBLIC = ROOT / "eval" / "questions" / "public.jsonl"


def chunk_tokens() -> list[list[str]]:
    result = Ingestor().run([str(p) for p in sorted(BUNDLED_CORPUS.glob("*.txt"))])
    plan = plan_units(result.chunks, {d.doc_id: d for d in result.documents})
    return [list(u.tokens) for u in plan.units if u.kind == "chunk"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = chunk_tokens()
    questions = [analyze(q.question) for q in load_questions(PUBLIC)[0]]
    terms = sorted({(t, q.accentless) for q in questions for t in q.key_terms})
    print(f"{len(base)} chunks in the bundled corpus; {len(terms)} distinct key terms in the public questions")
    print(f"{'size':>6}{'chunks':>10}{'build s':>10}{'weigh all terms s':>20}{'per term ms':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        # Distinct lists (as an index holds): the token strings are cached per tuple.
        chunks = [list(tokens) + [f"doc{copy}"] for copy in range(size) for tokens in base]
        builds, weighs = [], []
        for _ in range(args.runs):
            contains_term.cache_clear()
            started = time.perf_counter()
            weights = TermWeights(chunks)
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            for term, accentless in terms:
                weights.weight(term, accentless)
            weighs.append(time.perf_counter() - started)
        build, weigh = statistics.median(builds), statistics.median(weighs)
        print(f"{size:>5}x{len(chunks):>10}{build:>10.2f}{weigh:>20.2f}{1000 * weigh / len(terms):>13.2f}", flush=True)


if __name__ == "__main__":
    main()
