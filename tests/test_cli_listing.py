"""``trajectories list`` and ``trajectories overdue`` against the real dev server's visibility."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli_runner import Result, point_at, run
from tests.scenario import STARTED, start_input
from trajectories.client import start_trajectory, submit_event


@pytest.fixture
def cli(dev_env, dev_worker, monkeypatch):
    point_at(monkeypatch, dev_env.client, dev_worker.task_queue)


async def eventually(capsys, expected: int, *argv: str) -> Result:
    """Run a ``--json`` listing until it has ``expected`` rows (visibility is eventually consistent)."""
    for _ in range(100):
        result = await run(capsys, *argv, "--json")
        assert result.code == 0, result.err
        if len(json.loads(result.out)) == expected:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"{argv}: expected {expected} rows, got {result.out}")


@pytest.fixture
async def coaches(dev_env, dev_worker) -> tuple[str, str]:
    """Two coaches of this test only: Anna-like with an Almere trajectory in observation and one referred,
    Bram-like with one in Oss screening. Of the Almere ones only the observation has a deadline (4 weeks)."""
    anna, bram = f"coach-{uuid.uuid4().hex[:8]}", f"coach-{uuid.uuid4().hex[:8]}"
    for region, coach, trajectory_id in (("almere", anna, "obs"), ("almere", anna, "ref"), ("oss", bram, "scr")):
        body = start_input(f"{trajectory_id}-{coach}", coach_id=coach)
        if region == "oss":  # an adult: the Wmo consultant who starts it owns the screening (not the youth team)
            body["participant"] = {"has_benefit": True, "age_band": "28_plus", "hours_per_week": 32}
        STARTED.append(await start_trajectory(dev_env.client, region, body, task_queue=dev_worker.task_queue))
    await submit_event(dev_env.client, "almere", f"obs-{anna}", {"event": "observation_started", "actor": anna})
    return anna, bram


async def test_list_by_region_state_and_coach(cli, coaches, capsys):
    anna, bram = coaches
    rows = json.loads((await eventually(capsys, 2, "list", "--coach", anna)).out)
    assert {row["trajectory_id"] for row in rows} == {f"obs-{anna}", f"ref-{anna}"}
    await eventually(capsys, 1, "list", "--coach", anna, "--state", "observation")
    await eventually(capsys, 0, "list", "--coach", bram, "--region", "almere")
    await eventually(capsys, 1, "list", "--coach", bram, "--region", "oss", "--open")
    await eventually(capsys, 0, "list", "--coach", bram, "--closed")

    table = await run(capsys, "list", "--coach", anna)
    assert table.code == 0 and "2 trajectories" in table.out
    [line] = [line for line in table.out.splitlines() if f"obs-{anna}" in line]
    assert line.split()[:4] == ["almere", f"obs-{anna}", "observation", anna] and "—" not in line


async def test_overdue_report_groups_by_region_and_coach(cli, coaches, capsys):
    anna, bram = coaches
    await eventually(capsys, 1, "list", "--coach", anna, "--state", "observation")
    now = await run(capsys, "overdue", "--coach", anna)
    assert now.code == 0 and "0 overdue trajectories" in now.out

    later = (datetime.now(UTC) + timedelta(weeks=5)).isoformat()
    result = await eventually(capsys, 1, "overdue", "--coach", anna, "--as-of", later)
    [row] = json.loads(result.out)
    assert row["trajectory_id"] == f"obs-{anna}" and row["region"] == "almere"

    report = await run(capsys, "overdue", "--region", "almere", "--as-of", later)
    assert report.code == 0
    lines = report.out.splitlines()
    region_line = next(i for i, line in enumerate(lines) if line.strip().strip("─ ").startswith("almere"))
    coach_line = next(i for i, line in enumerate(lines) if line.strip() == f"{anna} (1)")
    row_line = next(i for i, line in enumerate(lines) if f"obs-{anna}" in line)
    assert region_line < coach_line < row_line
    assert "observation" in lines[row_line] and "overdue" in lines[row_line]
    assert f"ref-{anna}" not in report.out and bram not in report.out


async def test_invalid_filters_exit_2_naming_the_field(cli, capsys):
    result = await run(capsys, "list", "--state", "sleeping")
    assert result.code == 2 and "field 'state'" in result.err and "known states" in result.err
    result = await run(capsys, "list", "--coach", 'x" OR CoachId != "y')
    assert result.code == 2 and "field 'coach'" in result.err
    result = await run(capsys, "overdue", "--as-of", "2026-01-01T00:00:00")
    assert result.code == 2 and "field 'as_of'" in result.err and "has no time zone" in result.err
    result = await run(capsys, "overdue", "--as-of", "01-01-2027")
    assert result.code == 2 and "2027-01-01 (the start of that day in Europe/Amsterdam)" in " ".join(result.err.split())
    assert "2027-01-01T09:00:00+01:00" in result.err


async def test_overdue_as_of_a_date_is_the_start_of_that_day_in_amsterdam(cli, capsys):
    result = await run(capsys, "overdue", "--as-of", "2027-01-01", "--coach", "nobody-here")
    assert result.code == 0, result.err
    assert "(next deadline before 2026-12-31 23:00 UTC)" in result.out  # midnight CET
    summer = await run(capsys, "overdue", "--as-of", "2027-07-01", "--coach", "nobody-here")
    assert "(next deadline before 2027-06-30 22:00 UTC)" in summer.out  # midnight CEST


async def script(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the installed ``trajectories`` script without blocking the event loop (the worker runs in it)."""
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "trajectories"), *argv, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return subprocess.CompletedProcess(argv, process.returncode or 0, out.decode(), err.decode())


async def test_console_script_is_installed(dev_env, dev_worker, tmp_path):
    """The script ``pip install`` made, run as staff would (a subprocess with the environment set)."""
    env = {
        "PATH": str(Path(sys.executable).parent),
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TRAJECTORIES_TASK_QUEUE": dev_worker.task_queue,
        "HOME": str(tmp_path),
        "TRAJECTORIES_CODEC_KEYS": os.environ["TRAJECTORIES_CODEC_KEYS"],  # the session's key (conftest)
    }
    done = await script("list", "--coach", "coach-nobody", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    refused = await script("show", "almere", "never-started", env=env)
    assert refused.returncode == 3 and "TrajectoryNotFound" in refused.stderr
    del env["TRAJECTORIES_CODEC_KEYS"]
    env["TRAJECTORIES_STATE_DIR"] = str(tmp_path)  # no dev key file there either
    unkeyed = await script("list", env=env)
    assert unkeyed.returncode == 2 and "TRAJECTORIES_CODEC_KEYS" in unkeyed.stderr
