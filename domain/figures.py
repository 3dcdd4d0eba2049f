"""Outcome figures (kengetallen) computed from facts, the ledger and the targets operators set.

Pure: the records database is read by ``trajectories.figures`` and handed in here, so every figure can be
computed by hand in a test from a list of facts. Counting rules, each a choice the seeds leave open (the README
says them too):

- A fact belongs to the period when its date in Europe/Amsterdam lies in ``[start, end]`` (both inclusive).
- **Inflow**: trajectories started in the period, by referral source.
- **Placements**: a trajectory's *first* entry into one of its region's work states within the period, by kind
  of work (and, where recorded, employer type: Almere's split between regular employers, providers and the
  sw-company). A later re-entry (after a fallback) is not a new placement.
- **Target against realised**: placements in a calendar year against the target set for that region and year.
- **Share ending in work per provider**: of the trajectories of a provider that *ended* in the period (closed, or
  reached a success state such as Almere's permanent contract), the share that ended in work; a provider under
  the starting point (Amsterdam's 50 %) is flagged as lagging. The commitment (number of trajectories a year)
  is shown beside the trajectories the provider actually started that year.
- **Median days from referral to contract**, **fallbacks per attempt**, **ladder steps climbed** (last minus first
  measured step in the period, per person measured), **wage-value growth** (last minus first), **moved
  on** (closed trajectories by destination), **money** per quarter and payee from the ledger.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from statistics import median
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from domain.facts import REFERRED, OutcomeFact
from domain.milestones import MILESTONES, Milestones

AMSTERDAM_TZ = ZoneInfo("Europe/Amsterdam")
UNKNOWN = "unknown"


class LedgerLine(BaseModel):
    """One payment order as the figures need it (read from the payment ledger)."""

    region: str
    payee: str
    kind: str
    amount_cents: int
    due: date


class Count(BaseModel):
    region: str
    key: str
    count: int


class TargetFigure(BaseModel):
    region: str
    year: int
    target: int | None
    realised: int
    percent: float | None = Field(description="Realised as a percentage of the target.")


class ProviderFigure(BaseModel):
    region: str
    provider_id: str
    started: int = Field(description="Trajectories of this provider started in the period.")
    ended: int
    ended_in_work: int
    percent_in_work: float | None
    target_percent: int
    lagging: bool = Field(description="Ended trajectories, and under the target share in work.")
    commitment: int | None = Field(default=None, description="Trajectories a year the provider signed up for.")


class LadderFigure(BaseModel):
    region: str
    people_measured: int
    people_climbed: int
    steps_climbed: int


class WageValueFigure(BaseModel):
    region: str
    people_measured: int
    people_grew: int
    average_growth_points: float | None


class DurationFigure(BaseModel):
    region: str
    contracts: int
    median_days: float | None


class AttemptCount(BaseModel):
    region: str
    attempt: int
    fallbacks: int


class MoneyFigure(BaseModel):
    quarter: str
    region: str
    payee: str
    amount_cents: int


class Figures(BaseModel):
    """Everything ``GET /figures`` answers, ``trajectories figures`` prints and the figures page draws."""

    region: str | None
    start: date
    end: date
    inflow: list[Count]
    placements: list[Count]
    placements_by_employer_type: list[Count]
    targets: list[TargetFigure]
    providers: list[ProviderFigure]
    moved_on: list[Count]
    ladder: list[LadderFigure]
    wage_value: list[WageValueFigure]
    referral_to_contract: list[DurationFigure]
    fallbacks_per_attempt: list[AttemptCount]
    money: list[MoneyFigure]


def local_date(fact: OutcomeFact) -> date:
    return fact.at.astimezone(AMSTERDAM_TZ).date()


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


class _Trajectory:
    """One trajectory's facts, oldest first, read against its region's milestones."""

    def __init__(self, facts: list[OutcomeFact], milestones: Milestones):
        self.facts = sorted(facts, key=lambda f: (f.at, f.key))
        self.milestones = milestones
        self.region = self.facts[0].region
        start = next((f for f in self.facts if f.event == REFERRED), None)
        self.started = local_date(start) if start else None
        self.source = (start.source if start else None) or UNKNOWN
        self.provider = next((f.provider_id for f in self.facts if f.provider_id), None) or UNKNOWN

    def first_placement(self) -> OutcomeFact | None:
        return next((f for f in self.facts if f.to_state in self.milestones.work_states), None)

    def work_kind(self, fact: OutcomeFact) -> str:
        return self.milestones.work_states.get(fact.to_state) or fact.work_kind or UNKNOWN

    def ending(self) -> OutcomeFact | None:
        """The fact that ended the route: a success state reached, or the trajectory closed."""
        return next((f for f in self.facts if f.to_state in self.milestones.success_states or f.closed), None)

    def values(self, events: frozenset[str]) -> list[int]:
        return [f.value for f in self.facts if f.event in events and f.value is not None]


def compute(
    facts: Iterable[OutcomeFact],
    *,
    start: date,
    end: date,
    region: str | None = None,
    ledger: Iterable[LedgerLine] = (),
    targets: Mapping[tuple[str, int], int] | None = None,
    commitments: Mapping[tuple[str, int], int] | None = None,
    work_share_target_percent: Mapping[str, int] | None = None,
    default_work_share_target_percent: int = 50,
) -> Figures:
    """The figures of ``region`` (all regions when ``None``) for the period ``start``..``end`` (inclusive).

    ``targets``: (region, year) → placements aimed for. ``commitments``: (provider, year) → trajectories
    the provider signed up for (Meewerken-plus). ``work_share_target_percent``: region → the share of a provider's ended
    trajectories that should end in work (Amsterdam's starting point: 50)."""
    targets, commitments = targets or {}, commitments or {}
    shares = work_share_target_percent or {}

    def in_period(day: date) -> bool:
        return start <= day <= end

    by_workflow: dict[str, list[OutcomeFact]] = defaultdict(list)
    for fact in facts:
        if (region is None or fact.region == region) and fact.region in MILESTONES:
            by_workflow[fact.workflow_id].append(fact)
    trajectories = [_Trajectory(group, MILESTONES[group[0].region]) for group in by_workflow.values()]

    inflow: Counter[tuple[str, str]] = Counter()
    placements: Counter[tuple[str, str]] = Counter()
    by_employer_type: Counter[tuple[str, str]] = Counter()
    realised: Counter[tuple[str, int]] = Counter()
    moved_on: Counter[tuple[str, str]] = Counter()
    fallbacks: Counter[tuple[str, int]] = Counter()
    provider_rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"started": 0, "ended": 0, "in_work": 0})
    started_per_year: Counter[tuple[str, str, int]] = Counter()
    durations: dict[str, list[int]] = defaultdict(list)
    ladders: dict[str, list[int]] = defaultdict(list)
    wage_values: dict[str, list[int]] = defaultdict(list)

    for t in trajectories:
        m, reg = t.milestones, t.region
        if t.started is not None:
            started_per_year[(reg, t.provider, t.started.year)] += 1
            if in_period(t.started):
                inflow[(reg, t.source)] += 1
                provider_rows[(reg, t.provider)]["started"] += 1
        placement = t.first_placement()
        if placement is not None:
            realised[(reg, local_date(placement).year)] += 1
            if in_period(local_date(placement)):
                placements[(reg, t.work_kind(placement))] += 1
                by_employer_type[(reg, placement.employer_type or UNKNOWN)] += 1
        ending = t.ending()
        if ending is not None and in_period(local_date(ending)):
            row = provider_rows[(reg, t.provider)]
            row["ended"] += 1
            row["in_work"] += ending.to_state in m.success_states
            if ending.closed and ending.to_state in m.moved_on_states:
                moved_on[(reg, m.moved_on_states[ending.to_state])] += 1
        contract = next((f for f in t.facts if f.event in m.contract_events), None)
        if contract is not None and t.started is not None and in_period(local_date(contract)):
            durations[reg].append((local_date(contract) - t.started).days)
        for fact in t.facts:
            if fact.event in m.fallback_events and in_period(local_date(fact)):
                fallbacks[(reg, fact.attempt)] += 1
        for events, sink in ((m.ladder_events, ladders), (m.wage_value_events, wage_values)):
            measured = [f for f in t.facts if f.event in events and f.value is not None and in_period(local_date(f))]
            if measured:  # one measurement counts as measured, with no growth yet
                sink[reg].append(int(measured[-1].value or 0) - int(measured[0].value or 0))

    regions = sorted({t.region for t in trajectories} | ({region} if region in MILESTONES else set()))
    years = range(start.year, end.year + 1)
    money: Counter[tuple[str, str, str]] = Counter()
    for line in ledger:
        if (region is None or line.region == region) and in_period(line.due):
            money[(quarter_of(line.due), line.region, line.payee)] += line.amount_cents

    def counts(counter: Counter[tuple[str, str]]) -> list[Count]:
        return [Count(region=r, key=k, count=n) for (r, k), n in sorted(counter.items())]

    def percent(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    provider_figures = []
    for (reg, provider), row in sorted(provider_rows.items()):
        target = shares.get(reg, default_work_share_target_percent)
        share = percent(row["in_work"], row["ended"])
        provider_figures.append(
            ProviderFigure(
                region=reg, provider_id=provider, started=row["started"], ended=row["ended"],
                ended_in_work=row["in_work"], percent_in_work=share, target_percent=target,
                lagging=share is not None and share < target,
                commitment=commitments.get((provider, start.year)),
            )
        )  # fmt: skip

    return Figures(
        region=region,
        start=start,
        end=end,
        inflow=counts(inflow),
        placements=counts(placements),
        placements_by_employer_type=counts(by_employer_type),
        targets=[
            TargetFigure(
                region=reg,
                year=year,
                target=targets.get((reg, year)),
                realised=realised[(reg, year)],
                percent=percent(realised[(reg, year)], targets[(reg, year)]) if targets.get((reg, year)) else None,
            )
            for reg in regions
            for year in years
        ],  # fmt: skip
        providers=provider_figures,
        moved_on=counts(moved_on),
        ladder=[
            LadderFigure(
                region=reg,
                people_measured=len(ladders[reg]),
                people_climbed=sum(1 for d in ladders[reg] if d > 0),
                steps_climbed=sum(d for d in ladders[reg] if d > 0),
            )
            for reg in regions
            if MILESTONES[reg].ladder_events
        ],  # fmt: skip
        wage_value=[
            WageValueFigure(
                region=reg,
                people_measured=len(wage_values[reg]),
                people_grew=sum(1 for d in wage_values[reg] if d > 0),
                average_growth_points=round(sum(wage_values[reg]) / len(wage_values[reg]), 1)
                if wage_values[reg]
                else None,
            )
            for reg in regions
            if MILESTONES[reg].wage_value_events
        ],  # fmt: skip
        referral_to_contract=[
            DurationFigure(
                region=reg,
                contracts=len(durations[reg]),
                median_days=median(durations[reg]) if durations[reg] else None,
            )
            for reg in regions
        ],
        fallbacks_per_attempt=[
            AttemptCount(region=reg, attempt=attempt, fallbacks=n) for (reg, attempt), n in sorted(fallbacks.items())
        ],
        money=[
            MoneyFigure(quarter=q, region=reg, payee=payee, amount_cents=cents)
            for (q, reg, payee), cents in sorted(money.items())
        ],
    )
