"""Sample trajectories the run command starts, so the Web UI is not empty."""
