"""assistant: search hits → grounded Vietnamese answers with citations (issue #3)."""
