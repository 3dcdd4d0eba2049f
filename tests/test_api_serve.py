"""The run command's part of the API: a local token made once in the state directory, never logged."""

from __future__ import annotations

import contextlib
import logging
import stat

import httpx

from tests.scenario import STARTED, start_input
from trajectories.api.server import bind
from trajectories.run import api_tokens, serve_api


async def test_run_command_serves_the_api_with_a_generated_token(dev_env, dev_worker, tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("TRAJECTORIES_API_TOKENS", raising=False)
    monkeypatch.delenv("TRAJECTORIES_API_TOKEN_FILE", raising=False)
    monkeypatch.setenv("TRAJECTORIES_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("TRAJECTORIES_API_PORT", "0")  # a free port
    caplog.set_level(logging.INFO, logger="trajectories.run")

    async with contextlib.AsyncExitStack() as stack:
        await serve_api(stack, dev_env.client, dev_worker.task_queue)
        token_file = tmp_path / "api-token"
        token = token_file.read_text().strip()
        assert len(token) >= 32 and stat.S_IMODE(token_file.stat().st_mode) == 0o600
        [base_url] = [r.args[0] for r in caplog.records if r.msg.startswith("HTTP API at")]
        assert base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=base_url) as http:
            assert (await http.get("/regions")).status_code == 401
            headers = {"Authorization": f"Bearer {token}"}
            response = await http.post("/regions/oss/trajectories", json=start_input(), headers=headers)
            assert response.status_code == 201, response.text
            STARTED.append(dev_env.client.get_workflow_handle(response.json()["workflow_id"]))
            assert (await http.get(response.headers["location"], headers=headers)).json()["state"] == "screening"
    assert str(token_file) in caplog.text and token not in caplog.text
    assert api_tokens() == [token], "the token is made once and kept"


def test_configured_tokens_win_over_the_local_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAJECTORIES_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("TRAJECTORIES_API_TOKENS", " token-one-0123456789, token-two-0123456789 ,")
    token_file = tmp_path / "tokens"
    token_file.write_text("# for the UWV gateway\ntoken-three-0123456789\n\n")
    monkeypatch.setenv("TRAJECTORIES_API_TOKEN_FILE", str(token_file))
    assert api_tokens() == ["token-one-0123456789", "token-two-0123456789", "token-three-0123456789"]
    assert not (tmp_path / "api-token").exists()


async def test_a_busy_port_is_logged_and_the_run_command_goes_on(dev_env, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("TRAJECTORIES_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("TRAJECTORIES_API_TOKENS", "token-one-0123456789")
    busy = bind("127.0.0.1", 0)
    monkeypatch.setenv("TRAJECTORIES_API_PORT", str(busy.getsockname()[1]))
    try:
        async with contextlib.AsyncExitStack() as stack:
            await serve_api(stack, dev_env.client, "unused")  # returns instead of raising
    finally:
        busy.close()
    assert "HTTP API not started: cannot listen on 127.0.0.1:" in caplog.text
    assert "TRAJECTORIES_API_PORT" in caplog.text
