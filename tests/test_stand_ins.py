"""Absences and stand-ins: a notification raised during a coach's absence reaches the stand-in, saying for whom;
the next one after it reaches the coach again, with nobody touching the trajectory. Bad absences are refused."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.absences import AMSTERDAM, Absence, AbsenceRequest
from domain.policy import ALMERE
from tests.api_client import api
from tests.cli_runner import point_at, run
from tests.scenario import Trajectory, notifications
from trajectories import absences
from trajectories.audit import read_trail


def staff(name: str) -> str:
    return f"coach-{name}-{uuid.uuid4().hex[:8]}"


def day_of(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


async def test_during_the_absence_the_stand_in_is_notified_and_after_it_the_coach(env, worker, outbox):
    coach, stand_in = staff("away"), staff("standing-in")
    t = await Trajectory.start(env, worker, coach_id=coach)
    observation_end = (await t.send("observation_started")).deadlines["observation_end"]
    # Away the day before up to the day the observation ends (Amsterdam days); registered after the trajectory
    # armed its deadline: nobody touches the trajectory.
    absence = absences.add(coach, AbsenceRequest(first_day=day_of(observation_end) - timedelta(days=1),
                                                 last_day=day_of(observation_end), stand_in=stand_in))  # fmt: skip
    await t.sleep_until(observation_end)

    view = await t.view()
    [during] = notifications(view, "observation_decision_due")
    assert (during.recipient, during.stand_in_for, during.due) == (stand_in, coach, observation_end)
    assert timedelta(0) <= during.at - observation_end < timedelta(minutes=1)
    assert view.coach_id == coach, "ownership stays with the coach"
    sent = json.loads((outbox / "notifications" / f"{during.id.replace(':', '_')}.json").read_text())
    assert sent["recipient"] == stand_in and sent["stand_in_for"] == coach
    assert sent["subject"].startswith(f"[stand-in for {coach}]")
    assert sent["body"].startswith(
        f"You receive this as stand-in for {coach}, absent {absence.first_day} to {absence.last_day}."
    )
    [row] = [r for r in read_trail(t.handle.id) if r.key == during.id]
    assert row.detail == f"to {stand_in}; stand-in for {coach}"

    # The next notification falls after the absence: the coach again.
    await t.send("observation_completed", potential=True, motivated=True, hours_per_week=32)
    uwv_due = (await t.view()).deadlines["uwv_advice"]
    assert uwv_due > absence.ends_at
    await t.sleep_until(uwv_due)
    [after] = [n for n in (await t.view()).notifications if n.kind == "uwv_advice_overdue"]
    assert (after.recipient, after.stand_in_for, after.due) == (coach, None, uwv_due)
    assert timedelta(0) <= after.at - uwv_due < timedelta(minutes=1)


async def test_a_cancelled_absence_no_longer_diverts(env, worker):
    coach = staff("back-early")
    t = await Trajectory.start(env, worker, coach_id=coach)
    due = (await t.send("observation_started")).deadlines["observation_end"]
    absence = absences.add(coach, AbsenceRequest(first_day=day_of(due), last_day=day_of(due), stand_in="coach-bram"))
    assert absences.cancel(coach, absence.id).cancelled_at is not None
    await t.sleep_until(due)
    [note] = notifications(await t.view(), "observation_decision_due")
    assert (note.recipient, note.stand_in_for) == (coach, None)


def test_an_absence_covers_whole_amsterdam_days_in_summer_and_winter():
    made = datetime(2027, 1, 1, tzinfo=UTC)
    winter = Absence(
        id="abs-1", coach_id="c1", first_day=date(2027, 1, 4), last_day=date(2027, 1, 5), stand_in="c2", created_at=made
    )
    assert not winter.covers(datetime(2027, 1, 3, 22, 59, tzinfo=UTC))  # 23:59 in Amsterdam (CET, UTC+1)
    assert winter.covers(datetime(2027, 1, 3, 23, 0, tzinfo=UTC))
    assert winter.covers(datetime(2027, 1, 5, 22, 59, tzinfo=UTC))
    assert not winter.covers(datetime(2027, 1, 5, 23, 0, tzinfo=UTC))
    summer = winter.model_copy(update={"first_day": date(2027, 7, 5), "last_day": date(2027, 7, 5)})
    assert summer.covers(datetime(2027, 7, 4, 22, 0, tzinfo=UTC))  # CEST, UTC+2
    assert not summer.covers(datetime(2027, 7, 5, 22, 0, tzinfo=UTC))
    assert not summer.model_copy(update={"cancelled_at": made}).covers(datetime(2027, 7, 5, 12, tzinfo=UTC))


async def test_the_api_registers_lists_and_cancels_and_refuses_bad_absences_storing_nothing(env, worker):
    coach = staff("api")
    async with api(env.client, worker.task_queue) as http:
        url = f"/coaches/{coach}/absences"

        async def refused(body: dict, fields: list[str]) -> str:
            response = await http.post(url, json=body)
            assert response.status_code == 422 and response.json()["fields"] == fields, response.text
            return response.json()["message"]

        assert "before it starts" in await refused(
            {"from": "2027-07-10", "to": "2027-07-09", "stand_in": "coach-bram"}, ["to"]
        )
        assert "another person" in await refused(
            {"from": "2027-07-01", "to": "2027-07-09", "stand_in": coach}, ["stand_in"]
        )
        assert "default stand-in" in await refused({"from": "2027-07-01", "to": "2027-07-09"}, ["stand_in"])
        await refused({"from": "2027-07-01", "to": "2027-07-09", "stand_in": "coach bram"}, ["stand_in"])
        await refused({"to": "2027-07-09", "stand_in": "coach-bram"}, ["from"])
        assert (await http.get(url)).json() == {"coach_id": coach, "absences": []}, "nothing stored"

        made = await http.post(url, json={"from": "2027-07-01", "to": "2027-07-09", "stand_in": "coach-bram"})
        assert made.status_code == 201, made.text
        absence = made.json()
        assert (absence["from"], absence["to"], absence["stand_in"], absence["cancelled_at"]) == (
            "2027-07-01",
            "2027-07-09",
            "coach-bram",
            None,
        )
        assert made.headers["Location"] == url
        message = await refused({"from": "2027-07-09", "to": "2027-07-20", "stand_in": "coach-bram"}, ["from", "to"])
        assert absence["id"] in message
        assert [a["id"] for a in (await http.get(url)).json()["absences"]] == [absence["id"]], (
            "the overlap was not stored"
        )
        assert (
            await http.post(url, json={"from": "2027-07-10", "to": "2027-07-20", "stand_in": "coach-bram"})
        ).status_code == 201

        cancelled = await http.delete(f"{url}/{absence['id']}")
        assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"] is not None
        assert [a["from"] for a in (await http.get(url)).json()["absences"]] == ["2027-07-10"]
        listed = (await http.get(url, params={"include_cancelled": "true"})).json()["absences"]
        assert [a["from"] for a in listed] == ["2027-07-01", "2027-07-10"]
        assert (await http.delete(f"{url}/abs-000000000000")).json()["error"] == "AbsenceNotFound"

        # Almere's two advisors stand in for each other by default (policy data: its advisor_ids).
        first, second = ALMERE.advisor_ids
        made = await http.post(f"/coaches/{first}/absences", json={"from": "2030-08-01", "to": "2030-08-02"})
        assert made.status_code == 201 and made.json()["stand_in"] == second
        await http.delete(f"/coaches/{first}/absences/{made.json()['id']}")


async def test_the_command_adds_lists_and_cancels(env, worker, monkeypatch, capsys):
    point_at(monkeypatch, env.client, worker.task_queue)
    coach = staff("cli")
    added = await run(
        capsys,
        "absence",
        "add",
        coach,
        "--from",
        "2027-12-20",
        "--to",
        "2028-01-02",
        "--stand-in",
        "coach-bram",
        "--json",
    )
    assert added.code == 0, added.err
    absence_id = json.loads(added.out)["id"]
    shown = await run(capsys, "absence", "list", coach)
    assert absence_id in shown.out and "2027-12-20" in shown.out and "coach-bram" in shown.out
    overlap = await run(
        capsys, "absence", "add", coach, "--from", "2028-01-01", "--to", "2028-01-03", "--stand-in", "coach-bram"
    )
    assert overlap.code == 2 and "fields: from, to" in overlap.err
    backwards = await run(
        capsys, "absence", "add", coach, "--from", "2028-02-03", "--to", "2028-02-01", "--stand-in", "coach-bram"
    )
    assert backwards.code == 2 and "fields: to" in backwards.err
    assert (await run(capsys, "absence", "cancel", coach, absence_id)).code == 0
    assert "no absences" in (await run(capsys, "absence", "list", coach)).out
    assert (await run(capsys, "absence", "cancel", coach, "abs-000000000000")).code == 3


@pytest.fixture(autouse=True)
def _no_leftovers():
    """Absences of the shared coach ids must not leak into other tests' notifications."""
    yield
    for absence in [*absences.listed("coach-bram"), *(a for c in ALMERE.advisor_ids for a in absences.listed(c))]:
        absences.cancel(absence.coach_id, absence.id)


async def test_a_provider_meeting_reminder_reaches_the_stand_in_of_an_absent_consultant(env, worker, outbox):
    from tests.recordings.rijk_van_nijmegen import remind_providers

    away, present = "werkbedrijf-consultant-1", "werkbedrijf-consultant-2"
    today = day_of(await env.get_current_time())
    absence = absences.add(away, AbsenceRequest(first_day=today, last_day=today, stand_in="werkbedrijf-lead"))
    try:
        handle = await remind_providers(env, worker, f"provider-meeting-{uuid.uuid4().hex[:8]}")
    finally:
        absences.cancel(away, absence.id)
    sent = {
        m["id"].rsplit(":", 1)[1]: m
        for m in map(json.loads, (p.read_text() for p in (outbox / "notifications").glob("*.json")))
    }
    assert (sent[away]["recipient"], sent[away]["stand_in_for"]) == ("werkbedrijf-lead", away)
    assert (sent[present]["recipient"], sent[present]["stand_in_for"]) == (present, None)
    assert handle.id in sent[away]["id"]
