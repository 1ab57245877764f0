"""assistant: question → retrieval → grounded, cited Vietnamese answer.

Public entry: `Assistant(index, config).ask(question, history=None) -> Answer`
(and `.stream(...)`, which yields text pieces and then the `Answer`).
"""

from .assistant import Assistant, AssistantConfig
from .llm import BACKENDS, LLMAnswerer, LLMConfig, LLMError, make_chat_model
from .records import REFUSAL_MESSAGE, Answer, Citation, QuestionError

__all__ = ["Assistant", "AssistantConfig", "Answer", "Citation", "QuestionError", "REFUSAL_MESSAGE", "LLMConfig",
           "LLMAnswerer", "LLMError", "make_chat_model", "BACKENDS"]
