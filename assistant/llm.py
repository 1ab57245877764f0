"""Optional LLM backends through langchain chat models, held to the same guard.

The model sees the numbered retrieved passages and must cite them. Its answer is kept
only if every [n] names a given passage and every number occurs in a cited one; any
invented figure or citation, a backend error or a timeout returns the extractive
answer instead, with a Vietnamese notice saying why. A request never fails because of
the LLM.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import prompts
from hoidap.config import LLM_BACKENDS
from hoidap.messages import one_of
from index import SearchHit
from ingest.normalize import ascii_key

from . import guard
from .records import REFUSAL_MESSAGE, Answer, Citation

BACKENDS = LLM_BACKENDS
NOTICE_BACKEND_ERROR = ("Không dùng được mô hình ngôn ngữ ({reason}); "
                        "đây là câu trả lời trích trực tiếp từ tài liệu.")
NOTICE_UNGROUNDED = ("Câu trả lời của mô hình ngôn ngữ có số liệu hoặc trích dẫn không khớp với "
                     "tài liệu nguồn ({detail}); đây là câu trả lời trích trực tiếp từ tài liệu.")


class LLMError(ValueError):
    """Raised with a Vietnamese message for an unusable LLM configuration."""


@dataclass(frozen=True)
class LLMConfig:
    backend: str = "none"
    """"none" (extractive only), "openai" (any OpenAI-compatible server) or "ollama"."""
    base_url: str = ""
    """Server URL; default http://127.0.0.1:8080/v1 (openai) or http://127.0.0.1:11434 (ollama)."""
    model: str = ""
    """Model name as the server knows it."""
    api_key: str = ""
    """Key for hosted OpenAI-compatible APIs; local servers accept any."""
    timeout_s: float = 30.0
    """Seconds before a request is abandoned for the extractive answer."""


def make_chat_model(config: LLMConfig):
    """A langchain chat model for the configured backend, or None for "none"."""
    if config.backend == "none":
        return None
    if config.backend == "openai":
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr
        return ChatOpenAI(base_url=config.base_url or "http://127.0.0.1:8080/v1",
                          model=config.model or "local-model", api_key=SecretStr(config.api_key or "not-needed"),
                          timeout=config.timeout_s, max_retries=0, temperature=0, streaming=True)
    if config.backend == "ollama":
        from langchain_ollama import ChatOllama
        return ChatOllama(base_url=config.base_url or "http://127.0.0.1:11434",
                          model=config.model or "qwen2.5:3b", temperature=0,
                          client_kwargs={"timeout": config.timeout_s})
    raise LLMError(one_of("HOIDAP_LLM", config.backend, BACKENDS))


class LLMAnswerer:
    """Streams a chat model's answer over the retrieved passages, then guards it."""

    def __init__(self, chat_model, backend: str):
        self.chat_model = chat_model
        self.backend = backend

    def answer(self, question: str, parsed, hits: list[SearchHit], extractive: Answer
               ) -> Iterator[str | Answer]:
        """Yields the model's text as it arrives, then the final Answer — which is the
        extractive one when the model's text fails the guard (callers show the Answer)."""
        messages = prompts.answer_prompt().format_messages(
            question=parsed.text, refusal=REFUSAL_MESSAGE,
            passages=prompts.number_passages([(_heading(h), h.chunk.text) for h in hits]))
        pieces = []
        try:
            for chunk in self.chat_model.stream(messages):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    pieces.append(text)
                    yield text
        except Exception as err:  # network, timeout, HTTP and parsing errors all fall back
            yield _fallback(extractive, NOTICE_BACKEND_ERROR.format(reason=_reason(err)))
            return
        yield self._checked(question, parsed, hits, "".join(pieces).strip(), extractive)

    def _checked(self, question, parsed, hits, text: str, extractive: Answer) -> Answer:
        common = dict(question=question, backend=self.backend, retrieved=hits,
                      resolved_question=parsed.text, timings_ms=extractive.timings_ms)
        if REFUSAL_MESSAGE.rstrip(".") in text:
            return Answer(answer=REFUSAL_MESSAGE, refused=True, grounded=True, related=hits[:3], **common)
        citations = [_citation(n, hit, text) for n, hit in enumerate(hits, start=1)]
        markers = set(guard.cited_numbers(text))
        unknown = sorted(n for n in markers if n > len(hits) or n < 1)
        invented = guard.unsupported_numbers(text, citations)
        if not markers or unknown or invented:
            detail = ("không trích dẫn đoạn nào" if not markers else
                      f"trích dẫn đoạn không có: {unknown}" if unknown else f"số liệu không có trong nguồn: {invented}")
            return _fallback(extractive, NOTICE_UNGROUNDED.format(detail=detail))
        return Answer(answer=text, refused=False, grounded=True,
                      citations=[c for c in citations if c.n in markers], **common)


def _fallback(extractive: Answer, notice: str) -> Answer:
    extractive.notice = notice
    return extractive


def _reason(err: Exception) -> str:
    name = type(err).__name__
    if "timeout" in name.lower() or "timed out" in str(err).lower():
        return "hết thời gian chờ"
    if "connect" in name.lower() or "connection" in str(err).lower():
        return "không kết nối được máy chủ"
    return f"lỗi {name}"


def _heading(hit: SearchHit) -> str:
    document = hit.document
    parts = [document.title, ", ".join(document.provinces), document.date or ""]
    return " — ".join(p for p in parts if p) + (f"\n({hit.chunk.context})" if hit.chunk.context else "")


def _citation(n: int, hit: SearchHit, answer: str) -> Citation:
    """The passage with, as its quote, the sentence sharing most words with the answer."""
    words = set(re.findall(r"\w+", ascii_key(answer)))
    best = max(hit.chunk.sentences or ((hit.chunk.start, hit.chunk.end),),
               key=lambda s: len(words & set(re.findall(r"\w+", ascii_key(hit.document.text[s[0]:s[1]])))))
    return Citation.for_span(n, hit, *best)
