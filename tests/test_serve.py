"""``python3 dev.py serve`` as an operator runs it: one instance per clone, a clear refusal for a second one or
a taken port (never attaching to another's server), and a clean exit code after Ctrl-C."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser import CHROMIUM_ARGS, chromium_path
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


# --- the codec sign-in and the Web UI, in a real browser (Debian's chromium, driven by Playwright) ---------

SAMPLE = "trajectory-almere-sample-almere-3"  # in its 8-week trial, coach-bram


def codec_token(state_dir: Path) -> str:
    lines = (state_dir / "codec-tokens").read_text(encoding="utf-8").splitlines()
    [token] = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return token


def test_codec_sign_in_as_the_readme_says_shows_a_decoded_timer_summary(serving: Serve):
    from playwright.sync_api import sync_playwright

    ui, codec = f"http://localhost:{serving.port('DEV_UI')}", f"http://localhost:{serving.port('CODEC')}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)  # a busy machine (the suite runs beside it) renders the UI slowly
        try:
            # 1. sign in at the codec server's /login with the token from var/codec-tokens
            page.goto(f"{codec}/login")
            page.get_by_label("Codec token").fill(codec_token(serving.state_dir))
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("status").get_by_text("Signed in for 8 hours").wait_for()
            assert ui in page.inner_text("body") and codec in page.inner_text("body")  # the page says what's next

            # the cluster-level setting alone sends no credentials: the UI cannot decode (what the README warns)
            page.goto(f"{ui}/namespaces/default/workflows/{SAMPLE}")
            status = page.get_by_test_id("data-encoder-status-error")
            status.wait_for()
            assert page.get_by_text("8-week trial").count() == 0

            # 2. the codec settings as the README says: my browser setting, the endpoint typed, credentials on
            status.click()
            page.get_by_text("Use my browser setting and ignore Cluster-level setting").click()
            page.get_by_placeholder("Paste your endpoint here").fill(codec)
            page.get_by_test_id("data-encoder-include-credentials").click()
            page.get_by_role("button", name="Apply").click()

            # 3. the trajectory's page: the timer's summary and the start input, decrypted
            page.reload()
            page.get_by_text("8-week trial").first.wait_for(timeout=30_000)
            page.get_by_text('"participant_ref"').first.wait_for()
            assert page.get_by_test_id("data-encoder-status-error").count() == 0

            # the list's columns staff add (README): the trajectory's search attributes, shown
            page.goto(f"{ui}/namespaces/default/workflows")
            page.get_by_role("button", name="Configure Columns").click()
            for attribute in ("TrajectoryState", "CoachId", "NextDeadline"):
                page.get_by_role("button", name=f"Add {attribute} column").click()
            page.keyboard.press("Escape")
            row = page.get_by_role("row").filter(has_text=SAMPLE)
            row.get_by_text("coach-bram").wait_for()
            assert "trial" in row.inner_text()
        except Exception:
            page.screenshot(path=str(serving.state_dir.parent / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def test_the_readme_quick_start_curls_work_against_serve(serving: Serve):
    """The quick start's commands as a newcomer pastes them (bash, curl), on whatever day this runs."""
    from tests.test_readme import section

    blocks = re.findall(r"```bash\n(.*?)```", section("Quick start"), re.DOTALL)
    script = next(block for block in blocks if "curl" in block)
    script = script.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{serving.port('API')}")
    script = script.replace("var/api-token", str(serving.state_dir / "api-token"))
    script = script.replace("curl -s ", "curl -sS --fail-with-body ")  # any 4xx/5xx fails the script
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    answers, text = [], done.stdout.strip()
    while text:
        value, end = json.JSONDecoder().raw_decode(text)
        answers.append(value)
        text = text[end:].strip()
    started, after_event, view = answers
    assert started["workflow_id"] == f"trajectory-almere-{started['trajectory_id']}"
    assert after_event["state"] == view["state"] == "observation"
    assert "observation_completed" in view["allowed_events"] and list(view["deadlines"]) == ["observation_end"]
