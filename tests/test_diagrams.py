"""The committed SVG diagrams (docs/<region>.svg) are drawn from the current machines."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from statemachines import ROUTES
from statemachines.diagram import SOURCE_MARK, dot, fingerprint
from trajectories import diagrams as diagram
from trajectories.diagrams import svg_is_current, svg_path

REGIONS = sorted(ROUTES)


@pytest.mark.parametrize("region", REGIONS)
def test_committed_svg_is_current(region: str):
    assert svg_is_current(region), f"docs/{region}.svg is stale: run `python -m trajectories.diagrams` (needs Graphviz)"


@pytest.mark.parametrize("region", REGIONS)
def test_svg_shows_every_state_of_the_machine(region: str):
    texts = {element.text for element in ET.parse(svg_path(region)).iter() if element.text}
    missing = [state.name for state in ROUTES[region].states if state.name not in texts]
    assert not missing, missing


def test_dot_source_is_stable_and_differs_per_route():
    assert dot("almere") == dot("almere"), "object ids of python-statemachine are normalised away"
    assert len({fingerprint(region) for region in REGIONS}) == len(REGIONS)


def test_check_fails_on_a_stale_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    for region in REGIONS:
        shutil.copy(svg_path(region), tmp_path / f"{region}.svg")
    monkeypatch.setattr(diagram, "svg_path", lambda region: tmp_path / f"{region}.svg")
    assert diagram.main(["--check"]) == 0
    stale = tmp_path / "oss.svg"
    stale.write_text(SOURCE_MARK.sub(f"<!-- dot-source-sha256: {fingerprint('almere')} -->", stale.read_text()))
    assert diagram.main(["--check"]) == 1
    assert "oss.svg" in capsys.readouterr().err
    stale.unlink()
    assert diagram.main(["--check"]) == 1, "a missing SVG is stale too"


@pytest.mark.skipif(shutil.which("dot") is None, reason="drawing needs Graphviz `dot` (apt-get install graphviz)")
def test_regeneration_draws_a_marked_svg():
    drawn = diagram.render_svg("almere")
    assert f"<!-- dot-source-sha256: {fingerprint('almere')} -->" in drawn and drawn.rstrip().endswith("</svg>")
