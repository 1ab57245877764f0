"""prompts: Vietnamese prompt templates for optional LLM backends (issue #3)."""
