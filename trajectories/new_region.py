"""``trajectories new-region NAME``: a new region's parts, written from templates, green in CI as they stand.

A region is a row of the registry (``domain/regions.py``) and the modules that row names: its policy, events and
case (``domain/``), its machine (``statemachines/``), its deadline table and workflow (``workflows/``), samples,
a docs page with its diagram, a firing test for every deadline of its table and a recorded history. This command
writes all of them from the templates in ``trajectories/templates/region/`` (``string.Template``: ``${name}``,
``${stem}``, ``${cls}``, ``${const}``, ``${title}``), adds the region's row to the registry and to the tables other
modules keep per region (outcome milestones, the forecast's intake and assumptions, the firing registry), then
draws the diagram (``python -m trajectories.diagrams``, Graphviz) and records the history
(``python -m tests.record_histories``, the time-skipping test server), both in the repository written to.

The generated route is the skeleton every route shares (intake, seeking work, closed in work or withdrawn); the
README's "Adding a region" walks a municipality through filling it in. Nothing is written unless every file is
new and every table has the line the row goes before: a half-written region is never left behind by a refusal.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).resolve().parent / "templates" / "region"

NAME = re.compile(r"^[a-z]+(-[a-z]+)*$")
"""Lower case words joined by dashes: the name appears in workflow ids, URLs and search attributes."""

FILES: tuple[tuple[str, str], ...] = (
    ("domain.py.tmpl", "domain/${stem}.py"),
    ("machine.py.tmpl", "statemachines/${stem}.py"),
    ("deadlines.py.tmpl", "workflows/${stem}_deadlines.py"),
    ("workflow.py.tmpl", "workflows/${stem}.py"),
    ("samples.py.tmpl", "trajectories/samples/${stem}.py"),
    ("docs.md.tmpl", "docs/${name}.md"),
    ("test.py.tmpl", "tests/test_${stem}.py"),
    ("recording.py.tmpl", "tests/recordings/${stem}.py"),
)
"""Template → the file it becomes (a path template relative to the repository)."""


@dataclass(frozen=True)
class Row:
    """A row added to a table another module keeps per region: inserted before the first line matching ``before``
    that follows the first line matching ``start`` (the table's head), above any blank lines preceding it."""

    path: str
    template: str
    before: str
    start: str = ""


ROWS: tuple[Row, ...] = (
    Row("domain/regions.py", "region_row.tmpl", r"^\s*# `trajectories new-region NAME` adds"),
    Row("domain/milestones.py", "milestones_row.tmpl", r"^\}", start=r"^MILESTONES\b"),
    Row("trajectories/forecast/intake.py", "intake_function.tmpl", r"^INTAKE\b"),
    Row("trajectories/forecast/intake.py", "intake_row.tmpl", r"^\}", start=r"^INTAKE\b"),
    Row(
        "trajectories/forecast/assumptions.py",
        "assumptions_row.tmpl",
        r"^    model_config = .*validate_by_name",
        start=r"^class Assumptions",
    ),
    Row("tests/deadline_firings.py", "firings_row.tmpl", r"^\}", start=r"^FIRINGS\b"),
    Row("tests/test_privacy.py", "birth_date_row.tmpl", r"^\}", start=r"^BIRTH_DATES\b"),
    Row("README.md", "readme_row.tmpl", r"^\* \*\*Start input\*\*", start=r"^## The contract"),
)


class NewRegionError(Exception):
    """The region cannot be written as asked; nothing was written."""


@dataclass(frozen=True)
class Names:
    """The spellings of one region's name that the templates use."""

    name: str
    """``de-bilt``: ids, URLs, search attributes, file names of docs and histories."""
    stem: str
    """``de_bilt``: module names."""
    cls: str
    """``DeBilt``: class names (``DeBiltTrajectory`` is the workflow type)."""
    const: str
    """``DE_BILT``: the policy instance, the event catalogue, the deadline table."""
    title: str
    """``De Bilt``: how people write it."""

    @classmethod
    def of(cls, name: str, title: str | None = None) -> Names:
        if not NAME.match(name) or len(name) > 40:
            raise NewRegionError(f"region name {name!r}: lower-case letters and dashes, e.g. zwolle or de-bilt")
        words = name.split("-")
        return cls(
            name=name,
            stem="_".join(words),
            cls="".join(word.title() for word in words),
            const="_".join(words).upper(),
            title=title or " ".join(word.title() for word in words),
        )

    def fill(self, text: str) -> str:
        return Template(text).substitute(
            name=self.name, stem=self.stem, cls=self.cls, const=self.const, title=self.title
        )


def template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def insert_row(text: str, row: Row, lines_to_add: str, path: str) -> str:
    """``text`` with ``lines_to_add`` placed where ``row`` says; :class:`NewRegionError` if that line is missing."""
    lines = text.splitlines(keepends=True)
    start = 0
    if row.start:
        start = next((i for i, line in enumerate(lines) if re.match(row.start, line)), -1)
        if start < 0:
            raise NewRegionError(f"{path}: no line matching {row.start!r} (add the region's row by hand)")
    at = next((i for i in range(start, len(lines)) if re.match(row.before, lines[i])), -1)
    if at < 0:
        raise NewRegionError(f"{path}: no line matching {row.before!r} (add the region's row by hand)")
    while at > start and not lines[at - 1].strip():
        at -= 1
    return "".join([*lines[:at], lines_to_add, *lines[at:]])


def plan(root: Path, names: Names) -> dict[Path, str]:
    """Every file to write (new ones and changed tables) with its full new text; refuses before writing anything."""
    registry = root / "domain" / "regions.py"
    if not registry.exists():
        raise NewRegionError(f"{root} is not a trajectories repository (no domain/regions.py)")
    if f'_region("{names.name}"' in registry.read_text(encoding="utf-8"):
        raise NewRegionError(f"region {names.name!r} is in domain/regions.py already")
    writes: dict[Path, str] = {}
    for source, target in FILES:
        path = root / names.fill(target)
        if path.exists():
            raise NewRegionError(f"{path.relative_to(root)} exists already: nothing was written")
        writes[path] = names.fill(template(source))
    for row in ROWS:
        path = root / row.path
        current = writes.get(path) or path.read_text(encoding="utf-8")
        writes[path] = insert_row(current, row, names.fill(template(row.template)), row.path)
    return writes


def generate(root: Path, name: str, *, title: str | None = None, draw: bool = True, record: bool = True) -> list[str]:
    """Write region ``name`` into the repository at ``root``; return the paths written, relative to ``root``."""
    names = Names.of(name, title)
    writes = plan(root, names)
    for path, text in writes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    written = sorted(str(path.relative_to(root)) for path in writes)
    tidy(root, [names.fill(target) for _, target in FILES if target.endswith(".py")])
    if draw:  # the docs page's Mermaid block and the SVG, from the new machine
        run(root, "-m", "trajectories.diagrams")
        written.append(f"docs/{names.name}.svg")
    if record:  # the main path's history, replayed by tests/test_replay.py
        run(root, "-m", "tests.record_histories", f"{names.name}-main-path")
        written.append(f"tests/histories/{names.name}-main-path.json")
    return written


def tidy(root: Path, files: list[str]) -> None:
    """Sort the new modules' imports and format them as the repository does (``ruff``, from the lint extra): where
    a region's module sorts among the others depends on its name. Tables that got a row are left as they were."""
    if importlib.util.find_spec("ruff") is None:
        return
    run(root, "-m", "ruff", "check", "--quiet", "--fix", "--select", "I", *files)
    run(root, "-m", "ruff", "format", "--quiet", *files)


def run(root: Path, *arguments: str) -> None:
    """Run a tool of the repository at ``root`` with this Python (the repository's own modules come first)."""
    done = subprocess.run([sys.executable, *arguments], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise NewRegionError(
            f"`python {' '.join(arguments)}` failed in {root} (the region's files are written: fix the cause and run "
            f"it again):\n{done.stderr.strip()[-2000:]}"
        )
