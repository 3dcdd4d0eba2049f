"""Outcome figures computed from facts: a synthetic cohort counted by hand, and the regions' tables checked
against their machines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.facts import REFERRED, OutcomeFact
from domain.figures import LedgerLine, compute
from domain.milestones import MILESTONES
from workflows import WORKFLOWS


class Cohort:
    """Facts as the trajectories would write them, built by hand."""

    def __init__(self, region: str = "amsterdam"):
        self.region = region
        self.facts: list[OutcomeFact] = []

    def trajectory(
        self, tid: str, provider: str, steps: list[tuple[str, str, str, bool]], *, day: int = 1, **extra
    ) -> None:
        """``steps``: (event, from, to, closed), one a day from ``2027-03-<day>`` on."""
        wid = f"trajectory-{self.region}-{tid}"
        at = datetime(2027, 3, day, 10, tzinfo=UTC)
        self.facts.append(
            OutcomeFact(key=f"{wid}:f0", workflow_id=wid, region=self.region, trajectory_id=tid, at=at, event=REFERRED,
                        to_state="intake", source="day_activities_provider", provider_id=provider)
        )  # fmt: skip
        for n, (event, source, target, closed) in enumerate(steps, start=1):
            self.facts.append(
                OutcomeFact(key=f"{wid}:f{n}", workflow_id=wid, region=self.region, trajectory_id=tid,
                            at=at.replace(month=3 + n), event=event, from_state=source, to_state=target, closed=closed,
                            provider_id=provider, **extra.get(event, {}))
            )  # fmt: skip


IN_WORK = [
    ("joint_decision_recorded", "intake", "preparing", False),
    ("outflow_chosen", "preparing", "seeking_work", False),
    ("employment_started", "seeking_work", "employed", False),
    ("placement_completed", "employed", "closed_in_work", True),
]
FALLEN_BACK = [
    ("joint_decision_recorded", "intake", "preparing", False),
    ("outflow_chosen", "preparing", "seeking_work", False),
    ("employment_started", "seeking_work", "employed", False),
    ("fallback_reported", "employed", "fallback_review", False),
    ("trajectory_stopped", "fallback_review", "closed_in_day_activities", True),
]
OPEN = [("joint_decision_recorded", "intake", "preparing", False)]


def ten_trajectories() -> Cohort:
    """10 trajectories: 6 end in work, 2 fall back and end in day activities, 2 stay open."""
    cohort = Cohort()
    work_kind = {"employment_started": {"work_kind": "sheltered_work"}}
    for n in range(5):
        cohort.trajectory(f"good-{n}", "provider-good", IN_WORK, day=1 + n, **work_kind)
    cohort.trajectory("good-open", "provider-good", OPEN)
    cohort.trajectory("lag-work", "provider-lagging", IN_WORK, **work_kind)
    cohort.trajectory("lag-back-1", "provider-lagging", FALLEN_BACK, **work_kind)
    cohort.trajectory("lag-back-2", "provider-lagging", FALLEN_BACK, **work_kind)
    cohort.trajectory("lag-open", "provider-lagging", OPEN)
    return cohort


def test_a_cohort_counted_by_hand_gives_exactly_its_figures_per_provider() -> None:
    figures = compute(ten_trajectories().facts, start=date(2027, 1, 1), end=date(2027, 12, 31), region="amsterdam")

    assert [(c.key, c.count) for c in figures.inflow] == [("day_activities_provider", 10)]
    # 8 placements (5 + 1 in work, 2 that later fell back), all sheltered work, first entry only.
    assert [(c.key, c.count) for c in figures.placements] == [("sheltered_work", 8)]
    providers = {p.provider_id: p for p in figures.providers}
    good, lagging = providers["provider-good"], providers["provider-lagging"]
    assert (good.started, good.ended, good.ended_in_work, good.percent_in_work, good.lagging) == (6, 5, 5, 100.0, False)
    assert (lagging.started, lagging.ended, lagging.ended_in_work, lagging.lagging) == (4, 3, 1, True)
    assert lagging.percent_in_work == pytest.approx(33.3)
    assert sum(p.ended_in_work for p in figures.providers) == 6
    assert [(a.attempt, a.fallbacks) for a in figures.fallbacks_per_attempt] == [(0, 2)]
    assert [(c.key, c.count) for c in figures.moved_on] == [("paid_work", 6)]
    # referred 1 March (days 1..5), employment_started on the 3rd step, in June: 92 days for day 1.
    duration = figures.referral_to_contract[0]
    assert duration.contracts == 8
    assert duration.median_days == 92.0


def test_the_period_selects_by_the_date_in_amsterdam() -> None:
    cohort = ten_trajectories()
    # Placements happened in June 2027; a period of the first quarter sees the inflow only.
    figures = compute(cohort.facts, start=date(2027, 1, 1), end=date(2027, 3, 31), region="amsterdam")
    assert sum(c.count for c in figures.inflow) == 10
    assert figures.placements == []
    assert all(p.ended == 0 for p in figures.providers)
    # 23:30 UTC on 31 March is 1 April in Amsterdam: outside the first quarter.
    late = OutcomeFact(key="k", workflow_id="trajectory-amsterdam-late", region="amsterdam", trajectory_id="late",
                       at=datetime(2027, 3, 31, 23, 30, tzinfo=UTC), event=REFERRED, to_state="intake")  # fmt: skip
    assert compute([late], start=date(2027, 1, 1), end=date(2027, 3, 31)).inflow == []


def test_targets_commitments_and_money() -> None:
    figures = compute(
        ten_trajectories().facts,
        start=date(2027, 1, 1),
        end=date(2027, 12, 31),
        targets={("amsterdam", 2027): 10},
        commitments={("provider-good", 2027): 12},
        ledger=[
            LedgerLine(region="amsterdam", payee="employer-a", kind="supervision_fee", amount_cents=190000, due=date(2027, 4, 1)),
            LedgerLine(region="amsterdam", payee="employer-a", kind="supervision_fee", amount_cents=190000, due=date(2027, 6, 30)),
            LedgerLine(region="amsterdam", payee="employer-a", kind="job_coaching", amount_cents=250000, due=date(2027, 7, 1)),
            LedgerLine(region="almere", payee="employer-b", kind="supervision_fee", amount_cents=190000, due=date(2027, 7, 1)),
        ],
    )  # fmt: skip
    assert [(t.year, t.target, t.realised, t.percent) for t in figures.targets] == [(2027, 10, 8, 80.0)]
    assert {p.provider_id: p.commitment for p in figures.providers} == {"provider-good": 12, "provider-lagging": None}
    assert [(m.quarter, m.region, m.payee, m.amount_cents) for m in figures.money] == [
        ("2027-Q2", "amsterdam", "employer-a", 380000),
        ("2027-Q3", "almere", "employer-b", 190000),
        ("2027-Q3", "amsterdam", "employer-a", 250000),
    ]


def test_ladder_steps_and_wage_values_count_growth_per_person() -> None:
    oss = Cohort("oss")
    ladder = [("ladder_step_recorded", "planning", "planning", False)] * 3
    oss.facts = []
    oss.trajectory("a", "p", ladder)
    for fact, step in zip([f for f in oss.facts if f.event != REFERRED], [2, 3, 5], strict=True):
        fact.value = step
    oss.trajectory("b", "p", ladder[:1])
    oss.facts[-1].value = 4
    figures = compute(oss.facts, start=date(2027, 1, 1), end=date(2027, 12, 31), region="oss")
    assert [(f.people_measured, f.people_climbed, f.steps_climbed) for f in figures.ladder] == [(2, 1, 3)]


@pytest.mark.parametrize("region", sorted(MILESTONES))
def test_every_table_entry_names_a_real_state_or_event(region: str) -> None:
    machine = WORKFLOWS[region].route_class
    states = {state.id for state in machine.states}
    events = {event.id for event in machine.events}
    table = MILESTONES[region]
    assert set(table.work_states) <= states
    assert table.success_states <= states
    assert set(table.moved_on_states) <= states
    for named in (table.contract_events, table.fallback_events, table.ladder_events, table.wage_value_events):
        assert named <= events, named - events


def test_every_region_has_a_table() -> None:
    assert set(MILESTONES) == set(WORKFLOWS)
