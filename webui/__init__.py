"""webui: the Gradio chat page for officials and trainers (issue #4)."""
