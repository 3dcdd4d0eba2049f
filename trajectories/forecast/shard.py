"""One share of a forecast's people, on a time-skipping server and worker of its own.

Workflow code and activities are Python under one interpreter lock, so one worker process uses one core
however many trajectories it runs, and one test server advances its clock only when every task on it is done.
A forecast therefore deals its people out in shares (person *i* to share *i* mod *n*) and runs each share in a
process of its own (``python -m trajectories.forecast.shard``, its :class:`ShareSpec` on stdin, progress and
its :class:`ShareResult` as JSON lines on stdout): its own server, worker, records database and outbox. People
never meet across shares (a trajectory's course depends on its own events and the virtual clock only) and
every share's clock starts at the same moment, so the report is the same for any number of shares.

A share draws the cohort itself from the seed (the draw is cheap, and its events are built on the day they are
sent, so they cannot travel as data) and keeps its own people.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from domain.policy import override_policies
from domain.regions import policies
from trajectories.cohort import EventsOn, Person, Stage, run_cohort, start_environment
from trajectories.forecast.assumptions import Assumptions
from trajectories.forecast.intake import cohort as draw_cohort


class ShareSpec(BaseModel):
    """Everything a share needs: the cohort's draw, the open trajectories, the policy, which share, when."""

    regions: list[str]
    months: int
    cohort: int
    per_month: int | None
    seed: int
    assumptions: dict[str, Any]
    open_trajectories: list[dict[str, Any]]
    overrides: dict[str, dict[str, Any]]
    share: int
    shares: int
    sandboxed: bool
    began: datetime
    scratch: Path

    @property
    def records_url(self) -> str:
        return f"sqlite:///{self.scratch / 'records.db'}"

    @property
    def outbox(self) -> Path:
        return self.scratch / "outbox"


class ShareResult(BaseModel):
    started: int
    accepted: int
    refused: list[str]
    first_day: date
    last_day: date


def open_people(exported: list[dict[str, Any]]) -> list[Person]:
    """Today's open trajectories as ``trajectories export`` wrote them: each started, and its accepted events
    sent again, on the forecast's first day (an event the route now refuses is reported, not hidden)."""
    people = []
    for item in exported:
        events: list[dict[str, Any]] = list(item["events"])
        stages = (Stage(after=timedelta(0), events=_as_sent(events)),) if events else ()
        people.append(Person(region=item["region"], start=item["start"], stages=stages))
    return people


def _as_sent(events: list[dict[str, Any]]) -> EventsOn:
    return lambda today: events


def people_of(spec: ShareSpec) -> list[Person]:
    """The open trajectories, then the drawn cohort; this share's part of them."""
    everyone = open_people(spec.open_trajectories) + draw_cohort(
        spec.regions, spec.cohort, months=spec.months, seed=spec.seed,
        assumptions=Assumptions.model_validate(spec.assumptions), per_month=spec.per_month,
    )  # fmt: skip
    return everyone[spec.share :: spec.shares]


async def run_share(spec: ShareSpec, progress: Callable[[int, int], None] | None = None) -> ShareResult:
    """Run this share's people under the spec's policy; the records and outbox stay in ``spec.scratch``."""
    override_policies(spec.overrides, policies())
    try:
        environment = await start_environment()
        try:
            run = await run_cohort(
                environment, people_of(spec), records_url=spec.records_url, outbox=spec.outbox, months=spec.months,
                progress=progress, began=spec.began, sandboxed=spec.sandboxed,
            )  # fmt: skip
        finally:
            await environment.shutdown()
    finally:
        override_policies({}, {})
    assert run.first_day is not None and run.last_day is not None
    return ShareResult(
        started=run.started, accepted=run.accepted, refused=run.refused, first_day=run.first_day,
        last_day=run.last_day,
    )  # fmt: skip


async def run_in_process(spec: ShareSpec, progress: Callable[[int, int], None] | None = None) -> ShareResult:
    """:func:`run_share` in a process of its own; its stderr goes to ``scratch/share.log`` (shown if it fails)."""
    spec.scratch.mkdir(parents=True, exist_ok=True)
    log_path = spec.scratch / "share.log"
    with open(log_path, "wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "trajectories.forecast.shard",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
        )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(spec.model_dump_json().encode() + b"\n")
        await process.stdin.drain()
        process.stdin.close()
        result: ShareResult | None = None
        while line := await process.stdout.readline():
            if not line.startswith(MARKER):  # the SDK's core logs to stdout too
                continue
            message = json.loads(line.removeprefix(MARKER))
            if "progress" in message and progress is not None:
                progress(*message["progress"])
            elif "result" in message:
                result = ShareResult.model_validate(message["result"])
        code = await process.wait()
    finally:
        if process.returncode is None:  # cancelled (or failed) half-way: it shuts its test server down, then exits
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()
    if code != 0 or result is None:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"forecast share {spec.share + 1} of {spec.shares} failed (exit code {code}):\n{tail}")
    return result


MARKER = b"forecast-share: "
"""Starts the lines a share writes for its parent (progress, then the result); the SDK's core logs to stdout."""


STOP_SECONDS = 10
"""How long a share told to stop (SIGTERM) has to shut its test server down before it is killed: a killed share
leaves its server running."""


def main() -> None:
    spec = ShareSpec.model_validate_json(sys.stdin.readline())

    def report(message: dict[str, Any]) -> None:
        sys.stdout.write(MARKER.decode() + json.dumps(message) + "\n")
        sys.stdout.flush()

    async def share() -> ShareResult:
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)  # finally blocks run: no orphans
        return await run_share(spec, progress=lambda done, total: report({"progress": [done, total]}))

    try:
        result = asyncio.run(share())
    except asyncio.CancelledError:
        sys.exit(1)
    report({"result": result.model_dump(mode="json")})


if __name__ == "__main__":
    main()
