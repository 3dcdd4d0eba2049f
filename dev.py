#!/usr/bin/env python3
"""Bootstrap and run the project on a machine with nothing but Python 3.11+.

    python3 dev.py serve            # dev server + worker + samples (python -m trajectories.run)
    python3 dev.py test [args...]   # python -m pytest [args...], exiting with pytest's code
    python3 dev.py bench [args...]  # the benchmarks (python -m benchmarks [args...]; --quick, --tiny, --help)
    python3 dev.py lint             # ruff check and mypy, as .ci/run runs them

Creates ``.venv`` if missing and runs ``pip install -e '.[test,bench,lint]'`` only when pyproject.toml changed
since the last install (its hash is kept in ``.venv/.pyproject-installed``), so repeated runs start at once.
The install shows pip's progress (a few minutes the first time; silence there looked like a hang).
Then it replaces itself with the venv's Python. Standard library only; never reads stdin (safe in CI).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".pyproject-installed"
EXTRAS = "test,bench,lint"
COMMANDS = {"serve": ["-m", "trajectories.run"], "test": ["-m", "pytest"], "bench": ["-m", "benchmarks"], "lint": []}
LINT = [["-m", "ruff", "check", "."], ["-m", "ruff", "format", "--check", "."], ["-m", "mypy"]]
"""ruff's rules and format (checked, never rewritten here: run `ruff format .`) and mypy's modules are configured in
pyproject.toml."""


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> Path:
    """The venv's Python, with the project installed as pyproject.toml currently describes it."""
    python = venv_python()
    if not python.exists():
        print(f"dev.py: creating {VENV}", file=sys.stderr, flush=True)
        try:
            venv.create(VENV, with_pip=True, clear=VENV.exists())
        except (OSError, subprocess.CalledProcessError) as error:
            sys.exit(f"dev.py: could not create {VENV} ({error}); on Debian/Ubuntu install python3-venv")
    wanted = pyproject_hash()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print(f"dev.py: installing the project and its tools into {VENV} (pip install -e '.[{EXTRAS}]'); "
              "this takes a few minutes the first time", file=sys.stderr, flush=True)  # fmt: skip
        env = {**os.environ, "PIP_NO_INPUT": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        # pip's own progress (one line per package, a bar on a terminal) on stderr, so stdout stays the command's
        result = subprocess.run(
            [str(python), "-m", "pip", "install", "--progress-bar", "on", "--editable", f".[{EXTRAS}]"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=sys.stderr,
        )  # fmt: skip
        if result.returncode != 0:
            sys.exit(f"dev.py: pip install failed (exit code {result.returncode})")
        STAMP.write_text(wanted + "\n")
    return python


def lint(python: Path) -> None:
    """Each linter in turn over the whole tree; exits with the first failure's code."""
    for tool in LINT:
        print(f"dev.py: {' '.join(tool[1:])}", file=sys.stderr, flush=True)
        result = subprocess.run([str(python), *tool], cwd=ROOT, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            sys.exit(result.returncode)
    sys.exit(0)


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 11):
        sys.exit("dev.py: Python 3.11 or newer is required")
    if not argv or argv[0] not in COMMANDS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(COMMANDS)}}} [args...]")
    command, extra = argv[0], argv[1:]
    python = ensure_venv()
    if command == "lint":
        lint(python)
    args = [str(python), *COMMANDS[command], *(extra if command in ("test", "bench") else [])]
    bin_dir = str(python.parent)
    env = {**os.environ, "VIRTUAL_ENV": str(VENV), "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    os.chdir(ROOT)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":  # no real exec on Windows: wait and pass the exit code on
        sys.exit(subprocess.run(args, env=env).returncode)
    os.execve(args[0], args, env)  # signals (Ctrl-C, SIGTERM) and the exit code go straight to the child


if __name__ == "__main__":
    main(sys.argv[1:])
