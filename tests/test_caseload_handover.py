"""The caseload hand-over on the time-skipping server: the normal path, exact virtual times, and a repeated step.

The crash test (a worker killed mid-way through 200 trajectories) is in ``test_caseload_handover_crash.py``.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.testing import ActivityEnvironment

from activities.caseload import CaseloadActivities
from domain.handover import HandoverInput, HandoverProgress, Reassignment, TrajectoryRef
from tests.api_client import api
from tests.cli_runner import point_at, run
from tests.scenario import STARTED, Trajectory
from trajectories.handover import HandoverOrder, progress, request_for, start_handover

ADULT = {"has_benefit": True, "age_band": "28_plus", "hours_per_week": 32}

LEAD = "almere-team-lead"


def coaches() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"coach-leaving-{tag}", f"coach-taking-{tag}"


async def test_every_open_trajectory_of_the_coach_is_reassigned_once_and_its_next_deadline_reaches_the_new_coach(
    env, worker
):
    leaving, taking = coaches()
    waiting = [await Trajectory.start(env, worker, coach_id=leaving) for _ in range(3)]
    for t in waiting:
        await t.to_awaiting_advice()
    amsterdam = await Trajectory.start(env, worker, region="amsterdam", coach_id=leaving)
    # owners per role: consultant_assigned; an adult, whose screening its starter owns (a young person's: the youth team)
    oss = await Trajectory.start(env, worker, region="oss", coach_id=leaving, participant=ADULT)
    nijmegen = await Trajectory.start(env, worker, region="rijk-van-nijmegen", coach_id=leaving)
    others = await Trajectory.start(env, worker, coach_id="coach-staying")
    closed = await Trajectory.start(env, worker, coach_id=leaving)
    await closed.send("withdrawn", reason="moved away")
    await closed.handle.result()  # closed: no longer listed as open

    request = request_for(leaving, HandoverOrder(to_coach=taking, actor=LEAD))
    handle = await start_handover(env.client, request, task_queue=worker.task_queue)
    STARTED.append(handle)
    done = await handle.result()
    handed_at = await env.get_current_time()

    assert (done.status, done.total, done.reassigned, done.done, done.not_reassigned) == ("done", 6, 6, 6, [])
    assert await progress(env.client, request.handover_id) == done

    oss_view = await oss.view()
    [moved] = [h for h in oss_view.history if h.event == "consultant_assigned"]
    assert (oss_view.coach_id, oss_view.case["staff"][oss_view.case["owner_role"]], moved.actor) == (
        taking,
        taking,
        LEAD,
    )

    for t in [*waiting, amsterdam, nijmegen]:
        view = await t.view()
        assert view.coach_id == taking
        [moved] = [h for h in view.history if h.event == "coach_reassigned"]
        assert moved.actor == LEAD and moved.at <= handed_at
        assert [n.recipient for n in view.notifications if n.kind == "trajectory_assigned"] == [taking]
    assert (await others.view()).coach_id == "coach-staying"
    assert (await closed.view()).coach_id == leaving

    # The hand-over is durable: the next deadline of each trajectory reaches the new coach, at its exact time.
    dues = {t.handle.id: (await t.view()).deadlines["uwv_advice"] for t in waiting}
    await waiting[0].sleep_until(max(dues.values()))
    for t in waiting:
        await t.settle()
        [overdue] = [n for n in (await t.view()).notifications if n.kind == "uwv_advice_overdue"]
        assert (overdue.recipient, overdue.due) == (taking, dues[t.handle.id])
        assert timedelta(0) <= overdue.at - overdue.due < timedelta(minutes=1)

    # A hand-over id is used once.
    with pytest.raises(WorkflowAlreadyStartedError):
        await start_handover(env.client, request, task_queue=worker.task_queue)


async def test_nothing_to_hand_over_finishes_at_once(env, worker):
    leaving, taking = coaches()
    request = request_for(leaving, HandoverOrder(to_coach=taking, actor=LEAD, region="almere", state="trial"))
    await Trajectory.start(env, worker, coach_id=leaving)  # referred: not in the trial state
    handle = await start_handover(env.client, request, task_queue=worker.task_queue)
    assert await handle.result() == HandoverProgress(
        handover_id=request.handover_id, from_coach=leaving, to_coach=taking, region="almere", state="trial",
        status="done", total=0,
    )  # fmt: skip


async def test_a_repeated_reassignment_sends_the_event_once(env, worker):
    """What a retry after a killed attempt does: the second call sees the first one's event and counts it."""
    leaving, taking = coaches()
    t = await Trajectory.start(env, worker, coach_id=leaving)
    since = await env.get_current_time()
    ref = TrajectoryRef(
        region="almere", trajectory_id=t.handle.id.removeprefix("trajectory-almere-"), workflow_id=t.handle.id
    )
    order = Reassignment(
        trajectory=ref, from_coach=leaving, to_coach=taking, actor=LEAD, update_id=f"test:{t.handle.id}", since=since
    )
    activities = CaseloadActivities(env.client)
    first = await ActivityEnvironment().run(activities.reassign, order)
    again = await ActivityEnvironment().run(activities.reassign, order)
    assert (first.result, again.result) == ("reassigned", "reassigned")
    view = await t.view()
    assert Counter(h.event for h in view.history)["coach_reassigned"] == 1 and view.coach_id == taking

    # Someone else's earlier reassignment is not counted as this hand-over's, nor is a coach it does not own.
    later = order.model_copy(update={"since": view.history[-1].at.replace(year=view.history[-1].at.year + 1)})
    assert (await ActivityEnvironment().run(activities.reassign, later)).result == "already_reassigned"
    elsewhere = order.model_copy(update={"from_coach": "coach-nobody", "to_coach": "coach-third"})
    outcome = await ActivityEnvironment().run(activities.reassign, elsewhere)
    assert (outcome.result, outcome.detail) == ("not_owned", f"now owned by {taking}")


def test_handing_over_to_the_same_coach_is_refused_naming_the_field():
    with pytest.raises(ValueError, match="to_coach"):
        request_for("coach-anna", HandoverOrder(to_coach="coach-anna", actor=LEAD))
    with pytest.raises(ValueError, match="state"):
        HandoverOrder(to_coach="coach-bram", actor=LEAD, region="oss", state="trial")
    assert (
        HandoverInput(request=request_for("coach-anna", HandoverOrder(to_coach="coach-bram", actor=LEAD))).pending
        is None
    )


async def test_over_the_api_and_the_command(env, worker, monkeypatch, capsys):
    leaving, taking = coaches()
    trajectories = [await Trajectory.start(env, worker, coach_id=leaving) for _ in range(2)]
    async with api(env.client, worker.task_queue) as http:
        same = await http.post(f"/coaches/{leaving}/handover", json={"to_coach": leaving, "actor": LEAD})
        assert same.status_code == 422 and same.json()["fields"] == ["to_coach"], same.text
        wrong = await http.post(
            f"/coaches/{leaving}/handover", json={"to_coach": taking, "actor": LEAD, "state": "nowhere"}
        )
        assert wrong.status_code == 422 and wrong.json()["fields"] == ["state"], wrong.text
        assert (await http.get("/handovers/h-never-started")).json()["error"] == "HandoverNotFound"

        body = {"to_coach": taking, "actor": LEAD, "region": "almere", "handover_id": f"api-{leaving}"}
        started = await http.post(f"/coaches/{leaving}/handover", json=body)
        assert started.status_code == 202, started.text
        assert started.headers["Location"] == started.json()["progress"] == f"/handovers/api-{leaving}"
        STARTED.append(env.client.get_workflow_handle(started.json()["workflow_id"]))
        await env.client.get_workflow_handle(started.json()["workflow_id"]).result()
        shown = (await http.get(started.json()["progress"])).json()
        assert (shown["status"], shown["total"], shown["reassigned"], shown["done"]) == ("done", 2, 2, 2)
        again = await http.post(f"/coaches/{leaving}/handover", json=body)
        assert again.status_code == 409 and again.json()["error"] == "HandoverAlreadyStarted"
    assert [(await t.view()).coach_id for t in trajectories] == [taking, taking]
    reassigned = [(await t.view()).history[-1] for t in trajectories]
    assert {(record.actor, record.client) for record in reassigned} == {(LEAD, "local-token-1")}, "the ordering client"

    # Back again with the command, waiting for the result; then its progress by id.
    point_at(monkeypatch, env.client, worker.task_queue)
    result = await run(
        capsys, "handover", "start", taking, "--to", leaving, "--by", LEAD, "--id", f"cli-{leaving}", "--wait"
    )
    assert result.code == 0, result.err
    assert f"{taking} → {leaving}" in result.out and "2 of 2 done · 2 reassigned" in result.out
    shown = await run(capsys, "handover", "show", f"cli-{leaving}", "--json")
    assert json.loads(shown.out)["reassigned"] == 2
    refused = await run(capsys, "handover", "start", taking, "--to", taking, "--by", LEAD)
    assert refused.code == 2 and "to_coach" in refused.err
    missing = await run(capsys, "handover", "show", "h-never-started")
    assert missing.code == 3 and "HandoverNotFound" in missing.err
    assert [(await t.view()).coach_id for t in trajectories] == [leaving, leaving]
