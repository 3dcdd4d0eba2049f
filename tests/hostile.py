"""Hypothesis strategies for hostile input: malformed starts and events, derived from the domain models.

Values are built from each model's JSON schema, so a new event or field is covered without touching the
tests: for every field a plausible value (in range, the right enum, a date near today), a hostile one
(wrong type, huge string, out-of-range number or date, nested junk) or nothing at all; sometimes an
unknown field; sometimes no JSON object at all.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from domain.events import EventCatalog

HUGE = 100_000
"""Characters in a 'huge' string: far above every limit, well below Temporal's payload limit."""

JUNK_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", " ", "123456782", "Jan Jansen", "0001-01-01", "9999-12-31", "2026-02-30", "x" * HUGE]),
)
JUNK = st.recursive(
    JUNK_LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
"""Any JSON value, often of the wrong type, sometimes huge or out of range."""


def near(today: date) -> st.SearchStrategy[str]:
    """An ISO date: mostly near today, sometimes years off, sometimes at the edges of the calendar."""
    days = st.one_of(st.integers(min_value=-30, max_value=180), st.integers(min_value=-3650, max_value=3650))
    extremes = st.sampled_from(["1900-01-01", "2100-12-31", "0001-01-01", "9999-12-31"])
    return st.one_of(days.map(lambda n: (today + timedelta(days=n)).isoformat()), extremes)


def plausible(schema: dict[str, Any], defs: dict[str, Any], today: date) -> st.SearchStrategy[Any]:
    """A value of the field's type, mostly in range: the input a careless but honest client sends."""
    if "$ref" in schema:
        return plausible(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, today)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([plausible(option, defs, today) for option in schema[key]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "number"):
        low, high = schema.get("minimum", schema.get("exclusiveMinimum", -5)), schema.get("maximum", 120)
        return st.integers(min_value=int(low) - 1, max_value=int(high) + 1)
    if kind == "array":
        item = plausible(schema.get("items", {}), defs, today)
        return st.lists(item, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 4), 4))
    if kind == "object" and "properties" in schema:
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {name: plausible(field, defs, today) for name, field in schema["properties"].items() if name in required},
            optional={
                name: plausible(field, defs, today)
                for name, field in schema["properties"].items()
                if name not in required
            },
        )
    if kind == "string" and schema.get("format") == "date":
        return near(today)
    if kind == "string":
        return st.from_regex(r"[a-z]{3}-[a-z0-9]{3,12}", fullmatch=True)  # fits every identifier type
    if kind == "null":
        return st.none()
    return JUNK


def fields_of(
    model: type[BaseModel], today: date, *, skip: frozenset[str] = frozenset()
) -> st.SearchStrategy[dict[str, Any]]:
    """A payload for ``model``: every field plausible, then one mutation: none, a field dropped, a field
    replaced by junk (wrong type, huge, out of range), or an unknown field added."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    names = [name for name in schema.get("properties", {}) if name not in skip]
    base = st.fixed_dictionaries({name: plausible(schema["properties"][name], defs, today) for name in names})
    unknown = st.sampled_from(["bsn", "name", "surprise", "x" * 200])

    def mutate(payload: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        options: list[st.SearchStrategy[dict[str, Any]]] = [st.just(payload)] * 3
        if names:
            field = st.sampled_from(names)
            options.append(field.map(lambda f: {k: v for k, v in payload.items() if k != f}))
            options.append(st.tuples(field, JUNK).map(lambda fv: payload | {fv[0]: fv[1]}))
            options.append(st.tuples(field, JUNK).map(lambda fv: payload | {fv[0]: fv[1]}))
        options.append(st.tuples(unknown, JUNK).map(lambda kv: payload | {kv[0]: kv[1]}))
        return st.one_of(options)

    return base.flatmap(mutate)


def events(catalog: EventCatalog, today: date) -> st.SearchStrategy[Any]:
    """An event for ``catalog``'s route: a known name with plausible-or-hostile fields, an unknown or
    absurd name, or not a JSON object at all."""
    known = st.sampled_from(sorted(catalog.models)).flatmap(
        lambda name: fields_of(catalog.models[name], today, skip=frozenset({"event"})).map(
            lambda fields, name=name: {"event": name, "actor": "coach-anna"} | fields
        )
    )
    odd_name = st.fixed_dictionaries({"event": JUNK, "actor": st.just("coach-anna")})
    not_an_object = st.one_of(JUNK_LEAF, st.lists(JUNK_LEAF, max_size=3))
    return st.one_of(known, known, known, known, odd_name, not_an_object)


def starts(today: date) -> st.SearchStrategy[Any]:
    """A trajectory start input: plausible fields, hostile ones, missing ones, unknown ones."""
    from domain.start import TrajectoryStart

    return fields_of(TrajectoryStart, today)
