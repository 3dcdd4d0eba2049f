"""The bottom floor every process shares: settings from the environment (``config``), payload encryption and
connecting to Temporal.

Nothing here imports the front-ends (``trajectories/``), the workflows or the activities; activities, the
worker and the front-ends import it. ``tests/test_layers.py`` enforces the floors.
"""
