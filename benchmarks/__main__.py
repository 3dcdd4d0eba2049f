"""``python3 dev.py bench`` (or ``python -m benchmarks``): run the suite, print the tables, write the JSON.

Each section starts its own server (a dev server on random free ports and a temporary SQLite file with the run
command's pragmas, or the time-skipping test server), so nothing touches a developer's server. All other state
(the records database, the outbox, the twins' rows) lives in one temporary directory for the run, removed at
the end: never the checkout's ``var/``. Trajectories and twins run with the same worker cache size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.report import (
    Row,
    commit,
    machine,
    rows_markdown,
    table,
    targets_markdown,
    targets_table,
    update_markdown,
    write,
)

SECTIONS = (
    "machines",
    "history",
    "skipped",
    "fees",
    "roundtrip",
    "throughput",
    "evicted",
    "workers",
    "scale",
    "forecast",
)
RESULTS = Path(__file__).resolve().parent / "results"
SIZES: dict[str, dict[str, int]] = {
    # name: (full, --quick, --tiny)
    "scale": {"full": 10_000, "quick": 300, "tiny": 12},
    "lifecycles": {"full": 400, "quick": 40, "tiny": 4},
    "samples": {"full": 500, "quick": 50, "tiny": 4},
    "at_once": {"full": 100, "quick": 10, "tiny": 2},
    "one_by_one": {"full": 10, "quick": 3, "tiny": 1},
    "old_events": {"full": 400, "quick": 100, "tiny": 3},
    "evicted_open": {"full": 2_000, "quick": 300, "tiny": 10},
    "evicted_samples": {"full": 50, "quick": 20, "tiny": 3},
    "fees": {"full": 2_000, "quick": 300, "tiny": 4},
    "forecast_people": {"full": 1_000, "quick": 50, "tiny": 5},
    "parallel": {"full": 50, "quick": 50, "tiny": 4},
    "machine_builds": {"full": 500, "quick": 100, "tiny": 5},
}
TINY_CACHE = 3
"""``--tiny``'s worker cache: so few open trajectories still overflow it (evictions are exercised, not measured)."""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 dev.py bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small sizes for a check while developing (minutes)")
    size.add_argument("--tiny", action="store_true", help=f"smallest sizes and a cache of {TINY_CACHE}: proves the "
                      "harness runs end to end (under two minutes); its figures mean nothing")  # fmt: skip
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    parser.add_argument("--scale", type=int, help="(e) open trajectories (default 10,000)")
    parser.add_argument("--lifecycles", type=int, help="(c), (i) lifecycles driven for throughput (default 400)")
    parser.add_argument("--parallel", type=int, help="concurrent drivers/starters (default 50)")
    parser.add_argument("--samples", type=int, help="(b) round-trip samples of each kind (default 500)")
    parser.add_argument("--at-once", type=int, help="(f) lifecycles started at once in skipped time (default 100)")
    parser.add_argument(
        "--evicted-open", type=int, help="(g) open trajectories behind the evicted ones (default 2,000)"
    )
    parser.add_argument("--fees", type=int, help="(h) quarterly fees due at one moment (default 2,000)")
    parser.add_argument("--machine-builds", type=int, help="route machines built per region and way (default 500)")
    parser.add_argument("--forecast-people", type=int, help="people in the forecast figure (default 1,000)")
    parser.add_argument("--cache", type=int, help="worker cache size for both sides (default TRAJECTORIES_WORKFLOW_CACHE "
                        "or the production 250)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="JSON file (default benchmarks/results/<time>.json)")
    parser.add_argument("--markdown", type=Path, help="also write the figures into this file's generated block "
                        "(BENCHMARKS.md)")  # fmt: skip
    args = parser.parse_args(argv)
    args.mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    for name, sizes in SIZES.items():
        if getattr(args, name, None) is None:
            setattr(args, name, sizes[args.mode])
    if args.tiny and args.cache is None:
        args.cache = TINY_CACHE
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}: choose from {', '.join(SECTIONS)}")
    return args


def use_state_dir(args: argparse.Namespace) -> Path:
    """One temporary directory for every file the run writes, set in the environment the worker processes
    inherit; a records URL or channel set for a developer's server is not used."""
    state = Path(tempfile.mkdtemp(prefix="trajectories-bench-"))
    os.environ["TRAJECTORIES_STATE_DIR"] = str(state)
    os.environ["TRAJECTORIES_RECORDS_URL"] = f"sqlite:///{state / 'records.db'}"
    os.environ["TRAJECTORIES_OUTBOX"] = str(state / "outbox")
    os.environ["TRAJECTORIES_NOTIFY_CHANNEL"] = "outbox"
    os.environ.pop("TRAJECTORIES_AUDIT_URL", None)
    if args.cache is not None:
        os.environ["TRAJECTORIES_WORKFLOW_CACHE"] = str(args.cache)
    return state


async def run(args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    from benchmarks import evicted, fees, forecast, history, live, machines, scale
    from benchmarks.drive import Pair, ProcessPair
    from benchmarks.servers import dev_server, time_skipping_server

    rows: list[Row] = []
    raw: dict[str, Any] = {"notes": []}

    def done(name: str, result: tuple[list[Row], dict[str, Any]], began: float) -> None:
        rows.extend(result[0])
        raw["notes"].extend(result[1].pop("notes", []))
        raw[name] = {**result[1], "wall_seconds": round(time.perf_counter() - began, 1)}
        print(table(result[0]) + "\n", flush=True)

    sections = args.sections
    if "machines" in sections:
        began = time.perf_counter()
        done("machines", machines.machine_construction(repeat=args.machine_builds), began)
    if "history" in sections:
        async with time_skipping_server() as env, Pair(env.client) as pair:
            began = time.perf_counter()
            done("history", await history.lifecycle_histories(env, pair), began)
            began = time.perf_counter()
            done("steady_year", await history.steady_year(env, pair), began)
    if "skipped" in sections:
        began = time.perf_counter()
        done("skipped_time", await history.skipped_time(one_by_one=args.one_by_one, at_once=args.at_once), began)
    if "fees" in sections:
        began = time.perf_counter()
        done("fees", await fees.quarterly_fees(count=args.fees, parallel=args.parallel), began)
    live_sections = [s for s in ("roundtrip", "throughput", "evicted", "workers") if s in sections]
    if live_sections:  # one dev server and one pair of worker processes for all of them (the order matters:
        # evicted fills the caches, workers adds a second worker a side)
        async with dev_server() as server, ProcessPair(server.client, server.address) as pair:
            plans = live.Plans(pair)
            if "roundtrip" in sections:
                began = time.perf_counter()
                done("round_trip", await live.round_trip(server, pair, plans, samples=args.samples), began)
                began = time.perf_counter()
                result = await live.round_trip_of_an_old_trajectory(server, pair, plans, events=args.old_events)
                done("round_trip_old", result, began)
            if "throughput" in sections:
                began = time.perf_counter()
                result = await live.throughput(server, pair, plans, lifecycles=args.lifecycles, parallel=args.parallel)
                done("throughput", result, began)
            if "evicted" in sections:
                began = time.perf_counter()
                result = await evicted.evicted_event(
                    server, pair, plans, open_count=args.evicted_open, samples=args.evicted_samples,
                    parallel=args.parallel,
                )  # fmt: skip
                done("evicted", result, began)
            if "workers" in sections:
                began = time.perf_counter()
                result = await live.workers(
                    server, pair, plans, lifecycles=args.lifecycles, parallel=args.parallel,
                    one_worker=raw.get("throughput"),
                )  # fmt: skip
                done("workers", result, began)
    if "scale" in sections:
        async with dev_server() as server:
            began = time.perf_counter()
            done("scale", await scale.scale(server, count=args.scale, parallel=args.parallel), began)
    if "forecast" in sections:
        began = time.perf_counter()
        done("forecast", await forecast.forecast_speed(people=args.forecast_people), began)
    return rows, raw


def header(args: argparse.Namespace, at_start: dict[str, Any]) -> str:
    load = ", ".join(f"{value:.2f}" for value in at_start["load_average"])
    from service import config

    return (
        f"Targets of issue 14 ({args.mode} run, commit {commit()}, cache {config.workflow_cache_size()}): "
        f"load average {load} at the start, {at_start['cpus']} cores"
    )


def main(argv: list[str]) -> None:
    args = parse(argv)
    at_start = machine()
    state = use_state_dir(args)
    print(f"load average at the start: {', '.join(f'{v:.2f}' for v in at_start['load_average'])} "
          f"(1, 5, 15 min; {at_start['cpus']} cores); {args.mode} run; state in {state}", flush=True)  # fmt: skip
    settings = {k: v for k, v in vars(args).items() if k not in ("out", "only", "markdown")}
    try:
        rows, raw = asyncio.run(run(args))
    finally:
        shutil.rmtree(state, ignore_errors=True)
    raw["machine_at_start"] = at_start
    notes = raw.pop("notes")
    if args.mode != "full":
        notes.insert(0, f"A {args.mode} run: sizes below the issue's; the ratios are indicative only.")
    out = args.out or RESULTS / f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    write(rows, {**raw, "notes": notes}, settings, out)
    title = header(args, at_start)
    print(targets_table(rows, notes, title), flush=True)
    if args.markdown:
        update_markdown(args.markdown, "\n\n".join([
            f"**{title}**; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; settings: "
            + ", ".join(f"{k} {v}" for k, v in settings.items() if k not in ("sections", "quick", "tiny")) + ".",
            targets_markdown(rows), *(f"- {note}" for note in notes), "### Every figure", rows_markdown(rows),
        ]))  # fmt: skip
    missed = [f"({row.key}) {row.figure}" for row in rows if row.met is False and row.key]
    print(f"\n{len(rows)} figures, {len(missed)} targets missed; JSON: {out}", flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown: the SDK's runtime threads can abort it after the servers stop


if __name__ == "__main__":
    main(sys.argv[1:])
