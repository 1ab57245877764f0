"""eval: question sets in, metric reports out.

Public entry: `Evaluator(assistant, embedder, backend).run(questions) -> EvalRun`, with
`load_questions(path)` and `write_reports(run, out_dir)`.
"""

from .questions import EvalQuestion, LoadProblem, load_questions
from .report import check_bounds, compare, write_reports
from .runner import EvalRun, Evaluator

__all__ = ["Evaluator", "EvalRun", "EvalQuestion", "LoadProblem", "load_questions", "write_reports",
           "compare", "check_bounds"]
