"""The Gradio app: chat for officials, "Trình chiếu" for trainers, "Chỉ tiêu" (the table
of targets), "Quản trị" for the documents. The index and models are loaded once by the caller and
shared by all sessions."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import gradio as gr

from assistant import Answer, Assistant, QuestionError
from hoidap.messages import ADMIN_LOGIN_REQUIRED, EMBEDDING_PROGRESS, sync_counts
from index import IndexDamagedError, SyncReport
from index.store import REBUILD_HINT
from ingest import IngestResult
from ingest.normalize import valid_text
from ingest.readers import SUPPORTED_LABEL, SUPPORTED_SUFFIXES

from . import render
from .feedback import FeedbackError, FeedbackLog
from .login import LoginGuard
from .targets_tab import targets_on_screen, targets_tab
from .uploads import UploadFolder

log = logging.getLogger("hoidap.webui")
ALL_PROVINCES = "Tất cả"
UPLOAD_TYPES = list(SUPPORTED_SUFFIXES)
CHAT_TURNS_KEPT = 20   # answers a session keeps for follow-ups and feedback
SESSION_TTL_S = 6 * 3600   # a closed tab's state is freed after this long


# Adds files to the served index: (paths, on_progress(done, total), on_page(source, pages OCR'd,
# pages to OCR)) -> (IngestResult, SyncReport). The caller builds it (hoidap/runtime.py).
Ingest = Callable[..., tuple[IngestResult, SyncReport]]


@dataclass(frozen=True)
class WebConfig:
    feedback_path: Path
    """JSONL file that 👍/👎 feedback is appended to."""
    demo_questions_path: Path
    """Editable file of example questions for "Trình chiếu" (one per line, # comments)."""
    upload_dir: Path
    """Where uploaded documents are kept (their source files, so nothing is lost)."""
    admin_password: str = ""
    """Unlocks the admin tab; empty disables it (there is no default password)."""
    concurrency: int = 4
    """Requests answered at once; more wait in Gradio's queue."""
    max_upload_mb: int = 20
    """Largest file accepted by the upload endpoint (Gradio refuses bigger ones)."""
    max_comment_chars: int = 2000
    """Longest feedback comment."""
    feedback_max_mb: int = 10
    """Feedback file size before it is rotated (5 files kept)."""
    ingest: Ingest | None = None
    """Adds uploaded files to the index (None: the admin tab cannot add)."""
    remove: Callable[[list[str]], SyncReport] | None = None
    """Removes documents from the index."""


def as_text(text: str) -> str:
    """Chat message content that displays exactly the given characters."""
    return escape(text, quote=False)


def load_demo_questions(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def build_app(assistant: Assistant, config: WebConfig) -> gr.Blocks:
    feedback = FeedbackLog(config.feedback_path, max_comment_chars=config.max_comment_chars,
                           max_bytes=config.feedback_max_mb * 2**20)

    with gr.Blocks(title="Hỏi đáp tài liệu chính sách") as app:
        gr.Markdown("## Hỏi đáp tài liệu chính sách\nTrả lời từ các văn bản đã lập chỉ mục, có trích dẫn nguồn.")
        with gr.Tab("Hỏi đáp", id="chat"):
            _chat_tab(assistant, feedback)
        with gr.Tab("Trình chiếu", id="demo"):
            _demo_tab(assistant, config)
            targets_on_screen(assistant.targets)
        with gr.Tab("Chỉ tiêu", id="targets"):
            targets_tab(assistant.targets, lambda: index_banner(assistant))
        with gr.Tab("Quản trị", id="admin"):
            _admin_tab(assistant, config)
    return app


# ---- chat ------------------------------------------------------------------------------
def _province_choices(assistant: Assistant) -> list[str]:
    return [ALL_PROVINCES] + assistant.index.provinces()


def for_session(answer: Answer) -> Answer:
    """What a session keeps of an answer (follow-ups, feedback, handouts): without the
    retrieved passages and their scores, ~20× smaller. Sessions live for hours; a server
    keeping every answer whole grew ~130 MiB per 1,000 requests (benchmarks/bench_load.py)."""
    return replace(answer, retrieved=[], related=[])


def index_banner(assistant: Assistant) -> str:
    """"" normally; a warning when the index on disk changed and cannot be read (the
    generation already loaded keeps answering)."""
    try:
        assistant.index.reload_if_changed()   # a CLI ingest or another worker wrote
    except IndexDamagedError as err:
        log.error("index on disk is damaged: %s", err)
        # The reason, without the server's folders (like the demo tab, the page shows none).
        reason = err.reason.replace(str(err.index_dir.resolve()), "…").replace(str(err.index_dir), "…")
        return (f"<div class='hd-notice' id='index-damaged'>Chỉ mục trên máy chủ bị hỏng ({escape(reason)}); "
                f"người quản trị cần xây lại bằng '{REBUILD_HINT}'. "
                "Trang vẫn trả lời từ bản chỉ mục đã nạp trước đó.</div>")
    return ""


def _chat_tab(assistant: Assistant, feedback: FeedbackLog) -> None:
    answers = gr.State([], time_to_live=SESSION_TTL_S)
    with gr.Row():
        with gr.Column(scale=3):
            province = gr.Dropdown(_province_choices(assistant), value=ALL_PROVINCES, label="Tỉnh",
                                   interactive=True, elem_id="province")
            # Messages are escaped by us (as_text): Gradio still renders HTML tags in chat
            # messages even without markdown, and documents/questions must show as text.
            chatbot = gr.Chatbot(label="Hội thoại", height=460, render_markdown=False, sanitize_html=True,
                                 allow_tags=False, feedback_options=None, elem_id="chatbot",
                                 placeholder="Hãy đặt câu hỏi về các văn bản, ví dụ: "
                                             "«Mục tiêu kinh tế số của Lào Cai đến năm 2030?»")
            status = gr.HTML(elem_id="status")
            with gr.Row():
                question = gr.Textbox(placeholder="Nhập câu hỏi rồi bấm Gửi…", show_label=False, scale=5,
                                      elem_id="question", lines=1, max_lines=4)
                send = gr.Button("Gửi", variant="primary", scale=1, elem_id="send")
            with gr.Row():
                new_chat = gr.Button("Cuộc hội thoại mới", elem_id="new-chat")
                up = gr.Button("👍 Hữu ích", elem_id="thumbs-up")
                down = gr.Button("👎 Chưa đúng", elem_id="thumbs-down")
            comment = gr.Textbox(label="Góp ý thêm (không bắt buộc)", lines=1, elem_id="comment")
            thanks = gr.Markdown(elem_id="feedback-status")
        with gr.Column(scale=2):
            gr.Markdown("### Nguồn trích dẫn")
            sources = gr.HTML(render.EMPTY_SOURCES, elem_id="sources")

    def respond(message, history, previous, chosen):
        message = valid_text(message or "").strip()
        if not message:
            yield history, gr.update(), gr.update(), previous, ""
            return
        history = list(history or []) + [{"role": "user", "content": as_text(message[:300])},
                                         {"role": "assistant", "content": ""}]
        banner = index_banner(assistant)
        if assistant.llm is not None:   # an extractive answer takes ~40 ms: no placeholder
            yield history, "<div class='hd-muted'>Đang tìm trong tài liệu…</div>", banner, previous, ""
        try:
            final = None
            for event in assistant.stream(message, history=previous,
                                          province=None if chosen in (None, ALL_PROVINCES) else chosen):
                if isinstance(event, Answer):
                    final = event
                elif assistant.llm is not None:   # an LLM's tokens, shown as they come
                    history[-1]["content"] += as_text(event)
                    yield history, gr.update(), "", previous, ""
            history[-1]["content"] = as_text(final.answer)
            kept = (list(previous or []) + [for_session(final)])[-CHAT_TURNS_KEPT:]
            yield history, render.sources_html(final), banner + render.status_html(final), kept, ""
        except QuestionError as err:   # too long, empty: the user can fix it
            history[-1]["content"] = as_text(str(err))
            yield history, render.EMPTY_SOURCES, banner, previous, message
        except Exception:  # the app keeps serving; the user sees a Vietnamese message
            log.exception("request failed: %r", message)
            history[-1]["content"] = render.ERROR_MESSAGE
            yield history, render.EMPTY_SOURCES, "", previous, ""

    def respond_at_once(message, history, previous, chosen):
        *_, last = respond(message, history, previous, chosen)
        return last

    # Without an LLM there is nothing to stream: a plain function costs Gradio one thread
    # hop per answer instead of one per step of a generator.
    handler = respond if assistant.llm is not None else respond_at_once
    outputs = [chatbot, sources, status, answers, question]
    send.click(handler, [question, chatbot, answers, province], outputs, api_name="ask")
    question.submit(handler, [question, chatbot, answers, province], outputs, api_visibility="private")
    new_chat.click(lambda: ([], render.EMPTY_SOURCES, "", [], "", ""), None,
                   [chatbot, sources, status, answers, question, thanks], api_name="new_conversation")

    def rate(rating):
        def handler(previous, text):
            if not previous:
                return "Chưa có câu trả lời nào để góp ý.", text
            try:
                feedback.record(previous[-1], rating, valid_text(text or ""))
            except FeedbackError as err:
                return str(err), text
            return "Cảm ơn góp ý của bạn!", ""
        return handler

    up.click(rate("up"), [answers, comment], [thanks, comment], api_name="feedback_up")
    down.click(rate("down"), [answers, comment], [thanks, comment], api_name="feedback_down")


# ---- demo (trainers) -------------------------------------------------------------------
def _demo_tab(assistant: Assistant, config: WebConfig) -> None:
    questions = load_demo_questions(config.demo_questions_path)
    last = gr.State(None, time_to_live=SESSION_TTL_S)
    # The file's name only: the server's folders are nobody's business in a lecture hall.
    gr.Markdown(f"Bấm một câu hỏi mẫu để hỏi. Danh sách lấy từ tệp `{config.demo_questions_path.name}` "
                "(sửa tệp rồi tải lại trang để cập nhật).", elem_classes=["hd-muted"])
    examples = gr.Dataset(components=[gr.Textbox(visible=False)], samples=[[q] for q in questions],
                          label="Câu hỏi mẫu", layout="table", samples_per_page=20, elem_id="demo-examples",
                          elem_classes=["hd-demo"])
    with gr.Row():
        demo_question = gr.Textbox(placeholder="Hoặc nhập câu hỏi…", show_label=False, scale=5,
                                   elem_id="demo-question", elem_classes=["hd-demo"])
        demo_send = gr.Button("Hỏi", variant="primary", scale=1, elem_id="demo-send")
    with gr.Row(equal_height=False):
        answer_view = gr.HTML("<div class='hd-demo hd-muted'>Câu trả lời hiện ở đây.</div>", elem_id="demo-answer")
        source_view = gr.HTML("<div class='hd-demo hd-muted'>Nguồn hiện ở đây.</div>", elem_id="demo-sources")
    with gr.Row():
        export_md = gr.Button("Tải tài liệu phát tay (Markdown)", elem_id="export-md")
        export_html = gr.Button("Tải bản in (HTML)", elem_id="export-html")
    handout = gr.File(label="Tài liệu phát tay", interactive=False, elem_id="handout")

    def ask(text):
        text = valid_text(text or "").strip()
        if not text:
            return gr.update(), gr.update(), None
        banner = index_banner(assistant)
        try:
            answer = assistant.ask(text)
        except QuestionError as err:
            return f"<div class='hd-demo'>{escape(str(err))}</div>", "", None
        except Exception:
            log.exception("demo request failed: %r", text)
            return f"<div class='hd-demo'>{render.ERROR_MESSAGE}</div>", "", None
        return banner + render.demo_answer_html(answer), render.demo_sources_html(answer), for_session(answer)

    examples.click(lambda sample: ask(sample[0]), examples, [answer_view, source_view, last], api_name="demo_example")
    demo_send.click(ask, demo_question, [answer_view, source_view, last], api_name="demo_ask")
    demo_question.submit(ask, demo_question, [answer_view, source_view, last], api_visibility="private")

    def export(answer, kind):
        if answer is None:
            gr.Warning("Hãy hỏi một câu trước khi tải tài liệu phát tay.")
            return None
        folder = Path(tempfile.mkdtemp(prefix="hoidap-handout-"))
        name = re.sub(r"[^\w]+", "-", answer.question.lower()).strip("-")[:50] or "hoi-dap"
        path = folder / f"{name}.{'md' if kind == 'md' else 'html'}"
        path.write_text(render.handout_markdown(answer) if kind == "md" else render.handout_html(answer),
                        encoding="utf-8")
        return str(path)

    export_md.click(lambda a: export(a, "md"), last, handout, api_name="export_markdown")
    export_html.click(lambda a: export(a, "html"), last, handout, api_name="export_html")


# ---- admin -----------------------------------------------------------------------------
def _documents_table(assistant: Assistant) -> list[list]:
    index = assistant.index
    return [[d.doc_id, d.title, d.doc_type or "—", d.number or "—", d.issuer or ", ".join(d.provinces) or "—",
             d.date or "—", len(index.chunks_of(d.doc_id))]
            for d in sorted(index.documents, key=lambda d: d.doc_id)]


def _admin_tab(assistant: Assistant, config: WebConfig) -> None:
    if not config.admin_password:
        gr.Markdown("Chức năng quản trị đang **tắt**. Đặt biến môi trường `HOIDAP_ADMIN_PASSWORD` "
                    "rồi khởi động lại để bật.", elem_id="admin-disabled")
        return
    unlocked = gr.State(False, time_to_live=SESSION_TTL_S)
    guard = LoginGuard(config.admin_password)
    folder = UploadFolder(config.upload_dir, tuple(UPLOAD_TYPES))
    with gr.Column(visible=True) as login_box:
        password = gr.Textbox(label="Mật khẩu quản trị", type="password", elem_id="admin-password")
        login = gr.Button("Đăng nhập", elem_id="admin-login")
        login_status = gr.Markdown(elem_id="admin-login-status")
    with gr.Column(visible=False) as panel:
        documents = gr.Dataframe(headers=["Mã tài liệu", "Tiêu đề", "Loại", "Số/ký hiệu", "Cơ quan ban hành / tỉnh",
                                          "Ngày", "Số đoạn"],
                                 value=_documents_table(assistant), interactive=False, wrap=True,
                                 label="Tài liệu đã lập chỉ mục", elem_id="admin-documents")
        uploads = gr.File(file_count="multiple", file_types=UPLOAD_TYPES,
                          label=f"Tải lên tệp {SUPPORTED_LABEL} (PDF scan được đọc bằng OCR)",
                          elem_id="admin-upload")
        replace = gr.Checkbox(False, label="Thay thế tài liệu đã tải lên trước đây có cùng tên tệp",
                              elem_id="admin-replace")
        add = gr.Button("Thêm vào chỉ mục", variant="primary", elem_id="admin-add")
        with gr.Row():
            to_remove = gr.Dropdown([d.doc_id for d in assistant.index.documents], label="Tài liệu cần xóa",
                                    elem_id="admin-remove-choice")
            remove = gr.Button("Xóa tài liệu", variant="stop", elem_id="admin-remove")
        admin_status = gr.Markdown(elem_id="admin-status")

    def do_login(text, request: gr.Request):
        client = getattr(getattr(request, "client", None), "host", None) or "?"
        ok, message = guard.attempt(client, text or "")
        if not ok:
            return False, message, gr.update(), gr.update(visible=False), ""
        return True, "", gr.update(visible=False), gr.update(visible=True), ""

    login.click(do_login, password, [unlocked, login_status, login_box, panel, password], api_visibility="private")

    def refreshed(message):
        ids = [d.doc_id for d in assistant.index.documents]
        return _documents_table(assistant), gr.update(choices=ids, value=None), message

    def do_add(is_unlocked, files, replace_same_name, progress=gr.Progress()):
        if not is_unlocked:
            return gr.update(), gr.update(), ADMIN_LOGIN_REQUIRED
        if not files:
            return gr.update(), gr.update(), "Chưa chọn tệp nào."
        kept, lines = [], []
        for item in files:
            source = Path(getattr(item, "name", item))
            original = getattr(item, "orig_name", None) or source.name
            if source.stat().st_size > config.max_upload_mb * 2**20:
                lines.append(f"- Bỏ qua {render.markdown_text(original)}: tệp lớn hơn {config.max_upload_mb} MB.")
                continue
            try:
                kept.append(folder.keep(source, original))   # the index never owns the only copy
            except ValueError as err:
                lines.append(f"- Bỏ qua {render.markdown_text(original)}: {render.markdown_text(str(err))}")
        if not kept:
            return gr.update(), gr.update(), "\n".join(lines or [f"Chỉ nhận tệp {SUPPORTED_LABEL}."])
        progress(0, desc="Đang làm sạch và lập chỉ mục…")
        names = {str(u.path): u.original_name for u in kept}
        result, report = config.ingest(
            [str(u.path) for u in kept], lambda done, total: progress((done, total), desc=EMBEDDING_PROGRESS),
            lambda source, done, total: progress((done, total), desc=f"OCR {names.get(source, Path(source).name)}"))
        replaced = []
        for upload in kept:
            earlier = [d for d in folder.same_name(upload) if d != upload.doc_id]
            if earlier and replace_same_name and upload.doc_id in {d.doc_id for d in result.documents}:
                config.remove(earlier)
                for doc_id in earlier:
                    folder.retire(doc_id)
                replaced += earlier
            elif earlier:
                lines.append(f"- {render.markdown_text(upload.original_name)}: đã có tài liệu tải lên cùng tên "
                             f"({render.markdown_text(', '.join(earlier))}); "
                             "bản mới được thêm riêng. Đánh dấu «Thay thế…» để thay bản cũ.")
        assistant.refresh()
        summary = (f"Đã {sync_counts(len(report.added), len(report.updated), len(report.unchanged))} "
                   f"tài liệu ({report.embedded_units} mục được nhúng)"
                   + (f"; thay thế {', '.join(replaced)}." if replaced else "."))
        lines += [f"- Bỏ qua {render.markdown_text(names.get(p.source, Path(p.source).name))}: "
                  f"{render.markdown_text(p.message)}" for p in result.problems]
        return refreshed("\n".join([summary] + lines))

    def do_remove(is_unlocked, doc_id):
        if not is_unlocked:
            return gr.update(), gr.update(), ADMIN_LOGIN_REQUIRED
        if not doc_id:
            return gr.update(), gr.update(), "Hãy chọn tài liệu cần xóa."
        report = config.remove([doc_id])
        assistant.refresh()
        return refreshed(f"Đã xóa {doc_id}." if report.removed else f"Không có tài liệu {doc_id}.")

    add.click(do_add, [unlocked, uploads, replace], [documents, to_remove, admin_status], api_visibility="private")
    remove.click(do_remove, [unlocked, to_remove], [documents, to_remove, admin_status], api_visibility="private")
