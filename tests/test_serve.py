"""``python3 dev.py serve`` as an operator runs it: one instance per clone, a clear refusal for a second one or
a taken port (never attaching to another's server), and a clean exit code after Ctrl-C."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import READY, Serve


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    serve = Serve.on_free_ports(tmp_path_factory.mktemp("serve") / "var")
    serve.start()
    try:
        serve.wait_for(READY)
        yield serve
    finally:
        serve.stop()


def test_a_second_serve_in_the_same_clone_is_refused_before_it_starts_anything(serving: Serve):
    second = Serve(serving.state_dir, {**serving.env}, name="second")
    assert second.run_to_exit() == 1
    said = second.output()
    assert "another `python3 dev.py serve` is already running" in said and str(serving.state_dir) in said
    assert f"pid {serving.process.pid}" in said
    for not_started in ("dev server starting", "dev server ready", "codec server at", "worker polling"):
        assert not_started not in said


def test_a_taken_dev_server_port_is_refused_naming_it(serving: Serve, tmp_path: Path):
    other = Serve.on_free_ports(tmp_path / "var")
    other.env["TRAJECTORIES_DEV_PORT"] = serving.env["TRAJECTORIES_DEV_PORT"]  # another clone's dev server
    assert other.run_to_exit() == 1
    said = other.output()
    assert f"127.0.0.1:{serving.port('DEV')} already in use" in said and "TEMPORAL_ADDRESS" in said
    assert "dev server ready" not in said and "worker polling" not in said


def test_the_dev_server_runs_without_the_ui_news_feed(serving: Serve):
    settings = httpx.get(f"http://127.0.0.1:{serving.port('DEV_UI')}/api/v1/settings", timeout=10).json()
    assert settings.get("DisableNewsFetch", settings.get("disableNewsFetch")) is True, settings


def test_ctrl_c_stops_everything_with_exit_code_0(tmp_path: Path):
    serve = Serve.on_free_ports(tmp_path / "var")
    serve.start()
    try:
        serve.wait_for(READY)
        assert serve.interrupt() == 0, serve.output()[-3000:]
    finally:
        serve.stop()
    said = serve.output()
    assert "dev server stopped" in said and said.rstrip().endswith("stopped")
    with socket.socket() as probe:  # the dev server went with it
        probe.bind(("127.0.0.1", serve.port("DEV")))
