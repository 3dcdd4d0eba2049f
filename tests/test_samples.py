"""The run command's samples: all start, each reaches its declared state, and a restart adds nothing."""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.records import TrajectoryView
from tests.scenario import STARTED
from trajectories.client import handle_for
from trajectories.samples import all_samples, start_samples

EXPECTED = {
    # (region, trajectory_id): (state, coach, match attempts), declared here, independently of the samples.
    ("almere", "sample-almere-1"): ("referred", "coach-anna", 0),
    ("almere", "sample-almere-2"): ("awaiting_advice", "coach-bram", 0),
    ("almere", "sample-almere-3"): ("trial", "coach-bram", 2),
    ("almere", "sample-almere-4"): ("employed", "coach-anna", 1),
    ("almere", "sample-almere-5"): ("permanent", "coach-bram", 1),
    ("almere", "sample-almere-6"): ("closed_advice_negative", "coach-anna", 0),
}


async def views(env: WorkflowEnvironment) -> dict[tuple[str, str], TrajectoryView]:
    result = {}
    for sample in all_samples():
        key = (sample.region, sample.start["trajectory_id"])
        result[key] = await handle_for(env.client, *key).query("view", result_type=TrajectoryView)
    return result


async def test_samples_start_reach_their_states_and_are_not_duplicated(env: WorkflowEnvironment, worker: Worker):
    samples = all_samples()
    assert {(s.region, s.start["trajectory_id"]) for s in samples if s.region == "almere"} == set(EXPECTED)
    today = (await env.get_current_time()).date()

    try:
        assert await start_samples(env.client, worker.task_queue, today=today) == len(samples)
    finally:
        STARTED.extend(handle_for(env.client, s.region, s.start["trajectory_id"]) for s in samples)

    first = await views(env)
    for key, view in first.items():
        sample = next(s for s in samples if (s.region, s.start["trajectory_id"]) == key)
        assert [record.event for record in view.history] == [event["event"] for event in sample.events(today)]
        if key in EXPECTED:  # other regions' samples are checked by their own tests
            state, coach, attempts = EXPECTED[key]
            assert (view.state, view.coach_id, view.match_attempts) == (state, coach, attempts), key
            if view.history:
                assert view.history[-1].to_state == state
    assert first[("almere", "sample-almere-3")].case["wage_value_percent"] == 60
    now = await env.get_current_time()
    past = {  # a sample shows a trajectory in progress: nothing in it is due before it was started
        (key, name): due for key, view in first.items() for name, due in view.deadlines.items() if due < now
    } | {
        (key, note.kind): note.due
        for key, view in first.items()
        for note in view.notifications
        if note.due and note.due < now
    }
    assert past == {}
    assert first[("almere", "sample-almere-6")].closed

    assert await start_samples(env.client, worker.task_queue, today=today) == 0
    assert await views(env) == first
