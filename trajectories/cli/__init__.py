"""The ``trajectories`` command for staff and scripts; it talks to Temporal directly (``TEMPORAL_*`` settings)."""

from trajectories.cli.commands import main

__all__ = ["main"]
