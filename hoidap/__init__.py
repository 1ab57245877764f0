"""hoidap: offline Vietnamese question answering over policy documents.

This package holds only the wiring: settings (`config`), start-up (`runtime`) and the
command line (`cli`). The stages are the top-level packages ingest → index → assistant
→ webui / eval.
"""
