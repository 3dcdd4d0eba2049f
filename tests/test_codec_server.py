"""The codec server over real HTTP: authorisation, CORS for the UI origin only, the remote codec protocol
(also as Temporal's own CLI speaks it), and the run command's wiring of the dev server's Web UI to it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import stat
import subprocess
from collections.abc import AsyncIterator

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads
from temporalio.contrib.pydantic import pydantic_data_converter

from service import encryption
from service.encryption import CodecKey, EncryptionCodec
from tests.conftest import packaged_binary
from tests.scenario import STARTED, start_input
from trajectories import codec_server, run
from trajectories.api.server import bind, serving
from trajectories.client import start_trajectory
from trajectories.local_server import free_port

UI = "http://localhost:8233"
TOKEN = "staff-token-0123456789abcdef"
KEY = CodecKey.generate("codec-test")
PERSONAL = {"note": "moved in with her brother on Dorpsstraat 4", "birth_date": "2001-02-03"}


@contextlib.asynccontextmanager
async def codec_http(keys=(KEY,)) -> AsyncIterator[httpx.AsyncClient]:
    app = codec_server.create_app(EncryptionCodec(keys), [TOKEN], [UI])
    async with serving(app, bind("127.0.0.1", 0)) as base_url:
        async with httpx.AsyncClient(base_url=base_url) as http:
            yield http


async def encrypted_body(value=PERSONAL, keys=(KEY,)) -> str:
    converter = encryption.data_converter(list(keys))
    return json_format.MessageToJson(Payloads(payloads=await converter.encode([value])))


def values(response: httpx.Response) -> list[object]:
    payloads = json_format.Parse(response.content, Payloads()).payloads
    return pydantic_data_converter.payload_converter.from_payloads(payloads)


AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "X-Namespace": "default"}


async def test_decode_needs_a_valid_bearer_token():
    body = await encrypted_body()
    async with codec_http() as http:
        assert (await http.post("/decode", content=body)).status_code == 401
        wrong = {**AUTH, "Authorization": "Bearer not-the-token-0123456789"}
        response = await http.post("/decode", content=body, headers=wrong)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert "Dorpsstraat" not in response.text
        assert (await http.post("/encode", content=body)).status_code == 401


async def test_decode_and_encode_with_a_token():
    body = await encrypted_body()
    assert "Dorpsstraat" not in body
    async with codec_http() as http:
        decoded = await http.post("/decode", content=body, headers=AUTH)
        assert decoded.status_code == 200 and values(decoded) == [PERSONAL]
        # the protocol: only the last path segment counts
        assert values(await http.post("/namespaces/default/decode", content=body, headers=AUTH)) == [PERSONAL]
        plain = json_format.MessageToJson(
            Payloads(payloads=pydantic_data_converter.payload_converter.to_payloads([PERSONAL]))
        )
        encoded = await http.post("/encode", content=plain, headers=AUTH)
        assert encoded.status_code == 200 and "Dorpsstraat" not in encoded.text
        assert values(await http.post("/decode", content=encoded.text, headers=AUTH)) == [PERSONAL]
        assert (await http.post("/decode", content="{not json", headers=AUTH)).status_code == 400


async def test_a_tampered_payload_or_an_unknown_key_is_refused_not_decoded():
    async with codec_http() as http:
        other = await encrypted_body(keys=[CodecKey.generate("other-key")])
        response = await http.post("/decode", content=other, headers=AUTH)
        assert response.status_code == 422 and "unknown key id 'other-key'" in response.text
        payloads = json_format.Parse(await encrypted_body(), Payloads())
        payloads.payloads[0].data = payloads.payloads[0].data[:-1] + bytes(
            [payloads.payloads[0].data[-1] ^ 1]
        )  # always a change
        response = await http.post("/decode", content=json_format.MessageToJson(payloads), headers=AUTH)
        assert response.status_code == 422 and "failed authentication" in response.text


async def test_cors_answers_the_web_ui_origin_only():
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-namespace"}
    async with codec_http() as http:
        allowed = await http.options("/decode", headers={"Origin": UI, **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == UI
        assert allowed.headers["access-control-allow-credentials"] == "true"
        assert "x-namespace" in allowed.headers["access-control-allow-headers"].lower()
        foreign = await http.options("/decode", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in foreign.headers
        body = await encrypted_body()
        from_ui = await http.post("/decode", content=body, headers={**AUTH, "Origin": UI})
        assert from_ui.headers["access-control-allow-origin"] == UI
        from_elsewhere = await http.post("/decode", content=body, headers={**AUTH, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in from_elsewhere.headers  # the browser hides the answer
        refused = await http.post("/decode", content=body, headers={"Origin": UI})
        assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == UI  # UI sees why


async def test_web_ui_session_cookie_after_signing_in_with_the_token(caplog):
    """The UI cannot send our token (it passes only its own login token, and only over HTTPS): staff sign in
    once and the UI's 'Include cross-origin credentials' sends the session cookie."""
    caplog.set_level(logging.DEBUG, logger="trajectories.codec_server")
    body = await encrypted_body()
    async with codec_http() as http:
        assert "Codec token" in (await http.get("/login")).text
        refused = await http.post("/login", data={"token": "guess-0123456789abcdef"})
        assert refused.status_code == 401 and not refused.cookies
        signed_in = await http.post("/login", data={"token": TOKEN})
        cookie = signed_in.headers["set-cookie"]
        assert signed_in.status_code == 200 and codec_server.SESSION_COOKIE in cookie
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and TOKEN not in cookie
        decoded = await http.post("/decode", content=body, headers={"Content-Type": "application/json", "Origin": UI})
        assert decoded.status_code == 200 and values(decoded) == [PERSONAL]
        assert "for session of token #1" in caplog.text
        http.cookies.clear()
        assert (await http.post("/decode", content=body)).status_code == 401


async def test_repeated_failed_sign_ins_are_throttled():
    """Guessing codec tokens at /login: the sixth try within a minute gets 429 with Retry-After, even with the
    right token, and no session."""
    async with codec_http() as http:
        for _ in range(5):
            assert (await http.post("/login", data={"token": "guess-0123456789abcdef"})).status_code == 401
        blocked = await http.post("/login", data={"token": TOKEN})
        assert blocked.status_code == 429 and not blocked.cookies
        assert 0 < int(blocked.headers["retry-after"]) <= 60 and "Too many invalid tokens" in blocked.text


def test_failed_sign_ins_leave_the_window_after_a_minute():
    from trajectories.signins import FailedSignIns

    now = [1000.0]
    failures = FailedSignIns(limit=2, window=60, clock=lambda: now[0])
    failures.failed("10.0.0.1")
    failures.failed("10.0.0.1")
    assert failures.retry_after("10.0.0.1") == 60 and failures.retry_after("10.0.0.2") is None
    now[0] += 59.5
    assert failures.retry_after("10.0.0.1") == 1
    now[0] += 1
    assert failures.retry_after("10.0.0.1") is None


async def test_decodes_are_not_logged_at_info_but_refusals_are(caplog):
    """Browsing the Web UI decodes on every page: the console keeps sign-ins and refusals, not each decode."""
    caplog.set_level(logging.INFO, logger="trajectories.codec_server")
    body = await encrypted_body()
    async with codec_http() as http:
        for _ in range(3):
            decoded = await http.post("/decode", content=body, headers={**AUTH, "Origin": UI})
            assert decoded.status_code == 200
        assert caplog.records == []
        assert (await http.post("/decode", content=body, headers={"Origin": UI})).status_code == 401
    [refusal] = caplog.records
    assert refusal.levelno == logging.WARNING and "refused" in refusal.getMessage() and TOKEN not in caplog.text


def test_the_server_never_runs_without_a_token():
    with pytest.raises(ValueError, match="TRAJECTORIES_CODEC_TOKENS"):
        codec_server.create_app(EncryptionCodec([KEY]), [], [UI])
    with pytest.raises(ValueError, match="at least 16"):
        codec_server.create_app(EncryptionCodec([KEY]), ["short"], [UI])


async def test_temporal_cli_decodes_a_trajectory_through_the_codec_server(dev_env, dev_worker):
    """Temporal's own codec client (the CLI's --codec-endpoint/--codec-auth) against the running server."""
    start = start_input(participant_ref="ref-cli-7d21")
    handle = await start_trajectory(dev_env.client, "almere", start, task_queue=dev_worker.task_queue)
    STARTED.append(handle)
    await handle.query("view")
    keys = encryption.configured_keys()  # the session's key, which the fixtures' clients use
    app = codec_server.create_app(EncryptionCodec(keys), [TOKEN], [UI])
    listener = bind("127.0.0.1", 0)
    async with serving(app, listener) as base_url:
        show = [packaged_binary("temporal"), "workflow", "show", "-w", handle.id, "--output", "json",
                "--address", dev_env.client.service_client.config.target_host]  # fmt: skip
        raw = await asyncio.to_thread(subprocess.run, show, capture_output=True, text=True, check=True)
        encoding, data = start_input_payload(raw.stdout)
        assert encoding == b"binary/encrypted" and b"ref-cli-7d21" not in data  # the server holds ciphertext
        decoded = await asyncio.to_thread(
            subprocess.run, [*show, "--codec-endpoint", base_url, "--codec-auth", f"Bearer {TOKEN}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        encoding, data = start_input_payload(decoded.stdout)
        assert encoding == b"json/plain" and json.loads(data)["participant_ref"] == "ref-cli-7d21"
        refused = await asyncio.to_thread(
            subprocess.run, [*show, "--codec-endpoint", base_url], capture_output=True, text=True
        )  # no token: the codec server refuses, the CLI reports it
        assert refused.returncode != 0 or b"ref-cli-7d21" not in start_input_payload(refused.stdout)[1]


def start_input_payload(history_json: str) -> tuple[bytes, bytes]:
    """The workflow start input's encoding and data from ``temporal workflow show --output json``."""
    started = json.loads(history_json)["events"][0]["workflowExecutionStartedEventAttributes"]
    [payload] = started["input"]["payloads"]
    return base64.b64decode(payload["metadata"]["encoding"]), base64.b64decode(payload["data"])


async def test_run_command_serves_the_codec_and_wires_the_web_ui_to_it(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("TRAJECTORIES_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("TRAJECTORIES_CODEC_TOKENS", raising=False)
    monkeypatch.setenv("TRAJECTORIES_CODEC_PORT", "0")
    monkeypatch.setattr(run, "DEV_PORT", free_port())
    monkeypatch.setattr(run, "DEV_UI_PORT", free_port())
    caplog.set_level(logging.INFO, logger="trajectories.run")
    async with contextlib.AsyncExitStack() as stack:
        port = await run.serve_codec(stack)
        token_file = tmp_path / "codec-tokens"
        [token] = codec_server.configured_tokens()
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert str(token_file) in caplog.text and token not in caplog.text
        server, _ = run.start_dev_server(tmp_path, port)
        try:
            async with httpx.AsyncClient() as http:
                settings = None
                for _ in range(200):
                    with contextlib.suppress(httpx.TransportError):
                        response = await http.get(f"http://127.0.0.1:{run.DEV_UI_PORT}/api/v1/settings")
                        if response.status_code == 200:
                            settings = response.json()
                            break
                    await asyncio.sleep(0.1)
                assert settings is not None, "the dev server's Web UI did not answer"
                assert settings["Codec"]["Endpoint"] == f"http://localhost:{port}"
                body = await encrypted_body(keys=encryption.configured_keys())
                decoded = await http.post(
                    f"http://127.0.0.1:{port}/decode", content=body,
                    headers={**AUTH, "Authorization": f"Bearer {token}", "Origin": f"http://localhost:{run.DEV_UI_PORT}"},
                )  # fmt: skip
                assert decoded.status_code == 200 and values(decoded) == [PERSONAL]
                assert decoded.headers["access-control-allow-origin"] == f"http://localhost:{run.DEV_UI_PORT}"
        finally:
            run.stop_dev_server(server)
