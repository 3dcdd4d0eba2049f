"""Running a forecast: the same people under each policy, each run on fresh time-skipping servers.

A policy is a TOML file of policy values per region (``[almere] trial_length = "P28D"``), laid over the region's
policy for the run only (``domain.policy.override_policies``, the mechanism tests use); ``None`` is the policy in
force. Every run gets its own test servers, records databases and outboxes in a temporary directory, so a
forecast never touches the real Temporal server or the real records database, and the runs cannot see each
other. A run's people are dealt out over ``shares`` processes (``trajectories.forecast.shard``): one per core.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python

from domain.facts import OutcomeFact
from records import facts as fact_rows
from records import open_records
from trajectories.cohort import office_hours
from trajectories.forecast.assumptions import Assumptions
from trajectories.forecast.report import Forecast, PolicyReport, policy_report
from trajectories.forecast.shard import ShareResult, ShareSpec, run_in_process, run_share


@dataclass(frozen=True)
class Policy:
    """A named set of policy overrides per region (empty: the policy in force)."""

    name: str
    overrides: dict[str, dict[str, Any]]

    @classmethod
    def from_file(cls, path: Path) -> Policy:
        return cls(path.stem, tomllib.loads(path.read_text(encoding="utf-8")))


IN_FORCE = Policy("in-force", {})

PEOPLE_PER_SHARE = 50
"""Below this many people a share's own process (a few seconds to start) costs more than the core it adds."""


def default_shares(people: int) -> int:
    """One share per core this process may use, as long as each gets :data:`PEOPLE_PER_SHARE` people."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, people // PEOPLE_PER_SHARE))


async def forecast(
    *,
    regions: list[str],
    months: int,
    cohort: int,
    per_month: int | None,
    seed: int,
    policies: list[Policy],
    assumptions: Assumptions,
    open_trajectories: list[dict[str, Any]] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    shares: int | None = None,
    sandboxed: bool = False,
) -> Forecast:
    """Run the cohort drawn from ``seed`` (with ``open_trajectories``, as ``trajectories export`` wrote them)
    under every policy; ``shares``: processes per run (default :func:`default_shares`, 1 runs in this one).

    ``sandboxed``: run the workflows in Temporal's sandbox. It re-checks, on every task, that workflow code
    touches nothing non-deterministic, which the routes' tests and the service do already; the same code runs
    either way (a test holds the reports equal), and without it a task takes a fifth less CPU."""
    opened = list(open_trajectories or [])
    people = len(opened) + (per_month * months if per_month else cohort)
    base = dict(regions=regions, months=months, cohort=cohort, per_month=per_month, seed=seed,
                assumptions=assumptions.model_dump(by_alias=True), open_trajectories=opened, sandboxed=sandboxed)  # fmt: skip
    count = shares or default_shares(people)
    reports = [await run_policy(policy, base, people, count, progress) for policy in policies or [IN_FORCE]]
    return Forecast(
        regions=regions, months=months, seed=seed, cohort=people - len(opened), open_trajectories=len(opened),
        reports=reports,
    )  # fmt: skip


MEMORY_FILESYSTEM = Path("/dev/shm")


def scratch_root() -> Path | None:
    """Where a run keeps its records databases and outboxes: in memory (``/dev/shm``) where there is one. They
    are thrown away after the report, and both sync every write to disk (a SQLite commit per workflow task, an
    fsync per outbox record): on a disk that was a wait in every step of every trajectory, on tmpfs it is none."""
    if MEMORY_FILESYSTEM.is_dir() and os.access(MEMORY_FILESYSTEM, os.W_OK | os.X_OK):
        return MEMORY_FILESYSTEM
    return None


STARTUP_MARGIN = timedelta(minutes=10)
"""Every share's clock starts at the office hour after now plus this: later than any share's server starts."""


async def run_policy(
    policy: Policy, base: dict[str, Any], people: int, shares: int, progress: Callable[[str, int, int], None] | None
) -> PolicyReport:
    with tempfile.TemporaryDirectory(prefix="forecast-", dir=scratch_root()) as scratch:
        began = office_hours(datetime.now(UTC) + STARTUP_MARGIN)
        overrides = to_jsonable_python(policy.overrides)
        specs = [
            ShareSpec(**base, overrides=overrides, share=n, shares=shares, began=began, scratch=Path(scratch) / str(n))
            for n in range(shares)
        ]
        counts = [(0, 0)] * shares

        def advance(share: int) -> Callable[[int, int], None] | None:
            if progress is None:
                return None

            def report(done: int, total: int) -> None:
                counts[share] = (done, total)
                progress(policy.name, sum(d for d, _ in counts), sum(t for _, t in counts))

            return report

        results: list[ShareResult]
        if shares == 1:
            results = [await run_share(specs[0], advance(0))]
        else:
            async with asyncio.TaskGroup() as group:  # one share failing stops the others
                tasks = [group.create_task(run_in_process(spec, advance(spec.share))) for spec in specs]
            results = [task.result() for task in tasks]
        facts = [fact for spec in specs for fact in read_facts(spec.records_url)]
        first_day, last_day = results[0].first_day, results[0].last_day
        assert all((r.first_day, r.last_day) == (first_day, last_day) for r in results), "shares ran other periods"
        return policy_report(
            policy.name, outboxes=[spec.outbox for spec in specs], facts=facts, first_day=first_day,
            last_day=last_day, accepted=sum(r.accepted for r in results),
            refused=sorted(refusal for r in results for refusal in r.refused), people=people,
        )  # fmt: skip


def read_facts(url: str) -> list[OutcomeFact]:
    records = open_records(url)
    try:
        with records.read() as connection:
            return fact_rows.read_facts(connection)
    finally:
        records.dispose()
