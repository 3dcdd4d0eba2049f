"""The README as a newcomer reads it: the contract names every workflow, and the quick start works."""

from __future__ import annotations

import re
from pathlib import Path

from service import config
from trajectories import run
from workflows import WORKFLOWS
from workflows.contract import workflow_id_for

README = Path(__file__).resolve().parent.parent / "README.md"


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.DOTALL | re.MULTILINE)
    assert found, f"README has no section {title!r}"
    return found.group(1)


def test_the_contract_names_every_workflow_type_and_id():
    contract = section("The contract")
    for region, workflow in WORKFLOWS.items():
        assert f"`{workflow.__name__}`" in contract, region
        assert f"`{workflow_id_for(region, '<trajectory_id>')}`" in contract, region


def test_the_quick_start_names_the_addresses_serve_uses():
    quick_start = section("Quick start")
    for address in (
        f"http://localhost:{run.DEV_UI_PORT}",
        f"http://127.0.0.1:{config.DEFAULT_API_PORT}",
        f"http://localhost:{config.DEFAULT_CODEC_PORT}/login",
        "var/api-token",
        "var/codec-tokens",
    ):
        assert address in quick_start, address
    assert re.findall(r"^## .*", README.read_text(encoding="utf-8"), re.MULTILINE)[0] == "## Quick start"  # at the top
