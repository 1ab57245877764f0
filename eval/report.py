"""Writes report.json, report.md and a self-contained report.html (inline SVG, no
network), compares two runs and checks --min/--max bounds."""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from pathlib import Path

from .metrics import QuestionResult
from .runner import EvalRun

RATE_METRICS = ["hit_at_1", "hit_at_5", "mrr_at_10", "fact_chunk_at_5", "fact_recall",
                "citation_precision", "refusal_accuracy", "false_refusal_rate", "numeric_faithfulness"]
LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms", "median_answer_words"}


def correct(result: QuestionResult) -> bool:
    """A question passes when answered with every fact (answerable) or refused (not)."""
    ok = result.fact_recall if result.answerable else result.refused
    return bool(ok and result.grounded)


def write_reports(run: EvalRun, out_dir: Path, baseline: dict | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    paths[0].write_text(json.dumps(run.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    comparison = compare(baseline, run.to_json()) if baseline else None
    paths[1].write_text(markdown(run, comparison), encoding="utf-8")
    paths[2].write_text(html(run, comparison), encoding="utf-8")
    return paths


def compare(before: dict, after: dict) -> dict:
    """Summary side by side and the questions that got worse (by id)."""
    old = {q["id"]: q for q in before.get("questions", [])}
    worse = []
    for q in after["questions"]:
        previous = old.get(q["id"])
        if previous is None:
            continue
        lost = [key for key in ("fact_recall", "refusal_correct", "grounded", "hit_at_5")
                if previous.get(key) is True and q.get(key) is False]
        if lost:
            worse.append({"id": q["id"], "question": q["question"], "lost": lost,
                          "before": previous["answer"], "after": q["answer"]})
    keys = [k for k in after["summary"] if isinstance(after["summary"][k], (int, float))]
    rows = [(k, before["summary"].get(k), after["summary"][k]) for k in keys]
    return {"rows": rows, "worse": worse,
            "labels": (_label(before["summary"]), _label(after["summary"]))}


def _label(summary: dict) -> str:
    return f"{summary.get('embedder', '?')} / {summary.get('backend', '?')} / {summary.get('created_at', '')}"


def check_bounds(summary: dict, minimums: dict[str, float], maximums: dict[str, float]) -> list[str]:
    """Vietnamese messages for every bound the summary breaks (empty: all met)."""
    broken = []
    for name, bound in minimums.items():
        value = summary.get(name)
        if not isinstance(value, (int, float)):
            broken.append(f"không có chỉ số '{name}' trong báo cáo")
        elif value < bound:
            broken.append(f"{name} = {value} thấp hơn ngưỡng tối thiểu {bound}")
    for name, bound in maximums.items():
        value = summary.get(name)
        if not isinstance(value, (int, float)):
            broken.append(f"không có chỉ số '{name}' trong báo cáo")
        elif value > bound:
            broken.append(f"{name} = {value} cao hơn ngưỡng tối đa {bound}")
    return broken


def tag_breakdown(results: list[QuestionResult]) -> list[tuple[str, int, float]]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        for tag in result.tags or ["(không nhãn)"]:
            groups[tag].append(correct(result))
    return sorted(((tag, len(v), sum(v) / len(v)) for tag, v in groups.items()), key=lambda t: t[0])


# ---- Markdown ------------------------------------------------------------------------
def markdown(run: EvalRun, comparison: dict | None) -> str:
    s = run.summary
    lines = ["# Báo cáo đánh giá hoidap", "",
             f"Bộ nhúng `{s['embedder']}`, mô hình `{s['backend']}`, chỉ mục `{s.get('index_backend', 'local')}`, "
             f"k = {s['k']}, "
             f"kho `{s['corpus_hash']}`, lúc {s['created_at']}.", "",
             "| chỉ số | giá trị |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in s.items() if k not in ("embedder", "backend", "index_backend", "k",
                                                                  "corpus_hash", "created_at")]
    lines += ["", "## Theo nhãn", "", "| nhãn | số câu | đạt |", "|---|---|---|"]
    lines += [f"| {tag} | {n} | {share:.0%} |" for tag, n, share in tag_breakdown(run.results)]
    if comparison:
        lines += ["", "## So sánh", "",
                  f"| chỉ số | trước ({comparison['labels'][0]}) | sau ({comparison['labels'][1]}) |",
                  "|---|---|---|"]
        lines += [f"| {k} | {a} | {b} |" for k, a, b in comparison["rows"]]
        lines += ["", f"Câu hỏi kém đi: {len(comparison['worse'])}", ""]
        lines += [f"- `{w['id']}` {w['question']} — mất: {', '.join(w['lost'])}" for w in comparison["worse"]]
    failures = [r for r in run.results if not correct(r)]
    lines += ["", f"## Câu chưa đạt ({len(failures)})", ""]
    for result in failures:
        lines += [f"### `{result.id}` {result.question}", "",
                  f"- Trả lời: {result.answer}",
                  f"- Từ chối: {'có' if result.refused else 'không'} · phải từ chối: "
                  f"{'không' if result.answerable else 'có'} · "
                  f"số liệu khớp nguồn: {'có' if result.grounded else 'không'}",
                  f"- Dữ kiện cần có: {_facts_text(run, result.id)}",
                  "- Đoạn văn truy xuất:"]
        lines += [f"  {i}. `{d}` {t[:300]}" for i, (d, t) in
                  enumerate(zip(result.retrieved_doc_ids[:5], result.retrieved_texts[:5]), start=1)]
        lines.append("")
    return "\n".join(lines) + "\n"


def _facts_text(run: EvalRun, question_id: str) -> str:
    facts = run.facts.get(question_id, [])
    return " và ".join("(" + " hoặc ".join(f"«{a}»" for a in group) + ")" for group in facts) or "— (phải từ chối)"


# ---- HTML ----------------------------------------------------------------------------
_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.fail{border:1px solid #e0b4b4;background:#fff6f6;padding:.6rem 1rem;margin:1rem 0;border-radius:6px}
.passage{color:#444;font-size:.9rem;margin:.2rem 0}h2{margin-top:2rem}.muted{color:#666}"""


def html(run: EvalRun, comparison: dict | None) -> str:
    s = run.summary
    parts = [f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Báo cáo đánh giá hoidap</title>"
             f"<style>{_CSS}</style></head><body><h1>Báo cáo đánh giá hoidap</h1>",
             f"<p class='muted'>Bộ nhúng <b>{escape(str(s['embedder']))}</b>, "
             f"mô hình <b>{escape(str(s['backend']))}</b>, "
             f"chỉ mục <b>{escape(str(s.get('index_backend', 'local')))}</b>, "
             f"k = {s['k']}, kho {escape(str(s['corpus_hash']))}, lúc {escape(str(s['created_at']))}; "
             f"{s['n_questions']} câu hỏi ({s['n_answerable']} trả lời được).</p>",
             "<h2>Chỉ số</h2>", _bar_chart([(k, float(s[k])) for k in RATE_METRICS], 1.0, "{:.0%}"),
             "<table><tr><th>chỉ số</th><th>giá trị</th></tr>",
             *[f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in s.items()],
             "</table>", "<h2>Độ trễ mỗi câu (ms)</h2>", _histogram([r.latency_ms for r in run.results]),
             "<h2>Theo nhãn (tỷ lệ câu đạt)</h2>",
             _bar_chart([(f"{tag} ({n})", share) for tag, n, share in tag_breakdown(run.results)], 1.0, "{:.0%}")]
    if comparison:
        parts += ["<h2>So sánh hai lần chạy</h2><table><tr><th>chỉ số</th>",
                  f"<th>trước: {escape(comparison['labels'][0])}</th>"
                  f"<th>sau: {escape(comparison['labels'][1])}</th></tr>",
                  *[f"<tr><td>{escape(k)}</td><td>{escape(str(a))}</td><td>{escape(str(b))}</td></tr>"
                    for k, a, b in comparison["rows"]], "</table>",
                  f"<p>Câu hỏi kém đi: {len(comparison['worse'])}</p><ul>",
                  *[f"<li><code>{escape(w['id'])}</code> {escape(w['question'])} — mất {escape(', '.join(w['lost']))}"
                    f"<div class='passage'>trước: {escape(w['before'])}</div>"
                    f"<div class='passage'>sau: {escape(w['after'])}</div></li>"
                    for w in comparison["worse"]], "</ul>"]
    failures = [r for r in run.results if not correct(r)]
    parts.append(f"<h2>Câu chưa đạt ({len(failures)})</h2>")
    for r in failures:
        passages = "".join(f"<div class='passage'>{i}. <code>{escape(d)}</code> {escape(t[:400])}</div>"
                           for i, (d, t) in enumerate(zip(r.retrieved_doc_ids[:5], r.retrieved_texts[:5]), start=1))
        parts.append(f"<div class='fail'><b><code>{escape(r.id)}</code> {escape(r.question)}</b>"
                     f"<p>Trả lời: {escape(r.answer)}</p><p>Dữ kiện cần có: {escape(_facts_text(run, r.id))} · "
                     f"từ chối: {'có' if r.refused else 'không'} · "
                     f"số liệu khớp nguồn: {'có' if r.grounded else 'không'}</p>"
                     f"{passages}</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _bar_chart(items: list[tuple[str, float]], maximum: float, fmt: str) -> str:
    row, label_w, bar_w = 24, 260, 420
    height = row * len(items) + 10
    bars = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        width = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * bar_w
        bars.append(f"<text x='{label_w - 8}' y='{y + 15}' text-anchor='end' font-size='13'>{escape(label)}</text>"
                    f"<rect x='{label_w}' y='{y + 3}' width='{width:.1f}' height='16' fill='#3b7dd8'/>"
                    f"<text x='{label_w + width + 6:.1f}' y='{y + 15}' "
                    f"font-size='12'>{escape(fmt.format(value))}</text>")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{label_w + bar_w + 60}' height='{height}' role='img'>"
            + "".join(bars) + "</svg>")


def _histogram(values: list[float], bins: int = 12) -> str:
    if not values:
        return "<p>—</p>"
    top = max(values)
    width = max(top / bins, 1e-9)
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int(value / width))] += 1
    chart_h, bar_w = 160, 44
    peak = max(counts)
    bars = []
    for i, count in enumerate(counts):
        h = chart_h * count / peak
        x = 40 + i * bar_w
        bars.append(f"<rect x='{x}' y='{10 + chart_h - h:.1f}' width='{bar_w - 4}' height='{h:.1f}' fill='#d8893b'/>"
                    f"<text x='{x + bar_w / 2 - 2}' y='{chart_h + 26}' "
                    f"text-anchor='middle' font-size='10'>{i * width:.0f}</text>"
                    f"<text x='{x + bar_w / 2 - 2}' y='{6 + chart_h - h:.1f}' "
                    f"text-anchor='middle' font-size='10'>{count or ''}</text>")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{40 + bins * bar_w + 20}' "
            f"height='{chart_h + 40}' role='img'>"
            + "".join(bars) + "</svg>")
