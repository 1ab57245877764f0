"""The only door to underthesea in hoidap.

`import underthesea` eagerly imports every optional pipeline it can find; with
transformers installed (sentence-transformers needs it) its translator pulls in
transformers and torch: ~6 s and ~300 MB on every start of a commune laptop, for
features hoidap never uses. A None entry in sys.modules makes an import raise
ImportError, which underthesea already treats as "optional pipeline not installed".
"""

from __future__ import annotations

import sys

_UNUSED_PIPELINES = ("classification", "sentiment", "lang_detect", "dependency_parse", "translate")

if "underthesea" not in sys.modules:
    for _name in _UNUSED_PIPELINES:
        sys.modules.setdefault(f"underthesea.pipeline.{_name}", None)  # type: ignore[arg-type]
    sys.modules.setdefault("underthesea.agent", None)  # type: ignore[arg-type]
    sys.modules.setdefault("underthesea.address", None)  # type: ignore[arg-type]

from underthesea import sent_tokenize, word_tokenize  # noqa: E402
from underthesea.pipeline.text_normalize import token_normalize  # noqa: E402

__all__ = ["sent_tokenize", "word_tokenize", "token_normalize"]
