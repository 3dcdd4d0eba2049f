"""Issue 19's findings against the HTTP API, each a test that failed before: scopes and regions, the client in
history and audit, reads audited, body limits, bounded waits that never apply late, idempotent retries,
BSN-shaped ids, throttled sign-ins. Real HTTP, the time-skipping test server, real workers."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import uuid
from datetime import timedelta

import httpx
import pytest
from temporalio.converter import PayloadCodec

from service import encryption
from tests.api_client import TOKEN, api, start
from tests.cli_runner import run
from tests.scenario import COACH, OTHER_COACH, STARTED, settle, start_input
from trajectories.api_clients import ApiClient, add_client, check_client, parse_clients, token_hash
from trajectories.audit import read_trail
from trajectories.client import handle_for
from worker import build_worker

ALMERE_TOKEN = "almere-backend-token-0123456789"
READER_TOKEN = "amsterdam-reader-token-0123456789"
FINANCE_TOKEN = "almere-finance-token-0123456789"
REGIONS = ["almere", "amsterdam", "oss", "rijk_van_nijmegen"]


def client(name: str, token: str, scopes: list[str], regions: list[str]) -> ApiClient:
    return check_client(name, token_hash(token), scopes, regions, REGIONS)


CLIENTS = [
    client("almere-backend", ALMERE_TOKEN, ["trajectories:read", "trajectories:start", "events:submit"], ["almere"]),
    client("amsterdam-reader", READER_TOKEN, ["trajectories:read"], ["amsterdam"]),
    client("almere-finance", FINANCE_TOKEN, ["payments:read", "figures:read", "coaches:manage"], ["almere"]),
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def http(env, worker):
    async with api(env.client, worker.task_queue, clients=CLIENTS) as client:
        yield client


async def started(http: httpx.AsyncClient, env, **overrides) -> str:
    response = await start(http, env.client, "almere", start_input(**overrides))
    assert response.status_code == 201, response.text
    return response.headers["location"]


# --- clients with scopes ------------------------------------------------------------------------------


async def test_a_client_acts_only_with_its_scopes_in_its_regions(env, http):
    location = await started(http, env)  # the local token: every scope
    almere = bearer(ALMERE_TOKEN)
    assert (await http.get(location, headers=almere)).status_code == 200
    event = {"event": "observation_started", "actor": COACH}
    assert (await http.post(f"{location}/events", json=event, headers=almere)).status_code == 200

    reader = bearer(READER_TOKEN)
    other_region = await http.get(location, headers=reader)
    assert other_region.status_code == 403
    assert other_region.json()["error"] == "Forbidden" and "'almere'" in other_region.json()["message"]
    no_scope = await http.post(
        "/regions/amsterdam/trajectories/t-1234/events", json={"event": "withdrawn", "actor": COACH}, headers=reader
    )
    assert no_scope.status_code == 403 and "'events:submit'" in no_scope.json()["message"]
    audit = await http.get(f"{location}/audit", headers=almere)
    assert audit.status_code == 403 and "'audit:read'" in audit.json()["message"]
    everywhere = await http.get("/trajectories", headers=almere)
    assert everywhere.status_code == 403 and everywhere.json()["fields"] == ["region"]
    assert (await http.get("/trajectories?region=almere", headers=almere)).status_code != 403  # (no visibility here)


async def test_ledger_figures_and_hand_overs_need_their_scope_and_stay_in_the_clients_regions(env, http):
    reader, finance = bearer(READER_TOKEN), bearer(FINANCE_TOKEN)
    for path in ("/payments", "/payments.csv?region=amsterdam"):
        refused = await http.get(path, headers=reader)
        assert refused.status_code == 403 and "'payments:read'" in refused.json()["message"], path
    for path in ("/payments", "/payments.csv", "/payments?region=amsterdam", "/figures.csv?region=oss"):
        elsewhere = await http.get(path, headers=finance)
        assert elsewhere.status_code == 403 and elsewhere.json()["fields"] == ["region"], path
    ledger = await http.get("/payments?region=almere", headers=finance)
    assert ledger.status_code == 200, ledger.text
    [read] = [row for row in read_trail("payments:almere") if row.client == "almere-finance"]
    assert (read.kind, read.name, read.result) == ("read", "payments", "read")
    for path in ("/figures?region=almere", "/figures.csv?region=almere"):
        assert (await http.get(path, headers=finance)).status_code == 200, path
    reads = [(row.kind, row.name, row.actor, row.result) for row in read_trail("figures:almere")
             if row.client == "almere-finance"]  # fmt: skip
    assert reads == [("read", "figures", "almere-finance", "read"), ("read", "figures.csv", "almere-finance", "read")]

    coach = f"coach-{uuid.uuid4().hex[:8]}"
    order = {"to_coach": OTHER_COACH, "actor": "team-lead-almere"}
    for body in (order, order | {"region": "amsterdam"}):
        refused = await http.post(f"/coaches/{coach}/handover", json=body, headers=finance)
        assert refused.status_code == 403 and refused.json()["fields"] == ["region"], refused.text
    no_scope = await http.post(
        f"/coaches/{coach}/handover", json=order | {"region": "almere"}, headers=bearer(ALMERE_TOKEN)
    )
    assert no_scope.status_code == 403 and "'coaches:manage'" in no_scope.json()["message"]
    accepted = await http.post(f"/coaches/{coach}/handover", json=order | {"region": "almere"}, headers=finance)
    assert accepted.status_code == 202, accepted.text


def test_every_route_declares_a_scope():
    """Deny by default: a route added without a scope (say, figures) stops the app from being built."""
    from fastapi import APIRouter, FastAPI

    from trajectories.api.auth import check_route_scopes, requires
    from trajectories.api.routes import router

    check_route_scopes(FastAPI(routes=router.routes).routes)  # today's routes all declare one
    unscoped = APIRouter()

    @unscoped.get("/figures")
    async def figures() -> dict[str, int]:
        return {}

    app = FastAPI()
    app.include_router(router)
    app.include_router(unscoped)
    with pytest.raises(RuntimeError, match=r"without a scope: \['GET'\] /figures"):
        check_route_scopes(app.routes)
    with pytest.raises(ValueError, match="unknown scope"):
        requires("figures:write")


def test_local_tokens_warn_at_startup(caplog):
    from trajectories.api import create_app

    with caplog.at_level(logging.WARNING, "trajectories.api"):
        create_app(tokens=[TOKEN], clients=[])
    assert "EVERY scope in EVERY region" in caplog.text and TOKEN not in caplog.text


async def test_clients_add_prints_the_token_once_and_stores_its_hash(env, tmp_path, capsys):
    path = tmp_path / "clients.toml"
    result = await run(
        capsys, "clients", "add", "oss-backend", "--scope", "trajectories:read", "--scope", "events:submit",
        "--region", "oss", "--file", str(path),
    )  # fmt: skip
    assert result.code == 0, result.err
    token = result.out.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    text = path.read_text()
    assert token not in text and token_hash(token) in text
    assert path.stat().st_mode & 0o777 == 0o600
    [added] = parse_clients(text, str(path))
    assert added.scopes == {"trajectories:read", "events:submit"} and added.regions == {"oss"}
    again = await run(
        capsys, "clients", "add", "oss-backend", "--scope", "operations", "--region", "*", "--file", str(path)
    )
    assert again.code == 2 and "exists already" in again.err
    unknown = await run(
        capsys, "clients", "add", "x-backend", "--scope", "operations", "--region", "utrecht", "--file", str(path)
    )
    assert unknown.code == 2 and "utrecht" in unknown.err
    async with api(env.client, "unused", tokens=[], clients=parse_clients(path.read_text(), str(path))) as http:
        assert (await http.get("/regions", headers=bearer(token))).status_code == 200
        assert (await http.get("/regions")).status_code == 401, "the local token is not accepted any more"


def test_a_token_file_never_holds_the_token(tmp_path):
    token = add_client(tmp_path / "c.toml", "uwv-gateway", ["events:submit"], ["*"])
    assert len(token) >= 32 and token not in (tmp_path / "c.toml").read_text()


# --- attribution -----------------------------------------------------------------------------------------


async def test_the_client_is_recorded_beside_the_claimed_actor_and_reads_are_audited(env, http, worker):
    location = await started(http, env)
    trajectory_id = location.rsplit("/", 1)[-1]
    event = {"event": "coach_reassigned", "actor": "coach-anna", "coach_id": OTHER_COACH}
    view = (await http.post(f"{location}/events", json=event, headers=bearer(ALMERE_TOKEN))).json()
    assert (view["history"][-1]["actor"], view["history"][-1]["client"]) == ("coach-anna", "almere-backend")
    assert (await http.get(location, headers=bearer(ALMERE_TOKEN))).status_code == 200
    await settle(handle_for(env.client, "almere", trajectory_id))
    rows = read_trail(f"trajectory-almere-{trajectory_id}")
    [accepted] = [row for row in rows if row.kind == "event"]
    assert (accepted.actor, accepted.client) == ("coach-anna", "almere-backend")
    [read] = [row for row in rows if row.kind == "read"]
    assert (read.name, read.actor, read.client, read.result) == ("view", "almere-backend", "almere-backend", "read")
    assert read.origin.startswith(f"api GET {location} from 127.0.0.1")


async def test_a_body_cannot_claim_another_client(env, http):
    location = await started(http, env)
    event = {"event": "observation_started", "actor": COACH, "client": "someone-else"}
    response = await http.post(f"{location}/events", json=event, headers=bearer(ALMERE_TOKEN))
    assert response.status_code == 422 and response.json()["fields"] == ["client"]
    forged = {"event": "observation_started", "actor": COACH, "submission": {"client": "someone-else"}}
    response = await http.post(f"{location}/events", json=forged, headers=bearer(ALMERE_TOKEN))
    assert response.status_code == 422 and response.json()["fields"] == ["submission"]


# --- limits before Temporal ----------------------------------------------------------------------------


async def test_bodies_over_the_limits_are_refused_with_typed_json(env, http):
    location = await started(http, env)
    events = f"{location}/events"
    huge = await http.post(events, json={"event": "withdrawn", "actor": COACH, "reason": "x" * (3 * 1024 * 1024)})
    assert huge.status_code == 413 and huge.json()["error"] == "PayloadTooLarge"
    ten_mb = await http.post("/regions/almere/trajectories", content=b" " * (10 * 1024 * 1024),
                             headers={"Content-Type": "application/json"})  # fmt: skip
    assert ten_mb.status_code == 413 and ten_mb.json()["error"] == "PayloadTooLarge"
    deep = await http.post(events, content="[" * 500 + "]" * 500, headers={"Content-Type": "application/json"})
    assert deep.status_code == 422 and deep.json()["error"] == "TooDeeplyNested"
    surrogate = '{"event": "withdrawn", "actor": "coach-anna", "reason": "moved \\ud800 away"}'
    lone = await http.post(events, content=surrogate, headers={"Content-Type": "application/json"})
    assert lone.status_code == 422 and lone.json() | {"message": ""} == {
        "error": "InvalidUnicode", "message": "", "fields": ["reason"]}  # fmt: skip
    not_utf8 = await http.post(events, content=b'{"event": "\xff"}', headers={"Content-Type": "application/json"})
    assert not_utf8.status_code == 422 and not_utf8.json()["error"] == "InvalidUnicode"
    assert (await http.get(location)).json()["state"] == "referred", "nothing reached the trajectory"
    fine = await http.post(events, json={"event": "observation_started", "actor": COACH})
    assert fine.status_code == 200, "the trajectory still takes events"


# --- BSN-shaped identifiers --------------------------------------------------------------------------------


async def test_bsn_shaped_identifiers_are_refused_naming_the_field(env, http):
    refused = await start(http, env.client, "almere", start_input("123-45-6782"))
    assert refused.status_code == 422 and refused.json()["fields"] == ["trajectory_id"]
    assert "elfproef" in refused.json()["message"]
    coach = await start(http, env.client, "almere", start_input(coach_id="coach.123.456.782"))
    assert coach.status_code == 422 and coach.json()["fields"] == ["coach_id"]
    not_a_bsn = await start(http, env.client, "almere", start_input("123-45-6783"))  # fails the elfproef
    assert not_a_bsn.status_code == 201, not_a_bsn.text

    location = await started(http, env)
    reassigned = {"event": "coach_reassigned", "actor": COACH, "coach_id": "123.456.782"}
    response = await http.post(f"{location}/events", json=reassigned)
    assert response.status_code == 422 and response.json()["fields"] == ["coach_id"]
    actor = await http.post(f"{location}/events", json={"event": "observation_started", "actor": "123 456 782"})
    assert actor.status_code == 422 and actor.json()["fields"] == ["actor"]
    assert (await http.get("/regions/almere/trajectories/123-456-782")).status_code == 422


# --- bounded waits and idempotency --------------------------------------------------------------------------


async def test_an_event_answered_503_is_never_applied_later(env, outbox):
    queue = f"later-{uuid.uuid4()}"
    async with api(env.client, queue, view_timeout=timedelta(seconds=2)) as http:
        location = (await start(http, env.client, "almere", start_input())).headers["location"]
        event = {"event": "observation_started", "actor": COACH}
        response = await http.post(f"{location}/events", json=event, headers={"Idempotency-Key": "first-try"})
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "WorkerUnavailable" and int(response.headers["retry-after"]) > 0
        async with build_worker(env.client, queue, outbox=outbox):
            view = (await http.get(location)).json()
            assert view["state"] == "referred" and view["history"] == [], "the timed-out event was not applied"
            retried = await http.post(f"{location}/events", json=event, headers={"Idempotency-Key": "first-try"})
            assert retried.status_code == 200, retried.text
            assert [record["event"] for record in retried.json()["history"]] == ["observation_started"]
            again = await http.post(f"{location}/events", json=event, headers={"Idempotency-Key": "first-try"})
            assert again.json() == retried.json(), "a retry gets the first answer"
            await env.client.get_workflow_handle(STARTED.pop().id).terminate("done")


async def test_a_retried_event_with_its_key_applies_once(env, http):
    location = await started(http, env)
    reassigned = {"event": "coach_reassigned", "actor": COACH, "coach_id": OTHER_COACH}
    key = {"Idempotency-Key": f"reassign-{uuid.uuid4()}"}
    answers = await asyncio.gather(*(http.post(f"{location}/events", json=reassigned, headers=key) for _ in range(3)))
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    view = (await http.get(location)).json()
    assert [record["event"] for record in view["history"]] == ["coach_reassigned"]
    assert [n["kind"] for n in view["notifications"]].count("trajectory_reassigned") <= 1
    without_key = await http.post(f"{location}/events", json=reassigned)
    assert without_key.status_code == 200 and len(without_key.json()["history"]) == 2, "no key: a new event"
    bad = await http.post(f"{location}/events", json=reassigned, headers={"Idempotency-Key": "no spaces please"})
    assert bad.status_code == 422 and bad.json()["fields"] == ["Idempotency-Key"]


async def test_a_retried_start_with_its_key_answers_the_first_start(env, http):
    body = start_input()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await http.post("/regions/almere/trajectories", json=body, headers=key)
    assert first.status_code == 201, first.text
    STARTED.append(env.client.get_workflow_handle(first.json()["workflow_id"]))
    retried = await http.post("/regions/almere/trajectories", json=body, headers=key)
    assert retried.status_code == 201 and retried.json() == first.json()
    other_key = await http.post("/regions/almere/trajectories", json=body, headers={"Idempotency-Key": "another"})
    assert other_key.status_code == 409 and other_key.json()["error"] == "TrajectoryAlreadyStarted"
    other_client = await http.post("/regions/almere/trajectories", json=body, headers={**key, **bearer(ALMERE_TOKEN)})
    assert other_client.status_code == 409, "a key belongs to the client that sent it"


# --- failed sign-ins ---------------------------------------------------------------------------------------


async def test_repeated_failed_sign_ins_are_throttled(env, http):
    for _ in range(5):
        assert (await http.get("/regions", headers=bearer("wrong-token-0123456789"))).status_code == 401
    blocked = await http.get("/regions")  # even the right token, from this address, for now
    assert blocked.status_code == 429 and blocked.json()["error"] == "TooManySignInFailures"
    assert 0 < int(blocked.headers["retry-after"]) <= 60
    assert json.loads(blocked.text)["message"].startswith("too many invalid tokens")


class PlainOut(PayloadCodec):
    """Sends payloads in plain text but reads the worker's encrypted answers: what the refusal says."""

    def __init__(self, keyed):
        self.keyed = keyed.payload_codec

    async def encode(self, payloads):
        return list(payloads)

    async def decode(self, payloads):
        return await self.keyed.decode(payloads)


# --- encrypted only ----------------------------------------------------------------------------------------


async def test_a_plain_text_event_is_refused_and_never_stored(env, http):
    """A client that reaches Temporal without the payload key: its event is refused by the validator, so the
    plain text never enters history, and the trajectory goes on."""
    from temporalio.client import Client, WorkflowUpdateFailedError
    from temporalio.contrib.pydantic import pydantic_data_converter

    location = await started(http, env)
    workflow_id = f"trajectory-almere-{location.rsplit('/', 1)[-1]}"
    plain = await Client.connect(
        env.client.service_client.config.target_host, namespace=env.client.namespace,
        data_converter=pydantic_data_converter,
    )  # fmt: skip
    secret = "moved in with Jan Jansen, Dorpsstraat 4"
    with pytest.raises(KeyError, match="binary/encrypted"):  # the refusal is encrypted too: it cannot read why
        await plain.get_workflow_handle(workflow_id).execute_update(
            "submit_event", {"event": "withdrawn", "actor": COACH, "reason": secret}
        )
    keyed = encryption.data_converter()  # with the key, the reason reads
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        unencrypted = dataclasses.replace(keyed, payload_codec=None)  # encodes plain, decodes nothing
        relay = await Client.connect(env.client.service_client.config.target_host, namespace=env.client.namespace,
                                     data_converter=dataclasses.replace(unencrypted, payload_codec=PlainOut(keyed)))  # fmt: skip
        await relay.get_workflow_handle(workflow_id).execute_update("submit_event", {"event": "withdrawn", "actor": COACH,
                                                                                    "reason": secret})  # fmt: skip
    assert refused.value.cause.type == "EventNotEncrypted"
    history = await env.client.get_workflow_handle(workflow_id).fetch_history()
    assert "Dorpsstraat" not in history.to_json()
    kinds = [event.WhichOneof("attributes") for event in history.events]
    assert "workflow_execution_update_accepted_event_attributes" not in kinds
    assert "workflow_task_failed_event_attributes" not in kinds
    assert (await http.get(location)).json()["state"] == "referred"
    assert (
        await http.post(f"{location}/events", json={"event": "observation_started", "actor": COACH})
    ).status_code == 200


@pytest.mark.parametrize(
    ("value", "refused"),
    [("123456782", True), ("123-45-6782", True), ("coach.123.456.782", True), ("123 456 782", True),
     ("ref-123456782", True), ("123-45-6783", False), ("t-b7a294340452", False), ("2026-0042", False),
     ("p123456782", False)],
)  # fmt: skip
def test_bsn_shape_is_nine_digits_passing_the_elfproef(value, refused):
    from domain.identifiers import bsn_shaped

    assert bsn_shaped(value) is refused
