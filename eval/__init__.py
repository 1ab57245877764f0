"""eval: question sets in, metric reports out (issue #5)."""
