"""Personal data never reaches Temporal in plain text, and never reaches what staff see without decryption.

One real dev server with a SQLite file. Each route's trajectory starts with distinctive personal values (a
birth date, free-text notes and reasons) and is driven through events; then

* what the server holds is read *without* the codec: the raw history, describe and list (visibility), and
  the SQLite database file itself. None of the personal values appears (issue 7, part 1); a control workflow
  started without the codec shows the same reads do find plain text;
* what staff see *with* the codec, where only pseudonymous references may appear: workflow IDs, search
  attributes, memos, static summaries and details, current details, the summaries on timers and activities,
  and every log line the worker wrote (part 2).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client, WorkflowFailureError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.conftest import encrypting_converter, packaged_binary
from tests.scenario import start_input
from trajectories.client import start_trajectory
from worker import build_worker
from workflows import WORKFLOWS
from workflows.contract import SEARCH_ATTRIBUTES

BIRTH_DATES = {
    "almere": "1998-03-14",
    "amsterdam": "1997-05-23",
    "oss": "2004-07-19",
    "rijk-van-nijmegen": "1996-09-02",
}
CONTROL_MARKER = "control-plaintext-Havikstraat"
HANDOVER = {  # each route's event that hands the trajectory to a colleague while it stays open
    "oss": {"event": "consultant_assigned", "role": "work_consultant", "staff_id": "coach-bram"},
}
DEFAULT_HANDOVER = {"event": "coach_reassigned", "coach_id": "coach-bram"}


def personal(region: str) -> dict[str, str]:
    """Values that must never be readable: a birth date (two spellings) and free text."""
    year, month, day = BIRTH_DATES[region].split("-")
    return {
        "birth_date": BIRTH_DATES[region],
        "birth_date_dutch": f"{day}-{month}-{year}",
        "note": f"Woont bij tante op Kerkstraat 12 ({region}), bellen na vijf uur",
        "reason": f"Verhuist naar zus in Zwolle, schulden bij {region}",
    }


def markers(region: str) -> list[str]:
    values = personal(region)
    return [values["birth_date"], values["birth_date_dutch"], "Kerkstraat 12", "bellen na vijf uur", "Zwolle",
            "schulden bij"]  # fmt: skip


ALL_MARKERS = sorted({marker for region in WORKFLOWS for marker in markers(region)})


@dataclass
class Observed:
    """What the fixture read from the server, per surface, and the worker's log lines."""

    workflow_ids: dict[str, str] = field(default_factory=dict)
    decoded_surfaces: dict[str, dict[str, str]] = field(default_factory=dict)  # region -> surface -> text
    raw_histories: dict[str, bytes] = field(default_factory=dict)
    raw_visibility: dict[str, bytes] = field(default_factory=dict)
    failed_history: bytes = b""
    failure_message: str = ""
    control_history: bytes = b""
    control_visibility: bytes = b""
    database: bytes = b""
    log_lines: list[str] = field(default_factory=list)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        extras = {
            k: v for k, v in record.__dict__.items() if k not in logging.LogRecord("", 0, "", 0, "", (), None).__dict__
        }
        self.lines.append(f"{record.name} {record.getMessage()} {extras}")


async def drive(client: Client, region: str, task_queue: str, observed: Observed) -> None:
    values = personal(region)
    start = start_input(
        f"privacy-{region}-{uuid.uuid4().hex[:6]}",
        participant_ref=f"ref-{uuid.uuid4().hex[:8]}",
        participant={"has_benefit": True, "birth_date": values["birth_date"], "hours_per_week": 30},
    )
    handle = await start_trajectory(client, region, start, task_queue=task_queue)
    observed.workflow_ids[region] = handle.id
    handover = HANDOVER.get(region, DEFAULT_HANDOVER)
    await handle.execute_update("submit_event", {**handover, "actor": "coach-anna", "note": values["note"]})
    open_details = (await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)).current_details
    await handle.execute_update("submit_event", {"event": "withdrawn", "actor": "coach-bram",
                                                 "reason": values["reason"], "note": values["note"]})  # fmt: skip
    await handle.result()
    closed_details = (await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)).current_details

    described = await handle.describe()
    listed = [execution async for execution in client.list_workflows(f'WorkflowId = "{handle.id}"')]
    summaries = []
    async for event in handle.fetch_history_events():
        if event.HasField("user_metadata"):
            for part in ("summary", "details"):
                if event.user_metadata.HasField(part):
                    [text] = await client.data_converter.decode([getattr(event.user_metadata, part)], [str])
                    summaries.append(text)
    observed.decoded_surfaces[region] = {
        "workflow id": handle.id,
        "search attributes": repr(described.typed_search_attributes),
        "memo": repr(await described.memo()),
        "static summary": str(await described.static_summary()),
        "static details": str(await described.static_details()),
        "current details (open)": open_details,
        "current details (closed)": closed_details,
        "timer and activity summaries": "\n".join(summaries),
        "list": repr([(e.id, e.typed_search_attributes, await e.memo()) for e in listed]),
    }
    assert open_details and summaries, "the surfaces were read (not vacuously empty)"


@pytest.fixture(scope="module")
async def observed(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Observed]:
    state = tmp_path_factory.mktemp("privacy")
    database = state / "temporal.db"
    seen = Observed()
    capture = Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    environment = await WorkflowEnvironment.start_local(
        data_converter=encrypting_converter(),
        dev_server_existing_path=packaged_binary("temporal"),
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=["--db-filename", str(database)],
    )
    try:
        client = environment.client
        plain = Client(client.service_client, namespace=client.namespace, data_converter=pydantic_data_converter)
        task_queue = f"privacy-{uuid.uuid4()}"
        async with build_worker(client, task_queue, outbox=state / "outbox"):
            for region in WORKFLOWS:
                await drive(client, region, task_queue, seen)
            # a malformed start sent straight to Temporal fails the workflow with pydantic's message, which
            # quotes the input: the failure is encrypted too
            malformed = start_input(f"privacy-malformed-{uuid.uuid4().hex[:6]}",
                                    participant={"birth_date": BIRTH_DATES["almere"]})  # fmt: skip
            failing = await client.start_workflow(
                WORKFLOWS["almere"].run, malformed, id=f"trajectory-almere-{malformed['trajectory_id']}",
                task_queue=task_queue,
            )  # fmt: skip
            with pytest.raises(WorkflowFailureError) as failure:
                await failing.result()
            seen.failure_message = str(failure.value.cause)
            seen.failed_history = b"".join(
                e.SerializeToString() for e in (await plain.get_workflow_handle(failing.id).fetch_history()).events
            )
        # the control: a start sent without the codec (no worker ever runs it)
        control = await plain.start_workflow(
            "AlmereTrajectory", {"note": CONTROL_MARKER}, id=f"privacy-control-{uuid.uuid4().hex[:6]}",
            task_queue=f"nobody-{uuid.uuid4()}",
        )  # fmt: skip
        for region, workflow_id in seen.workflow_ids.items():
            handle = plain.get_workflow_handle(workflow_id)
            seen.raw_histories[region] = b"".join(e.SerializeToString() for e in (await handle.fetch_history()).events)
            listed = [
                e.raw_info.SerializeToString() async for e in plain.list_workflows(f'WorkflowId = "{workflow_id}"')
            ]
            seen.raw_visibility[region] = (await handle.describe()).raw_description.SerializeToString() + b"".join(
                listed
            )
        seen.control_history = b"".join(e.SerializeToString() for e in (await control.fetch_history()).events)
        seen.control_visibility = (await control.describe()).raw_description.SerializeToString()
        await control.terminate("control read")
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
        await environment.shutdown()
    seen.database = b"".join(path.read_bytes() for path in sorted(state.glob("temporal.db*")))
    seen.log_lines = capture.lines
    yield seen


def found(data: bytes | str, candidates: list[str]) -> list[str]:
    haystack = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    return [marker for marker in candidates if marker in haystack]


# --- part 1: nothing personal in plain text on the server ------------------------------------------


@pytest.mark.parametrize("region", list(WORKFLOWS))
def test_raw_history_holds_no_personal_field(observed: Observed, region: str):
    raw = observed.raw_histories[region]
    assert b"binary/encrypted" in raw
    assert not found(raw, markers(region))


@pytest.mark.parametrize("region", list(WORKFLOWS))
def test_raw_visibility_holds_no_personal_field(observed: Observed, region: str):
    assert observed.raw_visibility[region]
    assert not found(observed.raw_visibility[region], markers(region))


def test_failure_messages_are_encrypted_too(observed: Observed):
    """pydantic's message quotes the input; the codec client reads it, the server holds ciphertext."""
    assert BIRTH_DATES["almere"] in observed.failure_message
    assert b"binary/encrypted" in observed.failed_history
    assert not found(observed.failed_history, markers("almere"))


def test_the_database_file_holds_no_personal_field(observed: Observed):
    assert observed.database, "the dev server wrote its SQLite file"
    assert all(workflow_id.encode() in observed.database for workflow_id in observed.workflow_ids.values())
    assert not found(observed.database, ALL_MARKERS)


def test_the_same_reads_do_find_plain_text(observed: Observed):
    """The control: a start sent without the codec is readable in history, visibility and the file, so the
    checks above can fail."""
    assert CONTROL_MARKER.encode() in observed.control_history
    assert CONTROL_MARKER.encode() in observed.database


# --- part 2: only pseudonymous references where staff look without decrypting, and in logs --------


@pytest.mark.parametrize("region", list(WORKFLOWS))
def test_visibility_surfaces_carry_pseudonymous_references_only(observed: Observed, region: str):
    surfaces = observed.decoded_surfaces[region]
    leaks = {surface: found(text, markers(region)) for surface, text in surfaces.items()}
    assert not any(leaks.values()), leaks
    assert surfaces["workflow id"].startswith(f"trajectory-{region}-privacy-")
    assert region in surfaces["search attributes"] and "closed_withdrawn" in surfaces["search attributes"]


def test_log_lines_carry_pseudonymous_references_only(observed: Observed):
    lines = observed.log_lines
    assert any(workflow_id in line for line in lines for workflow_id in observed.workflow_ids.values()), (
        "the worker's log lines were captured"
    )
    leaks = [line for line in lines if found(line, ALL_MARKERS)]
    assert not leaks, leaks[:5]


def test_every_route_is_covered(observed: Observed):
    assert set(observed.decoded_surfaces) == set(WORKFLOWS)
