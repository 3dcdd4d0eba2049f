"""The agenda: the workflow projects its open deadlines into the records database, coaches read them over HTTP,
as an iCalendar feed (whose UIDs survive a moved deadline) and at 80 columns; bad windows are typed 422s."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from domain.agenda import uid_for
from tests.api_client import api
from tests.cli_runner import run
from tests.scenario import COACH, TEAM_LEAD, Trajectory
from trajectories import agenda as agenda_reading
from trajectories.agenda import AgendaWindow
from trajectories.schedules import agenda_digest
from workflows.agenda_digest import AgendaDigest, DigestInput

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
async def http(env, worker):
    async with api(env.client, worker.task_queue) as client:
        yield client


def year_window(today):
    return AgendaWindow(start=today, end=today + timedelta(days=365))


async def test_open_deadlines_follow_the_trajectory_into_the_agenda(env, worker):
    t = await Trajectory.start(env, worker)
    view = await t.to_trial()
    await t.settle()
    today = await t.today()
    rows = {item.deadline: item for item in agenda_reading.read(COACH, year_window(today))
            if item.trajectory_id == view.trajectory_id}  # fmt: skip
    assert {name: item.due for name, item in rows.items()} == view.deadlines
    assert rows["wage_value_assessment"].kind == "wage_value_assessment_due"
    assert rows["wage_value_assessment"].recipient == COACH
    # The team lead sees the escalation once the trial's end has fired, the coach's decision still open.
    await t.sleep_until(view.deadlines["trial_end"])
    lead = [i for i in agenda_reading.read(TEAM_LEAD, year_window(today)) if i.trajectory_id == view.trajectory_id]
    assert [(i.deadline, i.recipient) for i in lead] == [("trial_decision", TEAM_LEAD)]
    await t.send("withdrawn", reason="moved away from Almere")
    await t.settle()
    assert [i for i in agenda_reading.read(COACH, year_window(today)) if i.trajectory_id == view.trajectory_id] == []


async def test_the_agenda_over_http_and_a_window_over_a_year_is_refused(env, worker, http):
    t = await Trajectory.start(env, worker)
    view = await t.to_trial()
    await t.settle()
    today = await t.today()
    response = await http.get(
        f"/coaches/{COACH}/agenda", params={"from": str(today), "to": str(today + timedelta(weeks=9))}
    )
    assert response.status_code == 200, response.text
    mine = [item for item in response.json()["items"] if item["trajectory_id"] == view.trajectory_id]
    assert [item["deadline"] for item in mine] == [
        name for name in view.deadlines if name in {i["deadline"] for i in mine}
    ]
    assert {"wage_value_assessment", "trial_end"} <= {item["deadline"] for item in mine}
    assert [item["due"] for item in mine] == sorted(item["due"] for item in mine)
    assert {"trajectory_id", "kind", "due", "summary"} <= set(mine[0])
    too_long = await http.get(f"/coaches/{COACH}/agenda", params={"from": "2027-01-01", "to": "2028-01-02"})
    assert too_long.status_code == 422
    assert too_long.json()["error"] == "InvalidInput" and too_long.json()["fields"] == ["to"]
    backwards = await http.get(f"/coaches/{COACH}/agenda", params={"from": "2027-01-10", "to": "2027-01-01"})
    assert backwards.status_code == 422 and backwards.json()["fields"] == ["to"]
    not_a_date = await http.get(f"/coaches/{COACH}/agenda", params={"from": "next week"})
    assert not_a_date.status_code == 422 and not_a_date.json()["fields"] == ["from"]


def events_of(body: bytes, trajectory_id: str) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT") if trajectory_id in str(e["summary"])}


async def test_the_ics_feed_parses_and_a_moved_deadline_keeps_its_uid(env, worker, http):
    t = await Trajectory.start(env, worker)
    view = await t.to_trial()
    await t.settle()
    issued = await http.post(f"/coaches/{COACH}/feed-tokens")
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    feed_path = f"/coaches/{COACH}/agenda.ics"
    unauthenticated = {"Authorization": ""}
    first = await http.get(feed_path, params={"token": token}, headers=unauthenticated)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/calendar")
    before = events_of(first.content, view.trajectory_id)
    trial_end_uid = uid_for(f"trajectory-almere-{view.trajectory_id}", "trial_end")
    assert str(before[trial_end_uid]["summary"]) == f"trial decision due: almere {view.trajectory_id}"
    moved = await t.send("trial_extended", weeks=2)
    await t.settle()
    after = events_of(
        (await http.get(feed_path, params={"token": token}, headers=unauthenticated)).content, view.trajectory_id
    )
    assert set(after) == set(before)
    assert after[trial_end_uid].decoded("dtstart") == moved.deadlines["trial_end"]
    assert after[trial_end_uid].decoded("dtstart") > before[trial_end_uid].decoded("dtstart")
    # The token is for this coach's feed only, and is refused once revoked.
    assert (
        await http.get("/coaches/coach-bram/agenda.ics", params={"token": token}, headers=unauthenticated)
    ).status_code == 404
    assert (await http.get("/coaches/coach-bram/agenda", headers=unauthenticated)).status_code == 401
    revoked = await http.delete(f"/coaches/{COACH}/feed-tokens")
    assert revoked.json()["revoked"] >= 1
    assert (await http.get(feed_path, params={"token": token}, headers=unauthenticated)).status_code == 404


def sent(outbox) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted((outbox / "notifications").glob("*.json"))]


async def test_the_weekly_digest_tells_each_coach_what_falls_due_in_the_week_ahead(env, worker, outbox):
    t = await Trajectory.start(env, worker)
    view = await t.to_trial()
    await t.settle()
    assessment = view.deadlines["wage_value_assessment"]
    await t.sleep_until(assessment - timedelta(days=3), plus=timedelta(0))
    digest_id = f"digest-{uuid.uuid4().hex[:8]}"
    ids = await env.client.execute_workflow(
        AgendaDigest.run, DigestInput(days=7), id=digest_id, task_queue=worker.task_queue
    )
    assert f"{digest_id}:{COACH}" in ids
    [message] = [m for m in sent(outbox) if m["id"] == f"{digest_id}:{COACH}"]
    assert message["kind"] == "weekly_agenda" and message["recipient"] == COACH
    line = f"{assessment.astimezone(AMSTERDAM):%a %d %b %H:%M}  almere {view.trajectory_id}  wage value assessment due"
    assert line in message["body"]
    assert "trial decision due" not in message["body"].split(view.trajectory_id, 1)[1].split("\n", 1)[0]


async def test_the_digest_schedule_runs_on_monday_mornings_in_amsterdam(dev_env):
    schedule_id = f"agenda-digest-test-{uuid.uuid4().hex[:8]}"
    handle = await dev_env.client.create_schedule(schedule_id, agenda_digest(f"digest-{uuid.uuid4()}"))
    try:
        described = await handle.describe()
        upcoming = described.info.next_action_times
        assert upcoming, "the schedule has no next action"
        for moment in upcoming:
            local = moment.astimezone(AMSTERDAM)
            assert (local.strftime("%A"), local.hour, local.minute) == ("Monday", 7, 30), local
    finally:
        await handle.delete()


async def test_the_agenda_command_fits_80_columns_and_refuses_a_window_over_a_year(env, worker, capsys, monkeypatch):
    t = await Trajectory.start(env, worker)
    view = await t.to_trial()
    await t.settle()
    today = await t.today()
    monkeypatch.setenv("COLUMNS", "80")
    shown = await run(capsys, "agenda", COACH, "--from", str(today), "--to", str(today + timedelta(weeks=9)))
    assert shown.code == 0, shown.err
    assert max(len(line) for line in shown.out.splitlines()) <= 80
    assessment = view.deadlines["wage_value_assessment"].astimezone(AMSTERDAM)
    [row] = [line for line in shown.out.splitlines() if view.trajectory_id in line and "wage value" in line]
    assert f"{assessment:%a %d %b %H:%M}" in row
    too_long = await run(capsys, "agenda", COACH, "--from", "2027-01-01", "--to", "2028-01-02")
    assert too_long.code == 2 and "InvalidInput" in too_long.err and "'to'" in too_long.err
