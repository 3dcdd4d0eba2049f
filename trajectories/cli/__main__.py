"""``python -m trajectories.cli``: the same as the installed ``trajectories`` script."""

from trajectories.cli.commands import entry_point

entry_point()
