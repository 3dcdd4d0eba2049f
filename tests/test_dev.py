"""``dev.py``'s install as a newcomer meets it: it says what it does and shows pip's progress, never silence."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from service import config

PYPROJECT = """[project]
name = "dev-py-probe"
version = "0.1.0"
requires-python = ">=3.11"

[project.optional-dependencies]
test = []
bench = []
lint = []

[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[tool.setuptools]
py-modules = ["probe"]
"""


def dev_py(clone: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(clone / "dev.py"), *argv], cwd=clone, stdin=subprocess.DEVNULL,  # as in CI: no input
        capture_output=True, text=True, timeout=280,
    )  # fmt: skip


def test_the_first_install_says_so_and_shows_pips_progress_then_is_skipped(tmp_path: Path):
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copy(config.PROJECT_ROOT / "dev.py", clone / "dev.py")
    (clone / "pyproject.toml").write_text(PYPROJECT)
    (clone / "probe.py").write_text("")

    first = dev_py(clone, "bench")  # the probe project has no benchmarks: only the install matters here
    said = first.stderr
    assert "dev.py: creating" in said
    assert "this takes a few minutes the first time" in said
    assert "Successfully installed dev-py-probe" in said, said[-2000:]  # pip's own lines, not --quiet
    assert (clone / ".venv" / ".pyproject-installed").exists()

    again = dev_py(clone, "bench")
    assert "installing" not in again.stderr and "creating" not in again.stderr  # unchanged pyproject: at once
