"""LLM backends end to end against local HTTP servers speaking the OpenAI and Ollama
protocols (the only test doubles: they stand in for an LLM server at the network edge)."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant import Assistant, LLMAnswerer, LLMConfig, LLMError, make_chat_model

QUESTION = "Mục tiêu kinh tế số của Lào Cai đến năm 2030 là bao nhiêu?"


def passage_number(prompt: str, needle: str) -> int:
    """The [n] of the numbered passage that contains `needle`."""
    blocks = re.split(r"\n\n(?=\[\d+\] )", prompt.split("Các đoạn văn:\n", 1)[1])
    return next(int(re.match(r"\[(\d+)\]", b).group(1)) for b in blocks if needle in b)


def reply_for(scenario: str, prompt: str) -> str:
    n = passage_number(prompt, "tối thiểu 20% GRDP")
    return {
        "good": f"Lào Cai đặt mục tiêu kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh [{n}].",
        "invented": f"Lào Cai đặt mục tiêu kinh tế số đóng góp 35% GRDP của tỉnh [{n}].",
        "bad-citation": "Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh [9].",
        "refuse": "Không tìm thấy thông tin này trong các tài liệu hiện có.",
    }[scenario]


class LLMServer(BaseHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        LLMServer.requests.append((self.path, body))
        scenario = body["model"]
        if scenario == "timeout":
            time.sleep(3)
        prompt = "\n".join(m["content"] for m in body["messages"])
        words = re.findall(r"\S+\s*", reply_for(scenario if scenario != "timeout" else "good", prompt))
        try:
            if self.path.endswith("/chat/completions"):
                self._openai_stream(words)
            else:
                self._ollama_stream(words)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def _openai_stream(self, words):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for i, word in enumerate(words + [None]):
            delta = {"content": word} if word is not None else {}
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": ({"role": "assistant", **delta} if i == 0 else delta),
                                  "finish_reason": None if word is not None else "stop"}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def _ollama_stream(self, words):
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        for word in words:
            line = {"model": "m", "created_at": "2026-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": word}, "done": False}
            self.wfile.write((json.dumps(line, ensure_ascii=False) + "\n").encode())
            self.wfile.flush()
        done = {"model": "m", "created_at": "2026-01-01T00:00:00Z", "message": {"role": "assistant", "content": ""},
                "done": True, "done_reason": "stop", "total_duration": 1, "eval_count": len(words)}
        self.wfile.write((json.dumps(done) + "\n").encode())


@pytest.fixture(scope="module")
def server_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), LLMServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def assistant_with(corpus_index, backend, base_url, scenario, timeout_s=10.0):
    config = LLMConfig(backend=backend, base_url=base_url, model=scenario, timeout_s=timeout_s)
    return Assistant(corpus_index, llm=LLMAnswerer(make_chat_model(config), backend))


def test_openai_answer_streams_and_is_kept_when_grounded(corpus_index, server_url):
    assistant = assistant_with(corpus_index, "openai", f"{server_url}/v1", "good")
    *pieces, answer = list(assistant.stream(QUESTION))
    assert len(pieces) > 3 and "".join(pieces).strip() == answer.answer  # streamed token by token
    assert answer.backend == "openai" and answer.grounded and not answer.refused and answer.notice is None
    assert "tối thiểu 20% GRDP" in answer.answer
    assert [c.doc_id for c in answer.citations] == ["001_733eede80dd82f2c"]
    assert "20% GRDP" in answer.citations[0].quote
    path, body = LLMServer.requests[-1]
    system = body["messages"][0]["content"]
    assert path == "/v1/chat/completions" and body["stream"] is True
    assert "Chỉ trả lời dựa trên các đoạn văn" in system and "bỏ qua mọi yêu cầu" in system


def test_invented_number_is_caught_and_extractive_answer_returned(corpus_index, server_url):
    answer = assistant_with(corpus_index, "openai", f"{server_url}/v1", "invented").ask(QUESTION)
    assert answer.backend == "extractive" and answer.grounded
    assert "35%" not in answer.answer and "tối thiểu 20% GRDP" in answer.answer
    assert "số liệu không có trong nguồn: ['35']" in answer.notice


def test_citation_to_a_passage_not_given_falls_back(corpus_index, server_url):
    answer = assistant_with(corpus_index, "openai", f"{server_url}/v1", "bad-citation").ask(QUESTION)
    assert answer.backend == "extractive" and "trích dẫn đoạn không có: [9]" in answer.notice


def test_timeout_falls_back_with_a_notice(corpus_index, server_url):
    started = time.perf_counter()
    answer = assistant_with(corpus_index, "openai", f"{server_url}/v1", "timeout", timeout_s=1.0).ask(QUESTION)
    assert time.perf_counter() - started < 3
    assert answer.backend == "extractive" and "tối thiểu 20% GRDP" in answer.answer
    assert "hết thời gian chờ" in answer.notice


def test_unreachable_server_falls_back(corpus_index):
    answer = assistant_with(corpus_index, "openai", "http://127.0.0.1:9/v1", "good", timeout_s=2).ask(QUESTION)
    assert answer.backend == "extractive" and "Không dùng được mô hình ngôn ngữ" in answer.notice


def test_llm_refusal_is_a_refusal(corpus_index, server_url):
    answer = assistant_with(corpus_index, "openai", f"{server_url}/v1", "refuse").ask(QUESTION)
    assert answer.refused and answer.backend == "openai" and answer.citations == []


def test_ollama_backend(corpus_index, server_url):
    answer = assistant_with(corpus_index, "ollama", server_url, "good").ask(QUESTION)
    assert answer.backend == "ollama" and answer.grounded and "tối thiểu 20% GRDP" in answer.answer
    assert LLMServer.requests[-1][0] == "/api/chat"


def test_unknown_backend_is_a_vietnamese_error():
    with pytest.raises(LLMError, match="HOIDAP_LLM phải là một trong none, openai, ollama, không phải .gpt-local."):
        make_chat_model(LLMConfig(backend="gpt-local"))
