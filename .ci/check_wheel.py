#!/usr/bin/env python3
"""Check a built wheel against the source tree, then use it the way a deployment would.

    .venv/bin/python .ci/check_wheel.py dist/trajectories-*.whl

1. Every file of every package that pyproject's ``[tool.setuptools.packages.find]`` includes, and every
   ``py-modules`` module, is in the wheel (an editable install hides a package missing from the wheel:
   ``trajectories/samples`` once was).
2. The wheel installed alone into a temporary venv (its dependencies borrowed from this venv) imports every
   module it ships from its own files, and its ``trajectories`` script answers ``--help``.
Standard library only; exits non-zero naming what is missing or failing.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_PARTS = {"__pycache__"}
NOT_IMPORTED = ("migrations",)  # Alembic's env.py and revisions run only under Alembic


def expected_files() -> set[str]:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    includes = setuptools["packages"]["find"]["include"]
    wanted = {f"{module}.py" for module in setuptools.get("py-modules", [])}
    for top in sorted({pattern.rstrip("*").rstrip(".") for pattern in includes}):
        if not (ROOT / top).is_dir():
            continue
        for path in (ROOT / top).rglob("*"):
            relative = path.relative_to(ROOT)
            if path.is_file() and not SKIP_PARTS & set(relative.parts) and path.suffix != ".pyc":
                if any(fnmatch.fnmatch(str(relative.parent).replace(os.sep, "."), pattern) for pattern in includes):
                    wanted.add(relative.as_posix())
    return wanted


def modules(names: set[str]) -> list[str]:
    found = []
    for name in sorted(names):
        if not name.endswith(".py") or name == "dev.py" or any(part in NOT_IMPORTED for part in name.split("/")):
            continue
        module = name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        if not module.endswith("__main__"):
            found.append(module)
    return found


def main(wheel: Path) -> int:
    shipped = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(expected_files() - shipped)
    if missing:
        print(f"{wheel.name} lacks {len(missing)} file(s) of the source tree:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "venv"
        venv.create(target, with_pip=False)
        python = target / "bin" / "python"
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
            check=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
        # the dependencies from this venv, after the wheel's own files (a plain path: no editable finder)
        (Path(site) / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        names = modules(shipped)
        probe = (
            "import importlib\n"
            f"for name in {names!r}:\n"
            "    module = importlib.import_module(name)\n"
            f"    assert module.__file__.startswith({site!r}), (name, module.__file__)\n"
            f"print('imported {len(names)} modules from the wheel')\n"
        )
        env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
        imported = subprocess.run([str(python), "-c", probe], cwd=scratch, env=env, capture_output=True, text=True)
        if imported.returncode != 0:
            print(f"{wheel.name} installed alone does not import:\n{imported.stderr}", file=sys.stderr)
            return 1
        helped = subprocess.run([str(target / "bin" / "trajectories"), "--help"], cwd=scratch, env=env,
                                capture_output=True, text=True)  # fmt: skip
        if helped.returncode != 0 or "usage: trajectories" not in helped.stdout:
            print(f"the wheel's `trajectories --help` failed:\n{helped.stdout}{helped.stderr}", file=sys.stderr)
            return 1
    print(f"{wheel.name}: {len(shipped)} files, every package file present; {imported.stdout.strip()}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_wheel.py WHEEL")
    sys.exit(main(Path(sys.argv[1])))
