"""HTML and Markdown views of an Answer. Every piece of document or user text is escaped:
documents and questions are always shown as text, never rendered as markup."""

from __future__ import annotations

import re
from html import escape

from assistant import Answer, Citation
from hoidap.messages import UNKNOWN_DATE, UNKNOWN_PROVINCE, grounding_badge

NOTICE_REFUSED = "Không tìm thấy câu trả lời trong tài liệu."
ERROR_MESSAGE = "Xin lỗi, đã có lỗi khi xử lý câu hỏi này. Vui lòng thử lại hoặc hỏi cách khác."
EMPTY_SOURCES = "<div class='hd-muted'>Nguồn trích dẫn sẽ hiện ở đây.</div>"

CSS = """
.hd-source{border:1px solid #d0d7de;border-radius:8px;padding:.6rem .8rem;margin:.5rem 0;background:#fafbfc}
.hd-source summary{cursor:pointer}
.hd-meta{color:#57606a;font-size:.85em;margin:.2rem 0}
.hd-source mark{background:#fff1a8;padding:0 .1em}
.hd-context{color:#57606a;font-style:italic}
.hd-badge{display:inline-block;border-radius:999px;padding:.15rem .7rem;font-weight:600;margin:.2rem 0}
.hd-ok{background:#dafbe1;color:#116329}.hd-warn{background:#fff8c5;color:#7d4e00}
.hd-notice{border-left:4px solid #bf8700;background:#fff8c5;padding:.4rem .7rem;margin:.3rem 0}
.hd-muted{color:#57606a}
.hd-targets table{border-collapse:collapse;width:100%}
.hd-targets th,.hd-targets td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}
.hd-targets thead th{background:#f6f8fa}
.hd-targets td a{font-weight:600;text-decoration:none}
.hd-demo, .hd-demo *{font-size:1.45rem !important;line-height:1.5}
.hd-demo-answer{font-size:1.7rem !important;font-weight:600}
"""


def status_html(answer: Answer) -> str:
    """The badge and any notice (refusal, LLM fallback) for one answer."""
    parts = []
    if answer.refused:
        parts.append(f"<div class='hd-notice'>{escape(NOTICE_REFUSED)}"
                     f"{' ' + escape(answer.notice) if answer.notice else ''}</div>")
    else:
        css, text = ("hd-ok" if answer.grounded else "hd-warn"), grounding_badge(answer.grounded)
        parts.append(f"<span class='hd-badge {css}'>{escape(text)}</span>")
        if answer.notice:
            parts.append(f"<div class='hd-notice'>{escape(answer.notice)}</div>")
    return "".join(parts)


def sources_html(answer: Answer) -> str:
    """Each citation: title, province, date and the passage with the quoted span
    highlighted; expanding it shows the whole chunk with its section lead."""
    if answer.refused:
        if not answer.related:
            return "<div class='hd-muted'>Không có đoạn văn liên quan.</div>"
        items = "".join(f"<li>{escape(h.document.title)} <span class='hd-meta'>({escape(h.chunk.chunk_id)})</span></li>"
                        for h in answer.related)
        return f"<div><b>Có thể liên quan:</b><ul>{items}</ul></div>"
    return "".join(_source(c) for c in answer.citations) or EMPTY_SOURCES


def _source(citation: Citation) -> str:
    before = citation.text[:citation.quote_start]
    after = citation.text[citation.quote_end:]
    context = (f"<div class='hd-context'>{escape(citation.context)}</div>" if citation.context else "")
    return (f"<details class='hd-source' data-n='{citation.n}'><summary>"
            f"<b>[{citation.n}] {escape(citation.source_label)}</b>"
            f"<div class='hd-meta'>{escape(citation.origin or UNKNOWN_PROVINCE)} · "
            f"{escape(citation.date_label or UNKNOWN_DATE)} · {escape(citation.doc_id)}</div>"
            f"<div>« <mark>{escape(citation.quote)}</mark> »</div></summary>"
            f"<div class='hd-meta'>Toàn đoạn:</div>{context}"
            f"<div>{escape(before)}<mark>{escape(citation.quote)}</mark>{escape(after)}</div></details>")


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MARKDOWN_BLOCK_START = re.compile(r"^(\d+)([.)])|^([#>+\-=])")


def markdown_text(text: str) -> str:
    """Text that any CommonMark renderer shows literally, on one line: HTML special
    characters become entities (no tag, no script runs), inline Markdown is
    backslash-escaped (no link, image, emphasis or code span), a leading list or heading
    mark is escaped, and line breaks become spaces."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", escape(" ".join(str(text).split()), quote=True))
    return _MARKDOWN_BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def handout_markdown(answer: Answer) -> str:
    md = markdown_text
    lines = ["# Hỏi đáp tài liệu", "", f"**Câu hỏi:** {md(answer.question)}", "",
             f"**Trả lời:** {md(answer.answer)}", ""]
    if not answer.refused:
        lines += [f"_{md(grounding_badge(answer.grounded))}_", ""]
    if answer.notice:
        lines += [f"> {md(answer.notice)}", ""]
    if answer.citations:
        lines += ["## Nguồn", ""]
        for c in answer.citations:
            lines += [f"\\[{c.n}\\] **{md(c.source_label)}** — {md(c.origin or UNKNOWN_PROVINCE)}, "
                      f"{md(c.date_label or UNKNOWN_DATE)} ({md(c.doc_id)})", "", f"> {md(c.quote)}", ""]
    return "\n".join(lines)


def handout_html(answer: Answer) -> str:
    """A printable page (A4, no scripts, no external assets)."""
    sources = "".join(
        f"<li><b>[{c.n}] {escape(c.source_label)}</b> — {escape(c.origin or UNKNOWN_PROVINCE)}, "
        f"{escape(c.date_label or UNKNOWN_DATE)}<blockquote>{escape(c.quote)}</blockquote></li>"
        for c in answer.citations)
    badge = "" if answer.refused else f"<p><i>{escape(grounding_badge(answer.grounded))}</i></p>"
    notice = f"<p class='notice'>{escape(answer.notice)}</p>" if answer.notice else ""
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Hỏi đáp tài liệu</title>"
            "<style>@page{size:A4;margin:18mm}body{font-family:serif;font-size:14pt;line-height:1.5}"
            "blockquote{border-left:3px solid #999;margin:.3em 0;padding-left:.8em}.notice{color:#7d4e00}"
            "</style></head><body><h1>Hỏi đáp tài liệu</h1>"
            f"<p><b>Câu hỏi:</b> {escape(answer.question)}</p><p><b>Trả lời:</b> {escape(answer.answer)}</p>"
            f"{badge}{notice}" + (f"<h2>Nguồn</h2><ol>{sources}</ol>" if sources else "") + "</body></html>")


def demo_answer_html(answer: Answer) -> str:
    return (f"<div class='hd-demo'><div class='hd-muted'>{escape(answer.question)}</div>"
            f"<div class='hd-demo-answer'>{escape(answer.answer)}</div>{status_html(answer)}</div>")


def demo_sources_html(answer: Answer) -> str:
    return f"<div class='hd-demo'>{sources_html(answer)}</div>"
