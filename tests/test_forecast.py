"""The forecast runs the real routes in skipped time: a deterministic cohort gets exactly what its route
prescribes, a seed gives one report, two policies run side by side, and nothing real is touched."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from domain.dates import add_months
from domain.policy import ALMERE
from tests.cli_runner import point_at, run
from tests.scenario import Trajectory
from trajectories.forecast.assumptions import Assumptions, Range, RegionAssumptions
from trajectories.forecast.intake import cohort
from trajectories.forecast.report import write
from trajectories.forecast.run import Policy, forecast, open_people

CERTAIN = RegionAssumptions(
    days_to_first_step=Range(low=3, high=3), advice_positive=1.0, days_to_advice=Range(low=28, high=28),
    days_to_place=Range(low=14, high=14), trial_fails=0.0, absent_per_quarter=0.0, withdraws=0.0,
)  # fmt: skip
"""Every advice positive, no trial fails, no absence: one path through Almere's route, fixed in days."""
CONTRACT_DAY = 3 + 28 + 28 + 14 + 42 + 14
"""Observation starts on day 3, ends 28 days on; advice 28 days later; a trial 14 days on; its wage value
after 42 days; the contract 14 days after that (``trajectories.forecast.intake.almere``)."""


async def test_a_certain_cohort_gets_exactly_the_fees_and_deadlines_of_the_route() -> None:
    assumptions = Assumptions(almere=CERTAIN)
    people = cohort(["almere"], 2, months=12, seed=7, assumptions=assumptions)
    result = await forecast(regions=["almere"], months=12, cohort=2, per_month=None, seed=7, policies=[],
                            assumptions=assumptions)  # fmt: skip
    (report,) = result.reports
    assert report.events_refused == []
    assert report.first_day is not None
    # The quarterly supervision fee, in arrears from the contract's start, for every quarter that ends in the year.
    fee_cents = int(ALMERE.supervision_fee * 100)
    expected = 0
    for person in people:
        contract = report.first_day + person.starts_after + timedelta(days=CONTRACT_DAY)
        expected += sum(fee_cents for k in range(1, 5) if add_months(contract, 3 * k) <= report.last_day)
    assert expected > 0
    assert sum(m.amount_cents for m in report.payments if m.kind == "supervision_fee") == expected
    assert {m.kind for m in report.payments} == {"supervision_fee", "wage_cost_subsidy"}  # issue 15: both paid
    # Deadlines: six months into the contract each employee's aftercare visit falls due (policy: every six
    # months), once per person; none of the route's other deadlines is near it.
    notified = {k.kind: k.count for k in report.notified}
    assert notified["aftercare_visit_due"] == 2
    assert sum(w.notifications for w in report.workload) == sum(notified.values())
    assert sum(q.count for q in report.placements) == 2 and report.fallbacks == []
    last_month = max(s.month_end for s in report.states)
    assert {(s.state, s.people) for s in report.states if s.month_end == last_month} == {("employed", 2)}


async def test_one_seed_gives_one_report_and_two_policies_run_side_by_side(tmp_path: Path) -> None:
    four_weeks, eight_weeks = tmp_path / "four-weeks.toml", tmp_path / "eight-weeks.toml"
    four_weeks.write_text('[almere]\ntrial_length = "P28D"\n')
    eight_weeks.write_text('[almere]\ntrial_length = "P56D"\n')
    policies = [Policy.from_file(four_weeks), Policy.from_file(eight_weeks)]
    options = dict(regions=["almere", "oss"], months=6, cohort=6, per_month=None, seed=3, assumptions=Assumptions())
    first = await forecast(policies=policies, **options)
    again = await forecast(policies=policies, **options)
    assert first.model_dump() == again.model_dump()
    assert [r.events_refused for r in first.reports] == [[], []]  # the intake sends what each route accepts
    assert [r.policy for r in first.reports] == ["four-weeks", "eight-weeks"]
    paths = write(first, tmp_path / "out")
    assert sorted(p.name for p in paths) == ["forecast.csv", "forecast.html", "forecast.json"]
    assert json.loads((tmp_path / "out" / "forecast.json").read_text())["seed"] == 3
    assert (tmp_path / "out" / "forecast.csv").read_text().startswith("policy,section,key,detail,value\n")
    html = (tmp_path / "out" / "forecast.html").read_text()
    assert "function bars(" in html and "/*FORECAST*/" not in html and '"policy":"eight-weeks"' in html


async def test_the_command_never_touches_the_real_server_or_records(tmp_path: Path, capsys, monkeypatch) -> None:
    real = tmp_path / "real-records.db"
    monkeypatch.setenv("TRAJECTORIES_RECORDS_URL", f"sqlite:///{real}")
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:9")  # nothing listens there: a connection would fail
    monkeypatch.setenv("COLUMNS", "80")
    done = await run(capsys, "forecast", "--region", "amsterdam", "--months", "3", "--cohort", "3",
                     "--out", str(tmp_path / "out"))  # fmt: skip
    assert done.code == 0, done.err
    assert not real.exists()
    assert (tmp_path / "out" / "forecast.html").exists()
    assert "in-force: 3 people" in done.out
    assert all(len(line) <= 80 for line in done.out.splitlines())


def test_assumptions_are_data_and_a_file_overrides_them(tmp_path: Path) -> None:
    from trajectories.forecast.assumptions import load

    assert load(None).almere.advice_positive == pytest.approx(0.92)
    path = tmp_path / "ours.toml"
    path.write_text("[almere]\ntrial_fails = 0.4\n['rijk-van-nijmegen']\nadvice_positive = 0.5\n")
    loaded = load(path)
    assert loaded.almere.trial_fails == 0.4 and loaded.of("rijk-van-nijmegen").advice_positive == 0.5
    path.write_text("[almere]\ntrial_fail = 0.4\n")
    with pytest.raises(ValueError, match="trial_fail"):
        load(path)


def test_people_spread_over_months_with_per_month() -> None:
    people = cohort(["almere", "oss"], 0, months=4, seed=1, assumptions=Assumptions(), per_month=3)
    assert len(people) == 12
    assert {p.region for p in people} == {"almere", "oss"}
    assert max(p.starts_after for p in people) < timedelta(days=4 * 30)


async def test_open_trajectories_are_exported_and_run_again(
    dev_env, dev_worker, tmp_path: Path, capsys, monkeypatch
) -> None:
    """On a real dev server: an open trajectory's start and accepted events go into an owner-only file, and a
    forecast starts it again from them on a server of its own."""
    t = await Trajectory.start(dev_env, dev_worker, trajectory_id=f"export-{uuid.uuid4().hex[:8]}")
    await t.send("observation_started")
    await t.send("observation_completed", potential=True, motivated=True, hours_per_week=32)
    point_at(monkeypatch, dev_env.client, dev_worker.task_queue)
    exported_path = tmp_path / "open.json"
    for _ in range(50):  # visibility lists a new trajectory within moments on the dev server
        done = await run(capsys, "export", "--region", "almere", "--out", str(exported_path))
        assert done.code == 0, done.err
        mine = [x for x in json.loads(exported_path.read_text())["trajectories"] if x["workflow_id"] == t.handle.id]
        if mine:
            break
        await asyncio.sleep(0.2)
    assert exported_path.stat().st_mode & 0o777 == 0o600
    (item,) = mine
    assert item["start"]["trajectory_id"] == t.handle.id.removeprefix("trajectory-almere-")
    assert [e["event"] for e in item["events"]] == ["observation_started", "observation_completed"]
    people = open_people({"trajectories": [item]})
    result = await forecast(regions=["almere"], months=2, cohort=0, per_month=None, seed=1, policies=[],
                            assumptions=Assumptions(), open_trajectories=people)  # fmt: skip
    (report,) = result.reports
    assert (result.open_trajectories, report.events_accepted, report.events_refused) == (1, 2, [])
    assert {(s.state, s.people) for s in report.states} == {("awaiting_advice", 1)}
