"""Employment and aftercare (nazorg) deadlines, shared by every route that places people in work.

Quarterly supervision-fee payments, aftercare visits, contract renewal and the permanent-hire deadline.
The lengths come from the region's policy; the route decides when employment starts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

from workflows.deadlines import DeadlineBook

with workflow.unsafe.imports_passed_through():
    from domain.dates import add_months, start_of_day
    from domain.records import Escalation, Notify, PaySupervisionFee, Recipient

EMPLOYED = ("employed", "permanent")
"""States in which payments and aftercare run."""

TEMPORARY_CONTRACT = ("employed",)
"""States in which the contract can end and the permanent-hire deadline runs."""


class EmploymentSchedule:
    """Arms the deadlines of employment on a :class:`DeadlineBook`, from a region's policy."""

    def __init__(self, book: DeadlineBook, policy: Any):
        self.book = book
        self.policy = policy

    def start(self, employment_start: date, contract_end: date) -> None:
        policy = self.policy
        begin = start_of_day(employment_start)
        self.book.arm(
            "supervision_fee",
            add_months(begin, policy.supervision_fee_every_months),
            f"supervision fee €{policy.supervision_fee}",
            PaySupervisionFee(amount=policy.supervision_fee),
            EMPLOYED,
            every_months=policy.supervision_fee_every_months,
        )
        self.visit_from(employment_start)
        self.contract_until(contract_end)
        two_years = add_months(begin, policy.permanent_hire_after_months)
        self.book.arm(
            "permanent_hire",
            add_months(two_years, -policy.permanent_hire_notice_months),
            "permanent hire due",
            Notify(kind="permanent_hire_due", recipient=Recipient.COACH),
            TEMPORARY_CONTRACT,
        )
        self.book.arm(
            "permanent_hire_deadline",
            two_years,
            "two years employed: permanent hire",
            Notify(kind="permanent_hire_overdue", recipient=Recipient.TEAM_LEAD),
            TEMPORARY_CONTRACT,
        )

    def visit_from(self, last_contact: date) -> None:
        """The next aftercare visit is due a policy interval after the last one, and every interval after."""
        every = self.policy.aftercare_visit_every_months
        self.book.arm(
            "aftercare_visit",
            add_months(start_of_day(last_contact), every),
            "aftercare visit due",
            Notify(kind="aftercare_visit_due", recipient=Recipient.COACH),
            EMPLOYED,
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
            TEMPORARY_CONTRACT,
            escalation=Escalation(
                name="contract_end",
                after=notice,
                summary="contract ends without renewal",
                notify=Notify(kind="contract_ending_unrenewed", recipient=Recipient.TEAM_LEAD),
            ),
        )
        self.book.clear("contract_end")
