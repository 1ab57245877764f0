"""Which segments a write merges: a size-tiered policy, as in log-structured stores.

Merging every segment into one whenever they pile up rewrites the whole index every few
writes: a long ingest saved in batches then does work quadratic in the corpus (each
64-file batch of a 1,000x corpus would rewrite up to a million units and rebuild their
approximate index). Instead a write merges its new rows with the newest segments that are no
larger than what is being merged so far, like carries in a binary counter: a unit is
rewritten about log2(index / batch) times over the life of the index, and segment sizes
fall from oldest to newest, so a small write never touches the large old segments.
"""

from __future__ import annotations


def newest_to_merge(live_rows: list[int], new_rows: int, max_segments: int) -> int:
    """How many of the newest segments (`live_rows`, oldest first) to merge with a write
    of `new_rows` rows, so that after the write at most `max_segments` segments remain."""
    merged, taken = new_rows, 0
    while taken < len(live_rows):
        candidate = live_rows[-1 - taken]
        segments_after = len(live_rows) - taken + (1 if merged or taken else 0)
        if candidate > merged and segments_after <= max_segments:
            break
        merged += candidate
        taken += 1
    return taken
