"""Outcome figures from the records database, for the API, the command line and the figures page.

The counting itself is pure (``domain.figures``); this module reads what it counts: the facts the trajectories
wrote, the targets operators set, the payment ledger and the providers' commitments.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from domain.figures import AMSTERDAM_TZ, Figures, LedgerLine, compute
from records import facts as fact_rows
from records import open_records, schema
from records import payments as payment_rows
from service import config
from workflows import WORKFLOWS

DEFAULT_WORK_SHARE_TARGET_PERCENT = 50
"""Amsterdam's starting point (seed 001): half of a provider's trajectories end in work. Regions whose policy
names no share of their own are held against it too."""

MAX_PERIOD = timedelta(days=366 * 10)


def work_share_targets() -> dict[str, int]:
    """Region → the share of ended trajectories that should end in work, from each region's policy."""
    shares = {}
    for region, workflow in WORKFLOWS.items():
        share = getattr(workflow.policy, "work_share_target_percent", None)
        shares[region] = int(share) if share is not None else DEFAULT_WORK_SHARE_TARGET_PERCENT
    return shares


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=AMSTERDAM_TZ)


def load_figures(start: date | None, end: date | None, region: str | None = None, url: str | None = None) -> Figures:
    """The figures of ``region`` (all when ``None``) for ``start``..``end``, from the records database at ``url``.

    Left out, ``end`` is today in Europe/Amsterdam, or the day of the newest fact if that is later (the sample
    year of ``serve`` runs ahead in skipped time), and ``start`` the same day a year earlier."""
    records = open_records(url or config.records_url())
    with records.read() as connection:
        if end is None:
            newest = fact_rows.newest(connection)
            end = max(datetime.now(AMSTERDAM_TZ).date(), newest.astimezone(AMSTERDAM_TZ).date() if newest else date.min)
        start = start or end - timedelta(days=365)
        facts = fact_rows.read_facts(connection, region=region, until=end_of_day(end))
        targets = fact_rows.targets(connection)
        ledger = [LedgerLine.model_validate(line) for line in _ledger(connection, region)]
        commitments = _commitments(connection)
    return compute(
        facts, start=start, end=end, region=region, ledger=ledger, targets=targets, commitments=commitments,
        work_share_target_percent=work_share_targets(), default_work_share_target_percent=DEFAULT_WORK_SHARE_TARGET_PERCENT,
    )  # fmt: skip


def _ledger(connection: Any, region: str | None) -> list[dict[str, Any]]:
    """The payment ledger's lines (issue 15), as the figures count money."""
    return payment_rows.ledger_lines(connection, region=region)


def _commitments(connection: Any) -> dict[tuple[str, int], int]:
    """(provider, year) → the trajectories the provider signed up for, as last set (``trajectories.commitments``)."""
    table = schema.provider_commitments
    rows = connection.execute(sa.select(table).order_by(table.c.set_at, table.c.id))
    return {(row.provider_id, row.year): row.trajectories for row in rows}


def set_target(region: str, year: int, target: int, set_by: str, url: str | None = None) -> None:
    records = open_records(url or config.records_url())
    with records.write() as connection:
        fact_rows.set_target(connection, region=region, year=year, target=target, set_by=set_by)


def target_history(region: str | None = None, url: str | None = None) -> list[dict[str, Any]]:
    records = open_records(url or config.records_url())
    with records.read() as connection:
        return fact_rows.target_history(connection, region)


CSV_COLUMNS = ("section", "region", "key", "measure", "value")


def csv_rows(figures: Figures) -> Iterator[tuple[Any, ...]]:
    """The figures as long rows (section, region, key, measure, value): one value a line, for a spreadsheet."""
    for section in ("inflow", "placements", "placements_by_employer_type", "moved_on"):
        for count in getattr(figures, section):
            yield section, count.region, count.key, "count", count.count
    for target in figures.targets:
        for measure in ("target", "realised", "percent"):
            yield "targets", target.region, str(target.year), measure, getattr(target, measure)
    for provider in figures.providers:
        for measure in (
            "started",
            "commitment",
            "ended",
            "ended_in_work",
            "percent_in_work",
            "target_percent",
            "lagging",
        ):
            yield "providers", provider.region, provider.provider_id, measure, getattr(provider, measure)
    for ladder in figures.ladder:
        for measure in ("people_measured", "people_climbed", "steps_climbed"):
            yield "ladder", ladder.region, "", measure, getattr(ladder, measure)
    for wage in figures.wage_value:
        for measure in ("people_measured", "people_grew", "average_growth_points"):
            yield "wage_value", wage.region, "", measure, getattr(wage, measure)
    for duration in figures.referral_to_contract:
        for measure in ("contracts", "median_days"):
            yield "referral_to_contract", duration.region, "", measure, getattr(duration, measure)
    for attempt in figures.fallbacks_per_attempt:
        yield "fallbacks_per_attempt", attempt.region, str(attempt.attempt), "fallbacks", attempt.fallbacks
    for money in figures.money:
        yield "money", money.region, f"{money.quarter} {money.payee}", "amount_cents", money.amount_cents


def to_csv(figures: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(figures):
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
