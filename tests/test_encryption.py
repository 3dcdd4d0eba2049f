"""The payload codec: round trip, key rotation, tampering, configuration errors, and that no worker can be
built on a client that would write plain text."""

from __future__ import annotations

import base64
import logging
import uuid

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain.records import TrajectoryView
from domain.start import TrajectoryStart
from service import config, encryption
from service.encryption import CodecKey, EncryptionCodec, KeyConfigurationError, PayloadDecryptionError
from tests.scenario import start_input
from trajectories.client import start_trajectory
from worker import build_worker, workflow_runner
from workflows import WORKFLOWS

OLD, NEW = CodecKey.generate("2026-01"), CodecKey.generate("2026-07")
PERSONAL = {"birth_date": "1999-04-17", "note": "lives with her aunt on Kerkstraat"}


async def encoded(converter, value) -> Payload:
    [payload] = await converter.encode([value])
    return payload


async def test_round_trip_hides_the_plain_text_and_restores_the_value():
    converter = encryption.data_converter([NEW])
    payload = await encoded(converter, PERSONAL)
    assert payload.metadata["encoding"] == encryption.ENCODING
    assert payload.metadata[encryption.KEY_ID_METADATA] == b"2026-07"
    assert b"Kerkstraat" not in payload.SerializeToString() and b"1999-04-17" not in payload.SerializeToString()
    assert await converter.decode([payload], [dict]) == [PERSONAL]


async def test_same_value_encrypts_differently_each_time():
    codec = EncryptionCodec([NEW])
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')
    first, second = await codec.encode([plain, plain])
    assert first.data != second.data  # a fresh nonce per payload


async def test_pydantic_models_survive_the_codec():
    converter = encryption.data_converter([NEW])
    start = TrajectoryStart.model_validate(start_input("t-1"))
    assert await converter.decode([await encoded(converter, start)], [TrajectoryStart]) == [start]


async def test_rotation_old_payloads_still_decode_new_ones_use_the_new_key():
    before = await EncryptionCodec([OLD]).encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"old"')])
    rotated = EncryptionCodec([NEW, OLD])  # the new key first: it encrypts; the old one still decrypts
    assert (await rotated.decode(before))[0].data == b'"old"'
    [after] = await rotated.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"new"')])
    assert after.metadata[encryption.KEY_ID_METADATA] == b"2026-07"
    with pytest.raises(PayloadDecryptionError, match="unknown key id '2026-07'"):
        await EncryptionCodec([OLD]).decode([after])  # a retired key cannot read what the new one wrote


async def test_tampering_is_detected():
    codec = EncryptionCodec([OLD, NEW])
    [payload] = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"bank 123"')])
    flipped = Payload()
    flipped.CopyFrom(payload)
    flipped.data = payload.data[:-1] + bytes([payload.data[-1] ^ 1])
    with pytest.raises(PayloadDecryptionError, match="failed authentication"):
        await codec.decode([flipped])
    relabelled = Payload()
    relabelled.CopyFrom(payload)
    relabelled.metadata[encryption.KEY_ID_METADATA] = b"2026-07"  # claims the other configured key
    with pytest.raises(PayloadDecryptionError, match="failed authentication"):
        await codec.decode([relabelled])


async def test_plain_payloads_pass_through_untouched():
    """Histories recorded before encryption (tests/histories) keep decoding."""
    plain = await encoded(pydantic_data_converter, PERSONAL)
    assert await EncryptionCodec([NEW]).decode([plain]) == [plain]
    assert await encryption.data_converter([NEW]).decode([plain], [dict]) == [PERSONAL]


def test_key_configuration_errors_name_the_problem_and_never_the_key():
    secret = base64.b64encode(b"k" * 20).decode()
    with pytest.raises(KeyConfigurationError, match="16, 24 or 32 bytes") as wrong_length:
        encryption.parse_keys(f"a:{secret}")
    assert secret not in str(wrong_length.value)
    with pytest.raises(KeyConfigurationError, match="not valid base64"):
        encryption.parse_keys("a:***")
    with pytest.raises(KeyConfigurationError, match="keyid:base64key"):
        encryption.parse_keys(base64.b64encode(b"k" * 32).decode())
    with pytest.raises(KeyConfigurationError, match="appears twice"):
        encryption.parse_keys(f"{OLD.encoded()},{OLD.encoded()}")
    keys = encryption.parse_keys(f"# rotated in July\n{NEW.encoded()}, {OLD.encoded()}\n")
    assert [key.id for key in keys] == ["2026-07", "2026-01"]
    assert "secret" not in repr(keys[0]) and NEW.encoded().split(":")[1] not in repr(keys)


def test_missing_keys_are_an_error_not_plain_text(monkeypatch, tmp_path):
    monkeypatch.delenv(config.CODEC_KEYS_VARIABLE)
    monkeypatch.setenv(config.CODEC_KEYS_FILE_VARIABLE, str(tmp_path / "absent"))
    with pytest.raises(KeyConfigurationError, match=config.CODEC_KEYS_VARIABLE):
        encryption.data_converter()


def test_dev_keys_are_created_once_private_and_loadable(monkeypatch, tmp_path):
    monkeypatch.delenv(config.CODEC_KEYS_VARIABLE)
    monkeypatch.setenv(config.CODEC_KEYS_FILE_VARIABLE, str(tmp_path / "codec-keys"))
    path, created = encryption.ensure_dev_keys()
    assert created and path.stat().st_mode & 0o777 == 0o600
    first = encryption.configured_keys()
    assert encryption.ensure_dev_keys() == (path, False)
    assert encryption.configured_keys() == first


async def test_no_worker_on_a_plain_client(env):
    plain = Client(env.client.service_client, namespace=env.client.namespace, data_converter=pydantic_data_converter)
    with pytest.raises(ValueError, match="encrypts payloads"):
        build_worker(plain, "never")
    assert encryption.is_encrypting(env.client.data_converter)  # the fixtures' clients do


def test_recorded_history_keys_are_test_only():
    """The committed key only ever encrypted made-up recordings; its file says so."""
    from tests.record_histories import RECORDING_KEYS

    assert "Test-only" in RECORDING_KEYS.read_text()
    assert all(key.id.startswith("recording-") for key in encryption.parse_keys(RECORDING_KEYS.read_text()))


def test_new_key_command_prints_a_usable_entry(capsys):
    encryption.main(["new-key", "2027-01"])
    [key] = encryption.parse_keys(capsys.readouterr().out)
    assert key.id == "2027-01" and len(key.secret) == 32
    with pytest.raises(SystemExit, match="usage"):
        encryption.main(["new-key", "has space"])


def test_run_command_makes_a_dev_key_and_logs_its_path_never_the_key(monkeypatch, tmp_path, caplog):
    from trajectories import run

    monkeypatch.delenv(config.CODEC_KEYS_VARIABLE)
    monkeypatch.delenv(config.CODEC_KEYS_FILE_VARIABLE, raising=False)
    monkeypatch.setenv("TRAJECTORIES_STATE_DIR", str(tmp_path))
    caplog.set_level(logging.INFO, logger="trajectories.run")
    run.ensure_codec_keys()
    run.ensure_codec_keys()  # once: the second run keeps the key
    [key] = encryption.configured_keys()
    assert str(tmp_path / "codec-keys") in caplog.text
    assert base64.b64encode(key.secret).decode() not in caplog.text
    assert "created the dev key file" in caplog.text and "using the key file" in caplog.text


async def test_a_running_trajectory_survives_key_rotation(dev_env, tmp_path):
    """Started under key A; the workers and clients are redeployed with [B, A]: the trajectory carries on,
    new payloads are written under B, its history still replays, and B alone could no longer read it.
    (On the real dev server: a worker that stops releases its sticky queue there.)"""
    env = dev_env
    before, after = [OLD], [NEW, OLD]

    def client_with(keys) -> Client:
        return Client(env.client.service_client, namespace=env.client.namespace,
                      data_converter=encryption.data_converter(keys))  # fmt: skip

    task_queue = f"rotation-{uuid.uuid4()}"
    old_client, new_client = client_with(before), client_with(after)
    async with build_worker(old_client, task_queue, outbox=tmp_path / "outbox"):
        handle = await start_trajectory(old_client, "almere", start_input(), task_queue=task_queue)
        await handle.query("view")
    async with build_worker(new_client, task_queue, outbox=tmp_path / "outbox"):  # the redeployed worker
        rotated = new_client.get_workflow_handle(handle.id)
        await rotated.execute_update("submit_event", {"event": "observation_started", "actor": "coach-anna"})
        view = await rotated.query("view", result_type=TrajectoryView)
        assert view.state == "observation"
        events = [event async for event in rotated.fetch_history_events()]
        await rotated.terminate("rotation checked")

    key_ids = [
        payload.metadata[encryption.KEY_ID_METADATA]
        for event in events
        for payload in (event.workflow_execution_started_event_attributes.input.payloads
                        if event.HasField("workflow_execution_started_event_attributes") else [])
    ] + [
        payload.metadata[encryption.KEY_ID_METADATA]
        for event in events
        if event.HasField("workflow_execution_update_accepted_event_attributes")
        for payload in event.workflow_execution_update_accepted_event_attributes.accepted_request.input.args.payloads
    ]  # fmt: skip
    assert key_ids == [b"2026-01", b"2026-07"], "the start under the old key, the event under the new one"
    history = WorkflowHistory(handle.id, events)
    await Replayer(workflows=list(WORKFLOWS.values()), data_converter=encryption.data_converter(after),
                   workflow_runner=workflow_runner()).replay_workflow(history)  # fmt: skip
    with pytest.raises(Exception, match="PayloadDecryptionError"):  # the old key may not be dropped yet
        await Replayer(workflows=list(WORKFLOWS.values()), data_converter=encryption.data_converter([NEW]),
                       workflow_runner=workflow_runner()).replay_workflow(history)  # fmt: skip


async def test_a_start_in_plain_text_is_refused_and_nothing_of_it_is_stored(env, tmp_path):
    """Issue 19, encrypted only: a client without the payload key starts a trajectory straight on Temporal. The run
    ends in its first workflow task as ``StartNotEncrypted`` (patch ``encrypted-starts``): no activity, timer or
    search attribute of its own, no row in the records database, nothing of the input in visibility. Temporal
    keeps the input the client sent (read here, the control that the reads see plain text); a start through
    the codec on the same worker writes its rows."""
    import sqlalchemy as sa
    from temporalio.api.enums.v1 import EventType
    from temporalio.client import WorkflowFailureError
    from temporalio.exceptions import ApplicationError

    from records.database import open_records
    from records.schema import metadata
    from tests.scenario import settle, start_in_plain_text
    from trajectories.client import describe
    from workflows.contract import START_NOT_ENCRYPTED

    url = f"sqlite:///{tmp_path}/records.db"
    birth_date = "1961-08-23"
    participant = {"has_benefit": True, "birth_date": birth_date, "hours_per_week": 20}
    async with build_worker(env.client, f"plain-{uuid.uuid4()}", outbox=tmp_path / "outbox", audit=url) as worker:
        plain = await start_in_plain_text(env.client, worker.task_queue, participant=participant)
        with pytest.raises(WorkflowFailureError) as failed:
            await env.client.get_workflow_handle(plain.id).result()
        control = await start_trajectory(env.client, "almere", start_input(), task_queue=worker.task_queue)
        await control.query("view")
        await settle(control)
        await control.terminate("control read")
    refusal = failed.value.cause
    assert isinstance(refusal, ApplicationError) and refusal.type == START_NOT_ENCRYPTED
    assert refusal.details == ({"reason": "not_encrypted", "allowed_events": [], "fields": []},)

    events = (await plain.fetch_history()).events
    assert [event.event_type for event in events] == [
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_MARKER_RECORDED,  # the patch
        EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,  # TemporalChangeVersion: the patch's name
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    ]
    assert events[-1].event_time == events[3].event_time  # at once: the first workflow task's completion fails it
    history = b"".join(event.SerializeToString() for event in events)
    assert history.count(birth_date.encode()) == 1  # the start Temporal holds; nothing the run added repeats it
    assert events[-1].workflow_execution_failed_event_attributes.failure.message == "Encoded failure"

    visibility = await describe(env.client, plain.id)
    indexed = visibility.workflow_execution_info.search_attributes.indexed_fields
    assert set(indexed) == {"TemporalChangeVersion"} and b"encrypted-starts" in indexed["TemporalChangeVersion"].data
    assert not visibility.workflow_execution_info.memo.fields
    raw = visibility.SerializeToString()
    assert birth_date.encode() not in raw and b"ref-7f3a9c" not in raw

    records = open_records(url)
    with records.read() as connection:
        tables = [table for table in metadata.sorted_tables if "workflow_id" in table.c]

        def rows(workflow_id: str) -> int:
            return sum(
                connection.scalar(sa.select(sa.func.count()).where(table.c.workflow_id == workflow_id)) or 0
                for table in tables
            )

        assert rows(plain.id) == 0
        assert rows(control.id) > 0
    records.dispose()
