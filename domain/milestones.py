"""Each region's table of what its facts mean for the outcome figures (kengetallen).

The facts (:mod:`domain.facts`) are the same for every region: a start and a row per transition. Which state
is paid work, which event a fallback, which ending counts as "ended in work" differs per route, and lives here
as data, one table per region, checked against the region's machine by ``tests/test_figures.py`` (every
state and event named here exists). Seed 004 and the "Elf aandachtspunten" of seed 001 ask that a route be
judged by its outcome ("sturen op output"), so these tables are the municipality's definition of success.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SHELTERED = "sheltered_work"
REGULAR = "regular_work"
BANENAFSPRAAK = "banenafspraak"
PAID = "paid_work"


@dataclass(frozen=True)
class Milestones:
    """How one region's facts count.

    ``work_states``: entering one of these states is a placement in paid work, of the kind given (``None``:
    the kind the fact itself carries, e.g. Amsterdam's chosen outflow). ``success_states``: the route's goal is
    reached (the trajectory "ended in work", also while the person stays employed). ``moved_on_states``: where
    a closed trajectory went (paid work, volunteering, education). ``contract_events``: the start of paid
    work, for the time from referral to contract. ``fallback_events``: a placement that failed or threatens
    to. ``ladder_events`` / ``wage_value_events``: events whose fact carries a ladder step / a wage value.
    """

    work_states: Mapping[str, str | None]
    success_states: frozenset[str]
    contract_events: frozenset[str]
    fallback_events: frozenset[str]
    moved_on_states: Mapping[str, str] = field(default_factory=dict)
    ladder_events: frozenset[str] = frozenset()
    wage_value_events: frozenset[str] = frozenset()


MILESTONES: dict[str, Milestones] = {
    "almere": Milestones(
        # Sheltered work (beschut werk) at an employer; the employer type splits Almere's placements.
        work_states={"employed": SHELTERED, "permanent": SHELTERED, "closed_regular_work": REGULAR},
        success_states=frozenset({"permanent", "closed_regular_work"}),
        contract_events=frozenset({"contract_signed"}),
        fallback_events=frozenset({"trial_failed", "employment_ended"}),
        moved_on_states={"closed_regular_work": REGULAR},  # onward after UWV's re-examination (issue 16)
        wage_value_events=frozenset({"wage_value_assessed"}),
    ),
    "amsterdam": Milestones(
        work_states={"employed": None},
        success_states=frozenset({"follow_up", "closed_in_work"}),  # the transition complete: followed, then closed
        contract_events=frozenset({"employment_started"}),
        fallback_events=frozenset({"fallback_reported"}),
        moved_on_states={"closed_in_work": PAID},
        wage_value_events=frozenset({"wage_value_assessed"}),
    ),
    "oss": Milestones(
        work_states={"employed": None, "closed_regular_work": REGULAR},
        success_states=frozenset({"closed_completed", "closed_regular_work"}),
        contract_events=frozenset({"work_started"}),
        fallback_events=frozenset({"fallback_threatened", "employment_ended"}),
        moved_on_states={"closed_completed": PAID, "closed_regular_work": REGULAR},
        ladder_events=frozenset({"screening_completed", "ladder_step_recorded"}),  # the baseline, then steps
    ),
    "rijk-van-nijmegen": Milestones(
        work_states={"one_leg_in_each": PAID, "in_work": PAID},
        success_states=frozenset({"closed_in_work"}),
        contract_events=frozenset({"work_step_started"}),
        fallback_events=frozenset({"fell_back"}),
        moved_on_states={
            "closed_in_work": PAID,
            "closed_volunteering": "volunteering",
            "closed_education": "education",
        },
        wage_value_events=frozenset({"wage_value_measured"}),
    ),
}
"""Region → its table. A region without one has facts but no figures beyond inflow and money."""
