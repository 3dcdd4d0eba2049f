"""Reading the JSON a command is given: a file, ``-`` for standard input, or the JSON itself inline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


class InputError(Exception):
    """Input the command cannot use; the message says which and why."""


def read_json(source: str, what: str) -> dict[str, Any]:
    """``source`` is a path, ``-`` (stdin) or inline JSON (starting with ``{``); the result must be an object."""
    if source == "-":
        text, origin = sys.stdin.read(), "standard input"
    elif source.lstrip().startswith("{"):
        text, origin = source, "the command line"
    else:
        try:
            text, origin = Path(source).read_text(), source
        except OSError as error:
            raise InputError(f"cannot read the {what} file {source!r}: {error.strerror or error}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"the {what} in {origin} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise InputError(f"the {what} in {origin} must be a JSON object, not {type(value).__name__}")
    return value
