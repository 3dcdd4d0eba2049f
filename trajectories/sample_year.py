"""A year of sample history for the figures, made by running the regions' samples through the real routes.

``python3 dev.py serve`` starts with an empty records database, and figures of nothing teach nobody. So, the
first time, the run command runs every region's samples (``trajectories/samples/``) twice over as a cohort in
skipped time (``trajectories.cohort``): starts spread over five months, one event every three weeks, then the
rest of the year, so fees fall due, check-ins and escalations fire, and the figures page shows a year of facts.
The time-skipping server's clock starts at the real now and only moves forward, so this history lies in the
year *ahead*; the figures' default period reaches to the newest fact for that reason. Trajectory ids start
with ``year<n>-`` and live only in the records database, never on the dev server.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from records import facts as fact_rows
from records import open_records
from trajectories.cohort import CohortRun, Person, Stage, run_cohort, start_environment
from trajectories.samples import Sample, all_samples

logger = logging.getLogger("trajectories.sample_year")

EVENT_SPACING = timedelta(weeks=3)
START_SPACING_DAYS, START_WINDOW_DAYS = 9, 150
MONTHS = 12


def _stage(sample: Sample, index: int, after: timedelta) -> Stage:
    return Stage(after=after, events=lambda day: [sample.events(day)[index]])


def people(copies: int = 2, samples: list[Sample] | None = None) -> list[Person]:
    """Each sample ``copies`` times, each copy under its own id, started a few days after the one before."""
    samples = all_samples() if samples is None else samples
    cohort = []
    for copy in range(copies):
        for number, sample in enumerate(samples):
            index = copy * len(samples) + number
            start = {**sample.start, "trajectory_id": f"year{copy + 1}-{sample.start['trajectory_id']}"}
            count = len(sample.events(date(2000, 1, 1)))  # how many events; their dates are built when sent
            stages = tuple(_stage(sample, i, EVENT_SPACING * (i + 1)) for i in range(count))
            after = timedelta(days=(index * START_SPACING_DAYS) % START_WINDOW_DAYS)
            cohort.append(Person(region=sample.region, start=start, starts_after=after, stages=stages))
    return cohort


async def run_sample_year(records_url: str, outbox: Path | None = None, copies: int = 2) -> CohortRun:
    """Run the sample year into ``records_url``; notifications go to ``outbox`` (default: a temporary one)."""
    environment = await start_environment()
    try:
        with tempfile.TemporaryDirectory(prefix="sample-year-") as scratch:
            run = await run_cohort(
                environment, people(copies), records_url=records_url, outbox=outbox or Path(scratch), months=MONTHS
            )
    finally:
        await environment.shutdown()
    for refusal in run.refused:
        logger.warning("sample year: refused %s", refusal)
    logger.info(
        "sample year: %d trajectories, %d events, %s – %s in skipped time", run.started, run.accepted, run.first_day,
        run.last_day,
    )  # fmt: skip
    return run


def has_facts(records_url: str) -> bool:
    with open_records(records_url).read() as connection:
        return fact_rows.newest(connection) is not None


def start_in_background(records_url: str, log_path: Path) -> subprocess.Popen[bytes] | None:
    """For ``serve``: the sample year in a process of its own (its worker's log goes to ``log_path``, not the
    console), unless the records database holds facts already, so a restart adds nothing."""
    if has_facts(records_url):
        return None
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "trajectories.sample_year", records_url],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def main(argv: list[str]) -> int:
    """``python -m trajectories.sample_year RECORDS_URL``: run the sample year into that database."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if len(argv) != 1:
        print("usage: python -m trajectories.sample_year RECORDS_URL", file=sys.stderr)
        return 2
    if has_facts(argv[0]):
        logger.info("the records database holds facts already: no sample year")
        return 0
    try:
        run = asyncio.run(_until_terminated(argv[0]))
    except asyncio.CancelledError:
        logger.info("stopped before the year was complete")
        return 1
    return 0 if run.started else 1


async def _until_terminated(records_url: str) -> CohortRun:
    """SIGTERM (``serve`` stopping) cancels the run, so its test server is shut down, not left behind."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await run_sample_year(records_url)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
