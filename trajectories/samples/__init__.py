"""Sample trajectories the run command starts, so the Web UI is not empty.

Each region contributes a module ``trajectories/samples/<region>.py`` with a ``SAMPLES`` list, named in the
region registry (``domain/regions.py``).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.regions import REGIONS, load
from trajectories.client import start_trajectory, submit_event
from trajectories.samples.base import Sample

logger = logging.getLogger(__name__)

__all__ = ["Sample", "all_samples", "start_samples"]


def all_samples() -> list[Sample]:
    """Every region's ``SAMPLES``, in the registry's order of regions."""
    return [sample for region in REGIONS.values() for sample in load(region.samples)]


async def start_samples(
    client: Client, task_queue: str, *, today: date | None = None, samples: list[Sample] | None = None
) -> int:
    """Start each sample and send its events in order; return how many were started.

    A sample whose workflow ID was used before (e.g. the run command restarted on the same database) is
    skipped without sending its events again, so samples are never duplicated or advanced twice.
    ``today`` defaults to the current UTC date, which is what the workflows validate dates against.
    """
    today = today or datetime.now(UTC).date()
    started = 0
    for sample in all_samples() if samples is None else samples:
        trajectory_id = sample.start["trajectory_id"]
        try:
            await start_trajectory(client, sample.region, sample.start, task_queue=task_queue)
        except WorkflowAlreadyStartedError:
            logger.info("sample %s/%s exists already: skipped", sample.region, trajectory_id)
            continue
        events = sample.events(today)
        for event in events:
            await submit_event(client, sample.region, trajectory_id, event)
        started += 1
        logger.info("sample %s/%s started with %d event(s)", sample.region, trajectory_id, len(events))
    return started
