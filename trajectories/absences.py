"""Registering, listing and cancelling absences: the calls the API and the CLI share.

The roster is in the records database (``records.absences``); the notification activity reads it when it sends.
"""

from __future__ import annotations

from domain.absences import Absence, AbsenceRefused, AbsenceRequest, stand_in_problem
from records import open_records
from records.absences import Roster
from service import config
from workflows import WORKFLOWS


def default_stand_in(coach_id: str) -> str | None:
    """The other of a region's two advisors (``advisor_ids``: Almere's pair, who know each other's clients and
    stand in for each other, seed 000), if ``coach_id`` is one of them."""
    for workflow in WORKFLOWS.values():
        pair = workflow.policy.advisor_ids
        if len(pair) == 2 and coach_id in pair:
            return pair[1 - pair.index(coach_id)]
    return None


def roster(url: str | None = None) -> Roster:
    return Roster(open_records(url or config.records_url()))


def add(coach_id: str, request: AbsenceRequest, *, url: str | None = None) -> Absence:
    """Register an absence; :class:`AbsenceRefused` naming the fields when it cannot be (nothing is stored)."""
    stand_in = request.stand_in or default_stand_in(coach_id)
    if stand_in is None:
        raise AbsenceRefused(
            f"no stand_in given, and no region's policy names a default stand-in for {coach_id}", ["stand_in"]
        )
    problem = stand_in_problem(coach_id, stand_in)
    if problem:
        raise AbsenceRefused(problem, ["stand_in"])
    return roster(url).add(coach_id, request.first_day, request.last_day, stand_in)


def listed(coach_id: str, *, include_cancelled: bool = False, url: str | None = None) -> list[Absence]:
    return roster(url).list(coach_id, include_cancelled=include_cancelled)


def cancel(coach_id: str, absence_id: str, *, url: str | None = None) -> Absence | None:
    return roster(url).cancel(coach_id, absence_id)
