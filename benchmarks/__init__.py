"""The benchmark suite: what a trajectory costs, each figure against bare Temporal in the same run.

Run it with ``python3 dev.py bench`` (``--quick`` for a short run; ``--help`` for the options). It is not
part of the test suite: it starts its own servers on random free ports and writes a table to the terminal
and a JSON file to ``benchmarks/results/``. ``BENCHMARKS.md`` explains the figures.
"""
