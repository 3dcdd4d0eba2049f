"""Each route's deadline table as a Markdown table, for its docs page: generated from the table, like the diagram.

``python -m trajectories.diagrams`` rewrites every block between ``<!-- deadlines:<region> -->`` and
``<!-- /deadlines:<region> -->`` with :func:`block` (``--check`` fails when one is stale), so the page shows the
rows the engine reads (``workflows/<region>_deadlines.py``), with the lengths of the region's policy.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from domain.deadline_rules import DeadlineRule, StreamRule
from domain.regions import REGIONS, Region, load

RECIPIENTS = {
    "coach": "coach",
    "team_lead": "team lead",
    "wage_value_specialist": "wage-value specialist",
    "employer": "employer",
    "neighbourhood_team": "neighbourhood team",
    "client_manager": "client manager",
    "youth_team": "youth team",
}


def length(value: timedelta) -> str:
    """A policy interval as people say it: ``6 weeks``, ``2 days``, ``36 hours``."""
    days, seconds = value.days, value.seconds
    if seconds == 0 and days and days % 7 == 0:
        amount, unit = days // 7, "week"
    elif seconds == 0:
        amount, unit = days, "day"
    elif seconds % 3600 == 0:
        amount, unit = days * 24 + seconds // 3600, "hour"
    else:
        amount, unit = int(value.total_seconds()), "second"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def _field(policy: Any, name: str | None, months: bool = False) -> str:
    if not name:
        return ""
    value = getattr(policy, name)
    shown = (f"{value} month{'' if value == 1 else 's'}" if months else length(value)) if value is not None else "off"
    return f"{shown} (`{name}`)"


def _whom(recipient: str, policy: Any) -> str:
    """Who a row's notification reaches; an escalation (``team_lead``) where the policy's ``escalation_to`` says."""
    if recipient == "team_lead" and getattr(policy, "escalation_to", "team_lead") == "other_advisor":
        return "the other advisor (`escalation_to`)"
    return RECIPIENTS.get(recipient, recipient)


def _codes(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def row(rule: DeadlineRule, policy: Any) -> list[str]:
    """The cells of one rule: deadline, armed, due, then, escalation, met by / belongs to."""
    if rule.on_enter:
        armed = f"entering {_codes(rule.on_enter)}"
    elif rule.on_event:
        armed = f"`{rule.on_event}`"
    else:
        armed = "the workflow (a hook)"
    if rule.when:
        armed += f", while `{rule.when}`"
    due = _field(policy, rule.after) or _field(policy, rule.after_months, months=True) or "a date the hook computes"
    if rule.every_months:
        due += f"; then every {_field(policy, rule.every_months, months=True)}"
    then = (
        f"sends `{rule.event}`" if rule.event else f"`{rule.kind}` → {_whom(rule.recipient, policy)}"
    )
    escalation = "—"
    if rule.escalate is not None:
        kind = rule.escalate.kind or rule.kind
        whom = _whom(rule.escalate.recipient, policy)
        escalation = f"{_field(policy, rule.escalate.after)} later: `{kind}` → {whom}"
    ends = f"met by {_codes(rule.met_by)}; " if rule.met_by else ""
    ends += f"cleared leaving {_codes(rule.states)}" if len(rule.states) <= 4 else f"runs in {len(rule.states)} states"
    return [f"`{rule.name}`: {rule.summary}", armed, due, then, escalation, ends]


def stream_row(stream: StreamRule) -> list[str]:
    """The cells of one payment-stream row: stream, started on, pays, from/to, with, runs in."""
    started = f"`{stream.on_event}`" + (f", while `{stream.when}`" if stream.when else "")
    span = f"`{stream.anchor}`" + (f" to `{stream.end}`" if stream.end else "")
    facts = ", ".join(f"{name} = `{source}`" for name, source in stream.facts) or "—"
    if stream.needs:
        facts += f" (none without {_codes(stream.needs)})"
    pays = f"rule `{stream.rule}` to `{stream.payee}`"
    return [f"`{stream.key}`", started, pays, span, facts, _codes(stream.runs_in)]


def table(region: Region) -> str:
    workflow, policy = load(region.workflow), load(region.policy)
    lines = [
        "| deadline | armed on | due after | then | escalation | ends |",
        "|---|---|---|---|---|---|",
        *("| " + " | ".join(row(rule, policy)) + " |" for rule in workflow.deadline_table),
    ]
    if workflow.deadline_table.streams:
        lines += [
            "",
            "Payment streams the table starts (runs with payment streams; others are started by hooks):",
            "",
            "| stream | started on | pays | from | with | runs in |",
            "|---|---|---|---|---|---|",
            *("| " + " | ".join(stream_row(stream)) + " |" for stream in workflow.deadline_table.streams),
        ]
    return "\n".join(lines) + "\n"


def block(region: str) -> str:
    source = f"workflows/{REGIONS[region].module}_deadlines.py"
    return (
        f"<!-- deadlines:{region} -->\n"
        f"Generated from `{source}` and the region's policy by `python -m trajectories.diagrams`.\n\n"
        f"{table(REGIONS[region])}<!-- /deadlines:{region} -->"
    )


def render(text: str) -> str:
    """``text`` with every region's deadline-table block regenerated."""
    for region in REGIONS:
        pattern = re.compile(rf"<!-- deadlines:{region} -->.*?<!-- /deadlines:{region} -->", re.DOTALL)
        if pattern.search(text):
            fresh = block(region)
            text = pattern.sub(lambda _: fresh, text)  # noqa: B023 (used within this iteration)
    return text
