"""What each region pays, as policy data: payment rules with their rates and the dates the rates take effect.

Amounts are integer euro cents. ``default=True`` marks our own choice where neither a seed nor a statute gives
the amount (ROUTES.md's *(default)*); every other rate names its source. A new rate is added with the date it
takes effect, before that day (orders are made ahead up to a rule's next ``rate_change_days``); orders
already made never change (see ``domain/payments.py``).
"""

from __future__ import annotations

from datetime import date

from domain.payments import PaymentKind, PaymentRule, Rate, TaperStep

MINIMUM_WAGE_PER_HOUR = (
    Rate(effective_from=date(2024, 1, 1), cents=1327, source="Wet minimumloon: hourly minimum wage, 21 and over"),
    Rate(effective_from=date(2024, 7, 1), cents=1368, source="Wet minimumloon: hourly minimum wage, 21 and over"),
    Rate(effective_from=date(2025, 1, 1), cents=1406, source="Wet minimumloon: hourly minimum wage, 21 and over"),
    Rate(effective_from=date(2025, 7, 1), cents=1440, source="Wet minimumloon: hourly minimum wage, 21 and over"),
    Rate(effective_from=date(2026, 1, 1), cents=1471, source="Wet minimumloon: hourly minimum wage, 21 and over"),
)
"""The statutory minimum wage changes on 1 January and 1 July: add each new rate here when it is published."""

WAGE_COST_SUBSIDY = PaymentRule(
    kind=PaymentKind.WAGE_COST_SUBSIDY,
    payee="employer",
    rates=MINIMUM_WAGE_PER_HOUR,
    accrual_months=1,
    every_months=1,
    basis="wage_cost_subsidy",
    wage_cost_cap_percent=70,
    employer_cost_allowance_percent=23,
    rate_change_days=((1, 1), (7, 1)),
    note="Participatiewet art. 10d: minimum wage for the contract hours less the wage value (at most 70 %), "
    "plus the flat employer-cost allowance (23 %); paid monthly in arrears",
)

ALMERE_PAYMENTS = {
    "supervision_fee": PaymentRule(
        kind=PaymentKind.SUPERVISION_FEE,
        payee="employer",
        rates=(
            Rate(
                effective_from=date(2019, 1, 1), cents=190_000, source="seeds 000/001: €7.600 a year, €1.900 a quarter"
            ),
        ),
        accrual_months=3,
        every_months=3,
        note="per quarter of employment, in arrears",
    ),
    "wage_cost_subsidy": WAGE_COST_SUBSIDY,
    "travel_costs": PaymentRule(
        kind=PaymentKind.TRAVEL_COSTS,
        payee="participant",
        rates=(Rate(effective_from=date(2019, 1, 1), cents=50_000, default=True, source="our cap on one claim"),),
        every_months=0,
        note="travel costs during the unpaid trial (seed 001), claimed with an amount; the rate is the cap per claim",
    ),
}

AMSTERDAM_PAYMENTS = {
    "supervision_fee": PaymentRule(
        kind=PaymentKind.SUPERVISION_FEE,
        payee="employer",
        rates=(
            Rate(
                effective_from=date(2021, 1, 1),
                cents=190_000,
                default=True,
                source="seed 001 names no amount: Almere's €1.900 a quarter, for a 36-hour contract",
            ),
        ),
        accrual_months=3,
        every_months=3,
        taper=(
            TaperStep(from_month=0, percent=100, default=True),
            TaperStep(from_month=12, percent=75, default=True),
            TaperStep(from_month=24, percent=50, default=True),
            TaperStep(from_month=36, percent=25, default=True),
        ),
        note="seed 001: supervision paid for a 36-hour contract (fewer hours: pro rata); the funding moves to the "
        "employer gradually over the years (the taper)",
    ),
    "job_coaching": PaymentRule(
        kind=PaymentKind.JOB_COACHING,
        payee="employer",
        rates=(
            Rate(effective_from=date(2021, 1, 1), cents=250_000, source="seed 001: €2.500 extra in the first year"),
        ),
        every_months=0,
        note="once, in the first year of employment",
    ),
    "internship": PaymentRule(
        kind=PaymentKind.INTERNSHIP,
        payee="internship_host",
        rates=(Rate(effective_from=date(2021, 1, 1), cents=40_000, default=True, source="seed 001 names no amount"),),
        accrual_months=1,
        every_months=1,
        note="learning-work internship company (Pantar, Milieuwerk), per month in arrears",
    ),
    "wage_cost_subsidy": WAGE_COST_SUBSIDY,
}

RIJK_VAN_NIJMEGEN_PAYMENTS = {
    "basic_arrangement": PaymentRule(
        kind=PaymentKind.BASIC_ARRANGEMENT,
        payee="provider",
        rates=(Rate(effective_from=date(2021, 1, 1), cents=850, source="seed 001: €8,50 per dagdeel"),),
        every_months=0,
        note="per half-day of the monthly attendance the provider reports",
    ),
    "development_arrangement": PaymentRule(
        kind=PaymentKind.DEVELOPMENT_ARRANGEMENT,
        payee="provider",
        rates=(Rate(effective_from=date(2021, 1, 1), cents=341_472, source="seed 001: €3.414,72 per jaar"),),
        accrual_months=12,
        every_months=1,
        note="per year of arrangement, paid monthly pro rata, not for paused days, anew for a retry",
    ),
}

OSS_PAYMENTS = {
    "supervision_fee": PaymentRule(
        kind=PaymentKind.SUPERVISION_FEE,
        payee="employer",
        rates=(
            Rate(
                effective_from=date(2021, 1, 1),
                cents=190_000,
                default=True,
                source="seed 001 names no amount: Almere's €1.900 a quarter",
            ),
        ),
        accrual_months=3,
        every_months=3,
        note="sheltered track only, per quarter of employment in arrears",
    ),
    "wage_cost_subsidy": WAGE_COST_SUBSIDY,
}
