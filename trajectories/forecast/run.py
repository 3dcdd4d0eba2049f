"""Running a forecast: the same people under each policy, each run on a fresh time-skipping server.

A policy is a TOML file of policy values per region (``[almere] trial_length = "P28D"``), laid over the region's
policy for the run only (``domain.policy.override_policies``, the mechanism tests use); ``None`` is the policy in
force. Every run gets its own test server, records database and outbox in a temporary directory, so a forecast
never touches the real Temporal server or the real records database, and the runs cannot see each other.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from domain.policy import override_policies
from domain.regions import policies
from records import facts as fact_rows
from records import open_records
from trajectories.cohort import Person, Stage, run_cohort, start_environment
from trajectories.forecast.assumptions import Assumptions
from trajectories.forecast.intake import cohort as draw_cohort
from trajectories.forecast.report import Forecast, PolicyReport, policy_report


@dataclass(frozen=True)
class Policy:
    """A named set of policy overrides per region (empty: the policy in force)."""

    name: str
    overrides: dict[str, dict[str, Any]]

    @classmethod
    def from_file(cls, path: Path) -> Policy:
        return cls(path.stem, tomllib.loads(path.read_text(encoding="utf-8")))


IN_FORCE = Policy("in-force", {})


def open_people(exported: dict[str, Any]) -> list[Person]:
    """Today's open trajectories as ``trajectories export`` wrote them: each started, and its accepted events
    sent again, on the forecast's first day (an event the route now refuses is reported, not hidden)."""
    people = []
    for item in exported["trajectories"]:
        events: list[dict[str, Any]] = list(item["events"])
        stages = (Stage(after=timedelta(0), events=_as_sent(events)),) if events else ()
        people.append(Person(region=item["region"], start=item["start"], stages=stages))
    return people


def _as_sent(events: list[dict[str, Any]]) -> Callable[[Any], list[dict[str, Any]]]:
    return lambda today: events


async def forecast(
    *,
    regions: list[str],
    months: int,
    cohort: int,
    per_month: int | None,
    seed: int,
    policies: list[Policy],
    assumptions: Assumptions,
    open_trajectories: list[Person] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Forecast:
    """Draw the cohort once from ``seed``, then run it (with the open trajectories) under every policy."""
    people = (open_trajectories or []) + draw_cohort(
        regions, cohort, months=months, seed=seed, assumptions=assumptions, per_month=per_month
    )
    reports = [await run_policy(policy, people, months, progress) for policy in policies or [IN_FORCE]]
    return Forecast(
        regions=regions, months=months, seed=seed, cohort=len(people) - len(open_trajectories or []),
        open_trajectories=len(open_trajectories or []), reports=reports,
    )  # fmt: skip


MEMORY_FILESYSTEM = Path("/dev/shm")


def scratch_root() -> Path | None:
    """Where a run keeps its records database and outbox: in memory (``/dev/shm``) where there is one. Both are
    thrown away after the report, and both sync every write to disk (a SQLite commit per workflow task, an fsync
    per outbox record): on a disk that was a wait in every step of every trajectory, on tmpfs it costs nothing."""
    if MEMORY_FILESYSTEM.is_dir() and os.access(MEMORY_FILESYSTEM, os.W_OK | os.X_OK):
        return MEMORY_FILESYSTEM
    return None


async def run_policy(
    policy: Policy, people: list[Person], months: int, progress: Callable[[str, int, int], None] | None
) -> PolicyReport:
    override_policies(policy.overrides, policies())
    try:
        with tempfile.TemporaryDirectory(prefix="forecast-", dir=scratch_root()) as scratch:
            root = Path(scratch)
            url = f"sqlite:///{root / 'records.db'}"
            environment = await start_environment()
            try:
                run = await run_cohort(
                    environment, people, records_url=url, outbox=root / "outbox", months=months,
                    progress=(lambda done, total: progress(policy.name, done, total)) if progress else None,
                )  # fmt: skip
            finally:
                await environment.shutdown()
            records = open_records(url)
            with records.read() as connection:
                facts = fact_rows.read_facts(connection)
            records.dispose()
            assert run.first_day is not None and run.last_day is not None
            return policy_report(
                policy.name, outbox=root / "outbox", facts=facts, first_day=run.first_day, last_day=run.last_day,
                accepted=run.accepted, refused=run.refused, people=len(people),
            )  # fmt: skip
    finally:
        override_policies({}, {})
