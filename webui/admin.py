"""The "Quản trị" tab: behind a password, upload documents into the index or remove them."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant import Assistant
from hoidap.messages import ADMIN_LOGIN_REQUIRED, EMBEDDING_PROGRESS, sync_counts
from ingest.readers import SUPPORTED_LABEL, SUPPORTED_SUFFIXES

from . import render
from .config import WebConfig
from .login import LoginGuard
from .session import SESSION_TTL_S
from .uploads import UploadFolder

UPLOAD_TYPES = list(SUPPORTED_SUFFIXES)


def _documents_table(assistant: Assistant) -> list[list]:
    index = assistant.index
    return [[d.doc_id, d.title, d.doc_type or "—", d.number or "—", d.issuer or ", ".join(d.provinces) or "—",
             d.date or "—", len(index.chunks_of(d.doc_id))]
            for d in sorted(index.documents, key=lambda d: d.doc_id)]


def admin_tab(assistant: Assistant, config: WebConfig) -> None:
    if not config.admin_password:
        gr.Markdown("Chức năng quản trị đang **tắt**. Đặt biến môi trường `HOIDAP_ADMIN_PASSWORD` "
                    "rồi khởi động lại để bật.", elem_id="admin-disabled")
        return
    if config.ingest is None or config.remove is None:
        gr.Markdown("Chức năng quản trị đang **tắt**: máy chủ này mở chỉ mục ở chế độ chỉ đọc.",
                    elem_id="admin-disabled")
        return
    ingest, remove_documents = config.ingest, config.remove
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
        result, report = ingest(
            [str(u.path) for u in kept], lambda done, total: progress((done, total), desc=EMBEDDING_PROGRESS),
            lambda source, done, total: progress((done, total), desc=f"OCR {names.get(source, Path(source).name)}"))
        replaced = []
        for upload in kept:
            earlier = [d for d in folder.same_name(upload) if d != upload.doc_id]
            if earlier and replace_same_name and upload.doc_id in {d.doc_id for d in result.documents}:
                remove_documents(earlier)
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
        report = remove_documents([doc_id])
        assistant.refresh()
        return refreshed(f"Đã xóa {doc_id}." if report.removed else f"Không có tài liệu {doc_id}.")

    add.click(do_add, [unlocked, uploads, replace], [documents, to_remove, admin_status], api_visibility="private")
    remove.click(do_remove, [unlocked, to_remove], [documents, to_remove, admin_status], api_visibility="private")
