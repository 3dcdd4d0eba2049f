"""The ``trajectories`` command for staff and scripts; it talks to Temporal directly (``TEMPORAL_*`` settings)."""

from trajectories.cli.commands import entry_point, main

__all__ = ["entry_point", "main"]
