"""Reciprocal-rank fusion (Cormack et al., 2009) of several rankings."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)

RRF_K = 60  # the constant from the paper; damps the weight of the very top ranks


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Item]],
                           weights: Sequence[float] | None = None,
                           k: int = RRF_K) -> list[tuple[Item, float]]:
    """Fuse best-first rankings into one list of (item, score), best first.

    An item's score is the sum over rankings of weight / (k + rank), rank starting at 1.
    Ties keep the order in which items were first seen, so results are deterministic.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[Item, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
