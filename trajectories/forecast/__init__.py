"""Forecast and what-if: the real routes replayed in skipped time (``trajectories forecast``).

A municipality choosing or changing its route asks what it costs, whom it moves and how much work it gives its
coaches ("Elf aandachtspunten", seed 001). The routes are code, so this runs them: a synthetic intake whose
events are drawn from probabilities kept as data (``assumptions``), and/or today's open trajectories, through
the project's own workflows and worker on a time-skipping test server (``trajectories.cohort``), into a records
database and an outbox of the forecast's own; the report is read from those (``report``). Never the real
Temporal server, never the real records database.
"""
