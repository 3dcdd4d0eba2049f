"""The records database: everything that must outlive Temporal's retention or be read across trajectories.

One SQLAlchemy database (a SQLite file by default, PostgreSQL by URL) holding the audit trail, and the payment
ledger, agenda, absences and outcome facts as their owners add them. Its schema is made by the Alembic
migrations in ``records/migrations`` and brought to head when the database is opened (``open_records``).

The bottom floor: imports nothing from ``trajectories/``, ``workflows/`` or ``activities/``.
"""

from records.database import Records, open_records

__all__ = ["Records", "open_records"]
