"""Employment and aftercare (nazorg) deadlines, shared by every route that places people in work.

Quarterly supervision-fee payments, an optional one-off payment, aftercare visits, contract renewal and
the permanent-hire deadline. The lengths and amounts come from the region's policy (an
``EmploymentPolicy``: ``None`` switches a part off); the route decides when employment starts and in
which of its states employment runs.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

from workflows.deadlines import DeadlineBook

with workflow.unsafe.imports_passed_through():
    from domain.dates import add_months, start_of_day
    from domain.records import Escalation, Notify, Pay, PaySupervisionFee, Recipient

EMPLOYED = ("employed", "permanent")
"""States in which payments and aftercare run."""

TEMPORARY_CONTRACT = ("employed",)
"""States in which the contract can end and the permanent-hire deadline runs."""


class EmploymentSchedule:
    """Arms the deadlines of employment on a :class:`DeadlineBook`, from a region's policy."""

    def __init__(
        self,
        book: DeadlineBook,
        policy: Any,
        *,
        employed: tuple[str, ...] = EMPLOYED,
        temporary_contract: tuple[str, ...] = TEMPORARY_CONTRACT,
    ):
        self.book = book
        self.policy = policy
        self.employed = employed
        self.temporary_contract = temporary_contract

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
        self.book.arm(
            "permanent_hire",
            add_months(two_years, -policy.permanent_hire_notice_months),
            "permanent hire due",
            Notify(kind="permanent_hire_due", recipient=Recipient.COACH),
            self.temporary_contract,
        )
        self.book.arm(
            "permanent_hire_deadline",
            two_years,
            "two years employed: permanent hire",
            Notify(kind="permanent_hire_overdue", recipient=Recipient.TEAM_LEAD),
            self.temporary_contract,
        )

    def visit_from(self, last_contact: date) -> None:
        """The next aftercare visit is due a policy interval after the last one, and every interval after."""
        every = self.policy.aftercare_visit_every_months
        if every is None:
            return
        self.book.arm(
            "aftercare_visit",
            add_months(start_of_day(last_contact), every),
            "aftercare visit due",
            Notify(kind="aftercare_visit_due", recipient=Recipient.COACH),
            self.employed,
            every_months=every,
        )

    def contract_until(self, contract_end: date) -> None:
        """Renewal is due a notice period before the end; an unrenewed end is escalated to the team lead."""
        end = start_of_day(contract_end)
        notice: timedelta = self.policy.contract_renewal_notice
        self.book.arm(
            "contract_renewal",
            end - notice,
            "contract renewal due",
            Notify(kind="contract_renewal_due", recipient=Recipient.COACH),
            self.temporary_contract,
            escalation=Escalation(
                name="contract_end",
                after=notice,
                summary="contract ends without renewal",
                notify=Notify(kind="contract_ending_unrenewed", recipient=Recipient.TEAM_LEAD),
            ),
        )
        self.book.clear("contract_end")
