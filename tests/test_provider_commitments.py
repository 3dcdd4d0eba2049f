"""Provider commitments (Meewerken-plus): set by an operator through the API and the CLI, kept with their history
in the records database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from records.database import open_records
from tests.api_client import api
from tests.cli_runner import run
from trajectories.commitments import CommitmentChange, read_commitments, set_commitment


@pytest.fixture
def records_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'records.db'}"


def test_a_change_is_a_new_row_and_the_latest_per_year_is_current(records_url):
    first = datetime(2026, 12, 1, 9, tzinfo=UTC)
    set_commitment(
        "provider-cordaan",
        CommitmentChange(year=2027, trajectories=10, actor="operator-1"),
        records_url,
        now=first,
    )
    set_commitment(
        "provider-cordaan",
        CommitmentChange(year=2027, trajectories=12, actor="operator-2", reason="tender round 2027"),
        records_url,
    )
    after = set_commitment(
        "provider-cordaan",
        CommitmentChange(year=2028, trajectories=8, actor="operator-1"),
        records_url,
    )
    assert [(c.year, c.trajectories, c.set_by) for c in after.current] == [
        (2027, 12, "operator-2"),
        (2028, 8, "operator-1"),
    ]
    assert [(c.year, c.trajectories) for c in after.history] == [
        (2027, 10),
        (2027, 12),
        (2028, 8),
    ]
    assert after.history[0].set_at == first and after.history[1].reason == "tender round 2027"
    assert read_commitments("provider-other", records_url).history == []
    with open_records(records_url).read() as connection:
        assert connection.execute(sa.text("select count(*) from provider_commitments")).scalar() == 3


async def test_the_api_sets_and_reads_commitments(env, worker, records_url):
    async with api(env.client, worker.task_queue, audit_url=records_url) as http:
        put = await http.put(
            "/providers/provider-cordaan/commitments",
            json={"year": 2027, "trajectories": 12, "actor": "operator-1"},
        )
        assert put.status_code == 200, put.text
        assert put.json()["current"][0] | {"set_at": None} == {
            "year": 2027, "trajectories": 12, "set_by": "operator-1", "set_at": None, "reason": None,
        }  # fmt: skip
        await http.put(
            "/providers/provider-cordaan/commitments",
            json={"year": 2027, "trajectories": 14, "actor": "operator-2"},
        )
        got = (await http.get("/providers/provider-cordaan/commitments")).json()
        assert [c["trajectories"] for c in got["current"]] == [14] and len(got["history"]) == 2

        bad = await http.put(
            "/providers/provider-cordaan/commitments",
            json={"year": 2027, "trajectories": -1},
        )
        assert bad.status_code == 422 and bad.json()["error"] == "InvalidInput"
        assert set(bad.json()["fields"]) == {"trajectories", "actor"}
        assert len(read_commitments("provider-cordaan", records_url).history) == 2, "a refused change is not recorded"
        unauthorised = await http.get("/providers/provider-cordaan/commitments", headers={"Authorization": ""})
        assert unauthorised.status_code == 401
        assert (await http.get("/providers/x/commitments")).status_code == 422, "an invalid provider id is named"


async def test_the_cli_sets_and_shows_commitments_at_80_columns(capsys, monkeypatch, records_url):
    monkeypatch.setenv("COLUMNS", "80")
    done = await run(
        capsys,
        "commitments",
        "provider-cordaan",
        "--year",
        "2027",
        "--trajectories",
        "12",
        "--actor",
        "operator-1",
        "--reason",
        "tender round 2027",
        "--records-url",
        records_url,
    )
    assert done.code == 0, done.err
    await run(
        capsys,
        "commitments",
        "provider-cordaan",
        "--year",
        "2027",
        "--trajectories",
        "15",
        "--actor",
        "operator-2",
        "--records-url",
        records_url,
    )
    shown = await run(capsys, "commitments", "provider-cordaan", "--records-url", records_url)
    assert shown.code == 0
    assert all(len(line) <= 80 for line in shown.out.splitlines())
    assert "2027" in shown.out and "15" in shown.out and "operator-2" in shown.out and "tender round 2027" in shown.out
    refused = await run(
        capsys,
        "commitments",
        "provider-cordaan",
        "--year",
        "2027",
        "--trajectories",
        "-3",
        "--actor",
        "operator-1",
        "--records-url",
        records_url,
    )
    assert refused.code == 2 and "trajectories" in refused.err
    missing = await run(
        capsys,
        "commitments",
        "provider-cordaan",
        "--year",
        "2027",
        "--records-url",
        records_url,
    )
    assert missing.code == 2 and "--trajectories" in missing.err
    assert len(read_commitments("provider-cordaan", records_url).history) == 2


def test_the_provider_figures_show_the_commitment(records_url):
    from datetime import date

    from domain.facts import OutcomeFact
    from records.facts import write_facts
    from trajectories.figures import load_figures

    start = OutcomeFact(
        key="trajectory-amsterdam-c-1:fact0", workflow_id="trajectory-amsterdam-c-1", region="amsterdam",
        trajectory_id="c-1", at=datetime(2027, 3, 1, 9, tzinfo=UTC), event="referred", to_state="intake",
        provider_id="provider-cordaan",
    )  # fmt: skip
    with open_records(records_url).write() as connection:
        write_facts(connection, [start])
    set_commitment("provider-cordaan", CommitmentChange(year=2027, trajectories=9, actor="operator-1"), records_url)
    set_commitment("provider-cordaan", CommitmentChange(year=2027, trajectories=11, actor="operator-1"), records_url)
    figures = load_figures(date(2027, 1, 1), date(2027, 12, 31), url=records_url)
    [row] = [p for p in figures.providers if p.provider_id == "provider-cordaan"]
    assert (row.region, row.started, row.commitment) == ("amsterdam", 1, 11)
