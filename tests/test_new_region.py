"""``trajectories new-region``: a generated region passes what CI asks of every region, as it stands.

The proof generates ``de-bilt`` into a copy of the repository's files (tracked and new, as in this working tree),
through the command line at 80 columns, and then runs there, in a subprocess: the registry's tests, the deadline
tables' tests, the diagram test, the README's contract, replay of its recorded history and its firing tests; and
``ruff check``, ``ruff format --check`` and mypy as the repository configures them. The refusals are checked on
the repository itself: they write nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trajectories import new_region
from trajectories.cli import main
from trajectories.new_region import FILES, ROWS, Names, NewRegionError, Row, insert_row, plan

ROOT = Path(__file__).resolve().parent.parent


def copy_of_the_repository(target: Path) -> None:
    """The repository's tracked and not-ignored files, as they are in the working tree, copied to ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def in_copy(copy: Path, *command: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "80", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, *command], cwd=copy, capture_output=True, text=True, env=environment, timeout=timeout
    )


@pytest.mark.slow
def test_a_generated_region_passes_the_tests_every_region_must_pass(tmp_path: Path):
    copy = tmp_path / "repository"
    copy_of_the_repository(copy)

    generated = in_copy(copy, "-m", "trajectories.cli", "new-region", "de-bilt", "--root", str(copy))
    assert generated.returncode == 0, generated.stderr
    lines = generated.stdout.splitlines()
    assert max(map(len, lines)) <= 80, "the command's output fits 80 columns"
    for written in ("domain/de_bilt.py", "workflows/de_bilt_deadlines.py", "docs/de-bilt.svg", "tests/test_de_bilt.py",
                    "tests/histories/de-bilt-main-path.json", "domain/regions.py"):  # fmt: skip
        assert f"  {written}" in lines and (copy / written).exists(), written
    registry = (copy / "domain" / "regions.py").read_text(encoding="utf-8")
    original = (ROOT / "domain" / "regions.py").read_text(encoding="utf-8")
    assert len(registry.splitlines()) == len(original.splitlines()) + 1, "one line added to the registry"

    tests = in_copy(
        copy, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/test_regions.py", "tests/test_deadline_tables.py",
        "tests/test_diagrams.py", "tests/test_readme.py", "tests/test_de_bilt.py",
        "tests/test_replay.py::test_replay[de-bilt-main-path]",
        "tests/test_replay.py::test_histories_are_recorded_for_every_region",
        "tests/test_replay.py::test_every_recording_scenario_has_its_history",
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:]
    for held in (
        "test_regions.py::test_the_parts_resolve_and_agree[de-bilt] PASSED",
        "test_regions.py::test_docs_page_and_diagram_exist[de-bilt] PASSED",
        "test_regions.py::test_docs_page_shows_the_current_deadline_table[de-bilt] PASSED",
        "test_deadline_tables.py::test_every_table_entry_names_real_states_events_and_policy_fields[de-bilt] PASSED",
        "test_deadline_tables.py::test_every_deadline_in_the_table_has_a_firing_test[de-bilt] PASSED",
        "test_diagrams.py::test_committed_svg_is_current[de-bilt] PASSED",
        "test_replay.py::test_replay[de-bilt-main-path] PASSED",
        "test_de_bilt.py::test_intake_is_due_to_the_coach_then_overdue_to_the_team_lead PASSED",
        "test_de_bilt.py::test_placement_is_due_after_the_intake_then_escalated_and_met_by_work PASSED",
    ):
        assert held in tests.stdout, held

    new_files = [Names.of("de-bilt").fill(target) for _, target in FILES if target.endswith(".py")]
    changed = sorted({row.path for row in ROWS if row.path.endswith(".py")})
    for lint in (["check", *new_files, *changed], ["format", "--check", *new_files, *changed]):
        linted = in_copy(copy, "-m", "ruff", *lint)
        assert linted.returncode == 0, linted.stdout + linted.stderr
    typed = in_copy(copy, "-m", "mypy")
    assert typed.returncode == 0, typed.stdout[-4000:]


def test_the_spellings_of_a_name():
    assert Names.of("de-bilt") == Names(name="de-bilt", stem="de_bilt", cls="DeBilt", const="DE_BILT", title="De Bilt")
    assert Names.of("de-bilt", "De Bilt (Utrecht)").title == "De Bilt (Utrecht)"


@pytest.mark.parametrize("name", ["Zwolle", "zwolle_2", "-zwolle", "zwolle-", "zwo lle", "", "x" * 41])
def test_a_name_unfit_for_ids_is_refused(name: str):
    with pytest.raises(NewRegionError, match="lower-case letters and dashes"):
        Names.of(name)


def test_a_region_that_exists_is_refused_before_anything_is_written():
    with pytest.raises(NewRegionError, match="'oss' is in domain/regions.py already"):
        plan(ROOT, Names.of("oss"))


def test_a_table_without_its_line_is_refused_by_name(tmp_path: Path):
    row = Row("domain/milestones.py", "milestones_row.tmpl", r"^\}", start=r"^MILESTONES\b")
    with pytest.raises(NewRegionError, match=r"domain/milestones.py: no line matching '\^MILESTONES"):
        insert_row("OTHER = {\n}\n", row, "    row,\n", row.path)
    assert insert_row("X = 1\nMILESTONES = {\n    a,\n}\n", row, "    b,\n", row.path) == (
        "X = 1\nMILESTONES = {\n    a,\n    b,\n}\n"
    )


def test_every_table_of_the_repository_has_the_line_a_row_goes_before():
    """The anchors are other modules' lines: when one moves, this fails here, not in a municipality's hands."""
    writes = plan(ROOT, Names.of("de-bilt"))
    for row in ROWS:
        text = writes[ROOT / row.path]
        assert Names.of("de-bilt").fill(new_region.template(row.template)) in text, row


def test_help_says_what_it_writes_at_80_columns(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as done:
        main(["new-region", "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert max(map(len, shown.splitlines())) <= 80
    flat = " ".join(shown.split())
    for part in ("domain/regions.py", "statemachines/", "docs/NAME.md", "tests/histories/", "Nothing is written"):
        assert part in flat, part
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "new-region" in capsys.readouterr().out


def test_a_refusal_is_a_clear_error_with_exit_code_2(capsys: pytest.CaptureFixture[str]):
    assert main(["new-region", "oss", "--root", str(ROOT)]) == 2
    assert "'oss' is in domain/regions.py already" in capsys.readouterr().err
