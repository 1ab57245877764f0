"""The size-tiered merge policy, on hand-built segment sizes."""

from index.merging import newest_to_merge


def _simulate(writes: list[int], max_segments: int) -> tuple[list[int], int]:
    """Segment sizes after these writes, and how many rows were written in all."""
    sizes, written = [], 0
    for rows in writes:
        taken = newest_to_merge(sizes, rows, max_segments)
        merged = rows + sum(sizes[len(sizes) - taken:])
        sizes = sizes[:len(sizes) - taken] + [merged]
        written += merged
    return sizes, written


def test_a_small_write_never_merges_a_larger_older_segment():
    assert newest_to_merge([1000, 100], 10, 8) == 0
    assert newest_to_merge([1000, 100, 10], 10, 8) == 1       # the equal-sized one only
    assert newest_to_merge([1000, 100, 10], 200, 8) == 2      # carries like a binary counter


def test_the_segment_limit_is_kept_by_merging_the_newest():
    assert newest_to_merge([800, 400, 200], 10, 3) == 1
    assert newest_to_merge([800, 400, 200], 10, 2) == 2


def test_a_removal_only_write_merges_nothing_under_the_limit():
    assert newest_to_merge([100, 50], 0, 8) == 0


def test_a_long_batched_ingest_rewrites_each_row_a_logarithmic_number_of_times():
    writes = [64] * 1000
    sizes, written = _simulate(writes, max_segments=12)
    assert sum(sizes) == 64_000 and len(sizes) <= 12
    assert sizes == sorted(sizes, reverse=True)              # oldest largest: small writes stay small
    assert written / 64_000 <= 12        # ~log2(1000) rewrites per row; merging all at 8 segments: ~60
