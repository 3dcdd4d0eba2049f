"""Alembic migrations of the records database (``python -m records --help``)."""
