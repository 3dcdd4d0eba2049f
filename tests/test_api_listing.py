"""Listing and filtering over the HTTP API, against the real dev server's visibility."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api_client import api, start
from tests.scenario import start_input


@pytest.fixture
async def http(dev_env, dev_worker):
    async with api(dev_env.client, dev_worker.task_queue) as client:
        yield client


async def listed(http: httpx.AsyncClient, expected: int, **params: Any) -> list[dict[str, Any]]:
    """The listing once it shows ``expected`` rows (visibility is eventually consistent)."""
    for _ in range(100):
        response = await http.get("/trajectories", params=params)
        assert response.status_code == 200, response.text
        rows = response.json()["trajectories"]
        if len(rows) == expected:
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {expected} trajectories for {params}, listed {rows}")


async def test_filter_by_region_state_coach_and_overdue(dev_env, http):
    coach, other = f"coach-{uuid.uuid4().hex[:8]}", f"coach-{uuid.uuid4().hex[:8]}"
    referred, observed, elsewhere = (
        start_input(coach_id=coach),
        start_input(coach_id=coach),
        # an adult: the Wmo consultant who starts it owns the screening (a young person's is the youth consultant's)
        start_input(coach_id=other, participant={"has_benefit": True, "age_band": "28_plus", "hours_per_week": 32}),
    )
    for region, body in (("almere", referred), ("almere", observed), ("oss", elsewhere)):
        assert (await start(http, dev_env.client, region, body)).status_code == 201
    event = {"event": "observation_started", "actor": coach}
    view = (await http.post(f"/regions/almere/trajectories/{observed['trajectory_id']}/events", json=event)).json()
    assert view["state"] == "observation"

    rows = await listed(http, 2, coach=coach)
    assert {row["trajectory_id"] for row in rows} == {referred["trajectory_id"], observed["trajectory_id"]}
    assert all(row["region"] == "almere" and row["status"] == "running" for row in rows)

    [row] = await listed(http, 1, coach=coach, state="observation")
    assert row["trajectory_id"] == observed["trajectory_id"] and row["workflow_id"].startswith("trajectory-almere-")
    assert datetime.fromisoformat(row["next_deadline"]) == datetime.fromisoformat(view["deadlines"]["observation_end"])
    await listed(http, 0, coach=coach, state="referred", region="rijk-van-nijmegen")
    [row] = await listed(http, 1, coach=other, region="oss")
    assert row["state"] == "screening"

    assert await listed(http, 0, coach=coach, overdue="true") == [], "nothing is overdue now"
    shown = (await http.get("/trajectories", params={"overdue": "true"})).json()["query"]
    assert abs(datetime.fromisoformat(shown.rsplit('"', 2)[1]) - datetime.now(UTC)) < timedelta(minutes=1)
    later = datetime.now(UTC) + timedelta(weeks=5)  # after the 4-week observation
    [row] = await listed(http, 1, coach=coach, overdue="true", as_of=later.isoformat())
    assert row["trajectory_id"] == observed["trajectory_id"]


async def test_listing_shows_the_query_it_ran(http):
    response = await http.get("/trajectories", params={"region": "oss", "state": "screening", "coach": "coach-x1"})
    query = response.json()["query"]
    assert 'Region = "oss"' in query and 'TrajectoryState = "screening"' in query and 'CoachId = "coach-x1"' in query
    assert query.startswith("WorkflowType IN (")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "utrecht"}, "region"),
        ({"state": "sleeping"}, "state"),
        ({"region": "oss", "state": "trial"}, "state"),
        ({"overdue": "true", "open": "false"}, "open"),
        ({"coach": 'x" OR CoachId != "y'}, "coach"),
        ({"overdue": "maybe"}, "overdue"),
        ({"as_of": "tomorrow"}, "as_of"),
        ({"limit": "0"}, "limit"),
        ({"owner": "me"}, "owner"),
    ],
)
async def test_invalid_filters_are_422_naming_the_field(http, params, field):
    response = await http.get("/trajectories", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["fields"] == [field]
