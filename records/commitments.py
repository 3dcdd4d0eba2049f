"""Provider commitments (Meewerken-plus) as the figures read them (table ``provider_commitments``).

An operator sets them through ``trajectories.commitments`` (API and CLI); every change is a row and the latest per
provider and year counts. A provider id names one organisation, so its commitment is keyed by every region in
which that provider's trajectories have outcome facts: the figures compare it per (region, provider, year).
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from records.schema import outcome_facts, provider_commitments


def current(connection: Connection) -> dict[tuple[str, str, int], int]:
    """(region, provider, year) → the trajectories the provider signed up for that year (its latest value)."""
    table = provider_commitments
    latest: dict[tuple[str, int], int] = {}
    for provider, year, trajectories in connection.execute(
        sa.select(table.c.provider_id, table.c.year, table.c.trajectories).order_by(table.c.id)
    ):
        latest[(provider, year)] = trajectories
    regions: dict[str, set[str]] = defaultdict(set)
    located = sa.select(outcome_facts.c.region, outcome_facts.c.provider_id).where(
        outcome_facts.c.provider_id.in_({provider for provider, _ in latest})
    )
    for region, provider in connection.execute(located.distinct()):
        regions[provider].add(region)
    return {
        (region, provider, year): trajectories
        for (provider, year), trajectories in latest.items()
        for region in sorted(regions[provider])
    }
