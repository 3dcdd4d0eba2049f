"""``python3 dev.py bench`` (or ``python -m benchmarks``): run the suite, print the table, write the JSON.

Each section starts its own server (a dev server on random free ports and a temporary SQLite file with
the run command's pragmas, or the time-skipping test server), so nothing touches a developer's server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import forecast, history, live, scale
from benchmarks.drive import Pair
from benchmarks.report import Row, machine, table, write
from benchmarks.servers import dev_server, time_skipping_server

SECTIONS = ("history", "skipped", "roundtrip", "throughput", "scale", "forecast")
RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 dev.py bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes for a check while developing")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    parser.add_argument("--scale", type=int, help="open trajectories for the scale figure (default 10,000)")
    parser.add_argument("--lifecycles", type=int, help="lifecycles driven for throughput (default 400)")
    parser.add_argument("--parallel", type=int, default=50, help="concurrent drivers/starters (default 50)")
    parser.add_argument("--samples", type=int, help="round-trip samples of each kind (default 500)")
    parser.add_argument("--at-once", type=int, help="lifecycles started at once in skipped time (default 100)")
    parser.add_argument("--forecast-people", type=int, help="people in the forecast figure (default 1,000)")
    parser.add_argument("--out", type=Path, help="JSON file (default benchmarks/results/<time>.json)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.scale = args.scale or (300 if quick else 10_000)
    args.lifecycles = args.lifecycles or (40 if quick else 400)
    args.samples = args.samples or (50 if quick else 500)
    args.at_once = args.at_once or (10 if quick else 100)
    args.one_by_one = 3 if quick else 10
    args.forecast_people = args.forecast_people or (50 if quick else 1000)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}: choose from {', '.join(SECTIONS)}")
    return args


async def run(args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    rows: list[Row] = []
    raw: dict[str, Any] = {"machine_at_start": machine()}
    outbox = Path(tempfile.mkdtemp(prefix="bench-outbox-"))

    def done(name: str, result: tuple[list[Row], dict[str, Any]], began: float) -> None:
        rows.extend(result[0])
        raw[name] = {**result[1], "wall_seconds": round(time.perf_counter() - began, 1)}
        print(table(result[0]) + "\n", flush=True)

    if "history" in args.sections:
        async with time_skipping_server() as env, Pair(env.client, outbox) as pair:
            began = time.perf_counter()
            done("history", await history.lifecycle_histories(env, pair), began)
            began = time.perf_counter()
            done("steady_year", await history.steady_year(env, pair), began)
    if "skipped" in args.sections:
        began = time.perf_counter()
        done("skipped_time", await history.skipped_time(outbox, one_by_one=args.one_by_one, at_once=args.at_once), began)
    if {"roundtrip", "throughput"} & set(args.sections):
        async with dev_server() as server, Pair(server.client, outbox) as pair:
            if "roundtrip" in args.sections:
                began = time.perf_counter()
                done("round_trip", await live.round_trip(pair, samples=args.samples), began)
                began = time.perf_counter()
                events = 100 if args.quick else 400
                done("round_trip_old", await live.round_trip_of_an_old_trajectory(pair, events=events), began)
            if "throughput" in args.sections:
                began = time.perf_counter()
                result = await live.throughput(
                    pair, lifecycles=args.lifecycles, parallel=args.parallel, server_pid=server.process.pid
                )
                done("throughput", result, began)
    if "scale" in args.sections:
        async with dev_server() as server:
            began = time.perf_counter()
            done("scale", await scale.scale(server, count=args.scale, parallel=args.parallel), began)
    if "forecast" in args.sections:
        began = time.perf_counter()
        done("forecast", await forecast.forecast_speed(people=args.forecast_people), began)
    return rows, raw


def main(argv: list[str]) -> None:
    args = parse(argv)
    settings = {k: v for k, v in vars(args).items() if k not in ("out", "only")}
    rows, raw = asyncio.run(run(args))
    out = args.out or RESULTS / f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    write(rows, raw, settings, out)
    print(table(rows))
    missed = [f"{row.section}: {row.figure}" for row in rows if row.met is False]
    print(f"\n{len(rows)} figures, {len(missed)} targets missed; JSON: {out}", flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown: the SDK's runtime threads can abort it after the servers stop


if __name__ == "__main__":
    main(sys.argv[1:])
