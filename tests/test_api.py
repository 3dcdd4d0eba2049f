"""The HTTP API over real HTTP (uvicorn on a free loopback port) against the time-skipping test server."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.api_client import AUTH, TOKEN, api, start
from tests.scenario import COACH, STARTED, start_input
from trajectories.api import create_app
from trajectories.api.auth import NoTokensConfigured
from trajectories.api.server import bind, serving


@pytest.fixture
async def http(env, worker):
    async with api(env.client, worker.task_queue) as client:
        yield client


async def test_every_call_needs_a_valid_token(http):
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": f"Basic {TOKEN}"}):
        response = await http.get("/regions", headers={**headers, "Authorization": headers.get("Authorization", "")})
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"] == "Unauthorized"
    assert (await http.get("/regions")).status_code == 200


def test_the_api_never_runs_without_tokens():
    with pytest.raises(NoTokensConfigured):
        create_app(tokens=[])
    with pytest.raises(NoTokensConfigured):
        create_app(tokens=["short"])


async def test_openapi_describes_the_endpoints(http):
    document = (await http.get("/openapi.json")).json()
    assert {"/regions/{region}/trajectories", "/regions/{region}/trajectories/{trajectory_id}/events",
            "/regions/{region}/trajectories/{trajectory_id}", "/trajectories"} <= set(document["paths"])  # fmt: skip
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    assert (await http.get("/docs")).status_code == 200


async def test_start_event_and_view(env, http):
    body = start_input()
    response = await start(http, env.client, "almere", body)
    assert response.status_code == 201, response.text
    started = response.json()
    assert started["workflow_id"] == f"trajectory-almere-{body['trajectory_id']}"
    assert response.headers["location"] == f"/regions/almere/trajectories/{body['trajectory_id']}"

    view = await http.get(response.headers["location"])
    assert view.status_code == 200
    assert view.json()["state"] == "referred" and view.json()["coach_id"] == COACH

    event = {"event": "observation_started", "actor": COACH, "provider_id": "provider-de-schoor"}
    accepted = await http.post(f"{response.headers['location']}/events", json=event)
    assert accepted.status_code == 200, accepted.text
    after = accepted.json()
    assert after["state"] == "observation"
    assert after["history"][-1] | {"at": None} == {
        "at": None,
        "event": "observation_started",
        "from": "referred",
        "to": "observation",
        "actor": COACH,
        "client": "local-token-1",  # the authenticated client, beside the actor it claims
    }
    assert set(after["deadlines"]) == {"observation_end"}
    assert after["allowed_events"] == (await http.get(response.headers["location"])).json()["allowed_events"]


async def test_event_on_a_closed_trajectory_is_409(env, http):
    location = (await start(http, env.client, "almere", start_input())).headers["location"]
    withdrawn = {"event": "withdrawn", "actor": COACH, "reason": "moved away"}
    assert (await http.post(f"{location}/events", json=withdrawn)).json()["closed"] is True
    response = await http.post(f"{location}/events", json=withdrawn)
    assert response.status_code == 409, response.text
    assert response.json() == {
        "error": "TrajectoryClosed",
        "message": "the trajectory is closed: no event is allowed",
        "allowed_events": [],
    }
    assert (await http.get(location)).json()["state"] == "closed_withdrawn"


async def test_duplicate_start_is_409(env, http):
    body = start_input()
    assert (await start(http, env.client, "almere", body)).status_code == 201
    again = await start(http, env.client, "almere", body)
    assert again.status_code == 409
    assert again.json()["error"] == "TrajectoryAlreadyStarted"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"participant_ref": "123456782"}, "participant_ref"),
        ({"referral_source": "newspaper"}, "referral_source"),
        ({"participant": {"has_benefit": True, "hours_per_week": 30}}, "participant"),
        (
            {"participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 90}},
            "participant.hours_per_week",
        ),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_invalid_start_is_422_naming_the_field(env, http, overrides, field):
    response = await start(http, env.client, "almere", start_input(**overrides))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidInput" and field in body["fields"]
    assert f"field '{field}'" in body["message"]


async def test_malformed_json_is_422_saying_so_with_the_position(http):
    headers = {"Content-Type": "application/json"}
    response = await http.post("/regions/almere/trajectories", content=b'{"trajectory_id": 32,,}', headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidJson" and body["fields"] == ["(body)"]
    assert body["message"].startswith("the request body is not valid JSON: ")
    assert body["message"].endswith("at character 21 (counted from 0)") and "field '" not in body["message"]


async def test_a_body_not_sent_as_json_is_415_naming_the_content_type(http):
    """curl's ``-d`` without ``-H 'Content-Type: application/json'`` sends a form; some clients send none."""
    for content_type, said in [
        ("application/x-www-form-urlencoded", "not 'application/x-www-form-urlencoded'"),
        ("text/plain", "not 'text/plain'"),
        (None, "no Content-Type was sent"),
    ]:
        headers = {"Content-Type": content_type} if content_type else {}
        response = await http.post("/regions/almere/trajectories", content=b'{"a": 1}', headers=headers)
        assert response.status_code == 415, content_type
        body = response.json()
        assert body["error"] == "UnsupportedMediaType"
        assert "'Content-Type: application/json'" in body["message"] and said in body["message"]


async def test_unknown_region_and_trajectory_are_404(env, http):
    response = await start(http, env.client, "utrecht", start_input())
    assert response.status_code == 404
    assert response.json()["error"] == "RegionNotFound" and "almere" in response.json()["message"]
    assert (await http.get("/regions/almere/trajectories/never-started")).json()["error"] == "TrajectoryNotFound"
    assert (await http.get("/regions/almere/trajectories/never-started")).status_code == 404
    event = {"event": "observation_started", "actor": COACH}
    missing = await http.post("/regions/almere/trajectories/never-started/events", json=event)
    assert missing.status_code == 404 and missing.json()["error"] == "TrajectoryNotFound"


async def test_rejected_events_are_typed(env, http):
    body = start_input()
    location = (await start(http, env.client, "almere", body)).headers["location"]

    not_now = await http.post(f"{location}/events", json={"event": "trial_extended", "actor": COACH, "weeks": 2})
    assert not_now.status_code == 409
    assert not_now.json()["error"] == "EventNotAllowed"
    assert not_now.json()["allowed_events"] == [
        "observation_started",
        "hours_recorded",
        "school_internship_assessed",
        "neighbourhood_team_referred",
        "coach_reassigned",
        "withdrawn",
    ]

    invalid = await http.post(f"{location}/events", json={"event": "coach_reassigned", "actor": COACH, "coach_id": "1"})
    assert invalid.status_code == 422
    assert invalid.json()["error"] == "EventInvalid" and invalid.json()["fields"] == ["coach_id"]

    unknown = await http.post(f"{location}/events", json={"event": "teleported", "actor": COACH})
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "EventUnknown" and unknown.json()["fields"] == ["event"]

    not_an_object = await http.post(f"{location}/events", json=["observation_started"])
    assert not_an_object.status_code == 422 and not_an_object.json()["error"] == "InvalidInput"
    assert (await http.get(location)).json()["history"] == [], "nothing rejected entered history"


async def test_malformed_trajectory_id_is_422(http):
    response = await http.get("/regions/almere/trajectories/Not An Id")
    assert response.status_code == 422 and response.json()["fields"] == ["trajectory_id"]


async def test_temporal_unreachable_is_503():
    closed = bind("127.0.0.1", 0)
    port = closed.getsockname()[1]
    closed.close()  # nothing listens here now
    app = create_app(tokens=[TOKEN], connect_options={"target_host": f"127.0.0.1:{port}", "tls": False})
    async with serving(app, bind("127.0.0.1", 0)) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH) as http:
            for response in (
                await http.get("/regions/almere/trajectories/t-0001"),
                await http.post("/regions/almere/trajectories", json=start_input()),
                await http.get("/trajectories"),
            ):
                assert response.status_code == 503, response.text
                assert response.json()["error"] == "TemporalUnavailable"
                assert int(response.headers["retry-after"]) > 0
            assert (await http.get("/regions")).status_code == 200, "what needs no Temporal still answers"


async def test_a_view_nobody_answers_is_503_with_retry_after(env):
    """No worker polls the queue: the view (a Query) gives up after the API's wait, not Temporal's 30 s, and
    says when to retry."""
    async with api(env.client, f"nobody-polls-{uuid.uuid4()}", view_timeout=timedelta(seconds=1)) as http:
        location = (await start(http, env.client, "almere", start_input())).headers["location"]
        response = await http.get(location)
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "WorkerUnavailable"
        assert int(response.headers["retry-after"]) > 0
        await env.client.get_workflow_handle(STARTED.pop().id).terminate("no worker in this test")


def test_readme_documents_every_endpoint():
    """The README's endpoint table and the app's routes are the same set (docs cannot drift silently)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## HTTP API", 1)[1].split("\n## ", 1)[0]
    documented = {
        (method, path.split("?")[0])
        for method, path in re.findall(r"^\| `(GET|POST|PUT|DELETE|PATCH) ([^`]+)`", section, re.M)
    }
    schema = create_app(tokens=[TOKEN]).openapi()
    served = {(method.upper(), path) for path, methods in schema["paths"].items() for method in methods}
    assert documented == served
