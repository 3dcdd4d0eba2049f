"""The route's documentation stays true: every JSON event example parses, and the diagram is current."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from domain.events import EventContext
from domain.rijk_van_nijmegen import RIJK_VAN_NIJMEGEN, RIJK_VAN_NIJMEGEN_EVENTS, RijkVanNijmegenCase
from domain.start import TrajectoryStart
from statemachines.diagram import render
from tests import doc_dates

DOC = Path(__file__).resolve().parent.parent / "docs" / "rijk-van-nijmegen.md"
# relative dates ({{today-6}}) filled in as a reader would on the day, so an example never goes stale
TEXT = doc_dates.substitute(DOC.read_text(encoding="utf-8"))
BLOCKS = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", TEXT, re.DOTALL)]
EVENTS = [b for b in BLOCKS if "event" in b]


def test_every_event_has_an_example():
    assert sorted({e["event"] for e in EVENTS}) == sorted(RIJK_VAN_NIJMEGEN_EVENTS.names)


@pytest.mark.parametrize("example", EVENTS, ids=[e["event"] for e in EVENTS])
def test_event_examples_are_valid(example):
    case = RijkVanNijmegenCase(coach_id="consultant-linking-3")
    context = EventContext(today=doc_dates.today(), policy=RIJK_VAN_NIJMEGEN, case=case)
    RIJK_VAN_NIJMEGEN_EVENTS.models[example["event"]].model_validate(example, context=context)


def test_start_example_is_valid():
    (start,) = [b for b in BLOCKS if "trajectory_id" in b]
    assert TrajectoryStart.model_validate(start).diploma_date == doc_dates.today() + timedelta(days=400)


def test_diagram_is_current():
    text = DOC.read_text(encoding="utf-8")
    assert "<!-- diagram:rijk-van-nijmegen -->\n```mermaid" in text
    assert render(text) == text
