"""What the forecast assumes about people, as data: probabilities and durations per region.

Each value says where it comes from. The seeds give few numbers (UWV grants 90–95 % of Almere's requests,
seed 003); every other value is **our default**, marked ``ours``, to be replaced by a municipality's own
figures (``--assumptions FILE.toml``, one table per region, e.g. ``[almere] trial_fails = 0.3``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Range(BaseModel):
    """A duration in days, drawn uniformly between ``low`` and ``high`` (inclusive)."""

    model_config = ConfigDict(frozen=True)
    low: int = Field(ge=0, le=3650)
    high: int = Field(ge=0, le=3650)


class RegionAssumptions(BaseModel):
    """What every region's intake draws from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days_to_first_step: Range = Field(default=Range(low=3, high=21), description="ours")
    advice_positive: float = Field(default=0.92, ge=0, le=1, description="seed 003: UWV grants 90–95 % (Almere)")
    days_to_advice: Range = Field(default=Range(low=28, high=70), description="ours (UWV answers within 8 weeks)")
    days_to_place: Range = Field(default=Range(low=14, high=84), description="ours: time to find a place")
    trial_fails: float = Field(default=0.25, ge=0, le=1, description="ours: share of trials that fail")
    absent_per_quarter: float = Field(default=0.1, ge=0, le=1, description="ours: an absence report in a quarter")
    withdraws: float = Field(default=0.05, ge=0, le=1, description="ours: leaves the route early")


class Assumptions(BaseModel):
    """Per region; a region left out of a file keeps the defaults."""

    model_config = ConfigDict(extra="forbid")

    almere: RegionAssumptions = RegionAssumptions()
    amsterdam: RegionAssumptions = RegionAssumptions()
    oss: RegionAssumptions = RegionAssumptions()
    rijk_van_nijmegen: RegionAssumptions = Field(default=RegionAssumptions(), alias="rijk-van-nijmegen")

    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True)

    def of(self, region: str) -> RegionAssumptions:
        return getattr(self, region.replace("-", "_"))


def load(path: Path | None) -> Assumptions:
    """The defaults, with a TOML file's values over them."""
    if path is None:
        return Assumptions()
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    return Assumptions.model_validate(data)
