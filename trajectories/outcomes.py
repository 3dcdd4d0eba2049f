"""Outcome figures per provider: the share of ended trajectories that ended in work.

Amsterdam's providers commit to a number of trajectories a year (Meewerken-plus); the starting point is
that half of them end in work, and lagging providers lose budget to better ones (ROUTES.md, Amsterdam).
Each trajectory records its day-activities provider and, when it closes, ``outcome`` ``work`` or
``no_work`` in its view's ``case``: feed views (or their JSON) to :func:`work_share_per_provider`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class ProviderOutcome:
    provider_id: str
    target_percent: int
    open: int = 0
    ended: int = 0
    in_work: int = 0

    @property
    def percent(self) -> float | None:
        return 100 * self.in_work / self.ended if self.ended else None

    @property
    def meets_target(self) -> bool:
        return self.percent is not None and self.percent >= self.target_percent


def work_share_per_provider(views: Iterable[Any], *, target_percent: int) -> dict[str, ProviderOutcome]:
    """Count open, ended and ended-in-work trajectories per provider from ``view`` results."""
    outcomes: dict[str, ProviderOutcome] = {}
    for view in views:
        data: Mapping[str, Any] = view if isinstance(view, Mapping) else view.model_dump(mode="json")
        case = data.get("case") or {}
        provider = case.get("provider_id") or "unknown"
        outcome = outcomes.setdefault(provider, ProviderOutcome(provider, target_percent))
        if not data.get("closed"):
            outcome.open += 1
            continue
        outcome.ended += 1
        outcome.in_work += case.get("outcome") == "work"
    return outcomes
