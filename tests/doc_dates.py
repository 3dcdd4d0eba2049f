"""Dates in documentation examples are written relative to the day they are used, so an example pasted on
any day is accepted: ``{{today}}``, ``{{today+30}}`` and ``{{today-14}}`` (days; Europe/Amsterdam). The docs
tests and the README's quick-start test substitute them exactly as a reader would."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PLACEHOLDER = re.compile(r"\{\{today(?:([+-])(\d+))?\}\}")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def substitute(text: str, on: date | None = None) -> str:
    """``text`` with every ``{{today±N}}`` replaced by that ISO date counted from ``on`` (default: today)."""
    base = on or today()

    def replace(match: re.Match[str]) -> str:
        sign, days = match.group(1), int(match.group(2) or 0)
        return (base + timedelta(days=-days if sign == "-" else days)).isoformat()

    return PLACEHOLDER.sub(replace, text)
