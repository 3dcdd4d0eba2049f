"""Employment and aftercare (nazorg) deadlines, shared by every route that places people in work.

Aftercare visits, contract renewal and the permanent-hire deadline are rows of the route's deadline table
(:func:`employment_rules`, with the route's states), armed through the engine like every other row; the
quarterly supervision fee and the one-off payment of runs from before ``payment-streams`` stay fixed-amount
deadlines of the book (payments now follow the facts: ``workflows.payments``). The lengths and amounts come
from the region's policy (an ``EmploymentPolicy``: ``None`` switches a part off); the route decides when
employment starts and in which of its states employment runs.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.dates import add_months, start_of_day
    from domain.deadline_rules import DeadlineRule, Escalate
    from domain.records import Pay, PaySupervisionFee, Recipient

if TYPE_CHECKING:
    from workflows.state import Engine

EMPLOYED = ("employed", "permanent")
"""States in which payments and aftercare run."""

TEMPORARY_CONTRACT = ("employed",)
"""States in which the contract can end and the permanent-hire deadline runs."""


def employment_rules(
    employed: tuple[str, ...] = EMPLOYED, temporary_contract: tuple[str, ...] = TEMPORARY_CONTRACT, *,
    aftercare: bool = True, permanent_hire: bool = True,
) -> list[DeadlineRule]:  # fmt: skip
    """Employment's rows for a route's table: in ``employed`` aftercare runs, in ``temporary_contract`` the contract
    can end and the permanent-hire deadline runs. ``aftercare``, ``permanent_hire``: the route's policy has them."""
    rows = [
        DeadlineRule(
            name="contract_renewal", summary="contract renewal due", kind="contract_renewal_due",
            scope=temporary_contract,
            escalate=Escalate(after="contract_renewal_notice", summary="contract ends without renewal",
                              kind="contract_ending_unrenewed", name="contract_end"),
        ),
    ]  # fmt: skip
    if aftercare:
        rows.append(
            DeadlineRule(
                name="aftercare_visit",
                summary="aftercare visit due",
                kind="aftercare_visit_due",
                scope=employed,
                every_months="aftercare_visit_every_months",
            )  # fmt: skip
        )
    if permanent_hire:
        rows += [
            DeadlineRule(name="permanent_hire", summary="permanent hire due", kind="permanent_hire_due",
                         scope=temporary_contract),
            DeadlineRule(name="permanent_hire_deadline", summary="two years employed: permanent hire",
                         kind="permanent_hire_overdue", recipient=Recipient.TEAM_LEAD, scope=temporary_contract),
        ]  # fmt: skip
    return rows


class EmploymentSchedule:
    """Arms the deadlines of employment for a trajectory, from its route's table and its policy."""

    def __init__(self, engine: Engine, *, employed: tuple[str, ...] = EMPLOYED):
        self.engine = engine
        self.book = engine.deadlines
        self.policy = engine.policy
        self.employed = employed
        """Where the fixed-amount payments of runs from before ``payment-streams`` run."""

    def arm(self, name: str, **options: object) -> None:
        self.engine.arm(self.engine.deadline_table[name], **options)  # type: ignore[arg-type]

    def start(
        self, employment_start: date, contract_end: date | None, *, paid: bool = True, one_off_paid: bool = False
    ) -> None:
        """Arm employment's deadlines. ``paid``: the employer gets the supervision fee (and the one-off
        payment, unless ``one_off_paid``: it was ordered before in this trajectory). No ``contract_end``:
        an open-ended contract, nothing to renew."""
        policy = self.policy
        begin = start_of_day(employment_start)
        if paid:
            self.book.arm(
                "supervision_fee",
                add_months(begin, policy.supervision_fee_every_months),
                f"supervision fee €{policy.supervision_fee}",
                PaySupervisionFee(amount=policy.supervision_fee),
                self.employed,
                every_months=policy.supervision_fee_every_months,
            )
        if paid and policy.one_off_payment is not None and not one_off_paid:
            self.book.arm(
                policy.one_off_payment_kind,
                begin,
                f"{policy.one_off_payment_kind.replace('_', ' ')} €{policy.one_off_payment} (once)",
                Pay(kind=policy.one_off_payment_kind, amount=policy.one_off_payment),
                self.employed,
            )
        self.visit_from(employment_start)
        if contract_end is not None:
            self.contract_until(contract_end)
        if policy.permanent_hire_after_months is None:
            return
        two_years = add_months(begin, policy.permanent_hire_after_months)
        self.arm("permanent_hire", at=add_months(two_years, -policy.permanent_hire_notice_months))
        self.arm("permanent_hire_deadline", at=two_years)

    def visit_from(self, last_contact: date) -> None:
        """The next aftercare visit is due a policy interval after the last one, and every interval after."""
        every = self.policy.aftercare_visit_every_months
        if every is None:
            return
        self.arm("aftercare_visit", at=add_months(start_of_day(last_contact), every))

    def contract_until(self, contract_end: date) -> None:
        """Renewal is due a notice period before the end; an unrenewed end is escalated to the team lead."""
        notice: timedelta = self.policy.contract_renewal_notice
        self.arm("contract_renewal", at=start_of_day(contract_end) - notice)
        self.book.clear("contract_end")
