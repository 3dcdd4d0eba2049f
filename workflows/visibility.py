"""What operations see of a running trajectory, and when a run hands over to the next (continue-as-new).

The search attributes (``workflows.contract``) are upserted only when they changed, in one upsert; the UI's
current details are refreshed every workflow task. A run continues as new when Temporal suggests it or its
history reaches the policy's length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from temporalio import workflow
from temporalio.common import SearchAttributePair

from workflows.contract import COACH_ID, MATCH_ATTEMPTS, NEXT_DEADLINE, NEXT_DEADLINE_KIND, REGION, TRAJECTORY_STATE

with workflow.unsafe.imports_passed_through():
    from domain.records import Deadline

if TYPE_CHECKING:
    from workflows.state import Engine

LEGACY_CONTINUE_AS_NEW_AFTER = 500
"""History length at which runs from before ``local-effects`` continue as new, as they always did; newer runs,
with histories half as long per year, use the policy's (smaller) threshold."""


class TrajectoryVisibility:
    """Search attributes, current details and the continue-as-new threshold; mixed into the engine."""

    def publish(self: Engine) -> None:
        """Upsert the search attributes that changed, and refresh the UI's current details."""
        upcoming = self.deadlines.next_public()
        wanted: list[SearchAttributePair[Any]] = [
            SearchAttributePair(REGION, self.policy.region),
            SearchAttributePair(TRAJECTORY_STATE, self.route.state_id),
            SearchAttributePair(COACH_ID, self.coach_id),
            SearchAttributePair(MATCH_ATTEMPTS, self.match_attempts),
        ]
        updates = [pair.key.value_set(pair.value) for pair in wanted if self.visible.get(pair.key.name) != pair.value]
        if upcoming is not None and self.visible.get(NEXT_DEADLINE.name) != upcoming.due:
            updates.append(NEXT_DEADLINE.value_set(upcoming.due))
        elif upcoming is None and self.visible.get(NEXT_DEADLINE.name) is not None:
            updates.append(NEXT_DEADLINE.value_unset())
        kind = upcoming.kind if upcoming else None
        publish_kind = self.patches.publish_kind
        if publish_kind and self.visible.get(NEXT_DEADLINE_KIND.name) != kind:
            updates.append(NEXT_DEADLINE_KIND.value_set(kind) if kind else NEXT_DEADLINE_KIND.value_unset())
        if updates:
            workflow.upsert_search_attributes(updates)
            for pair in wanted:
                self.visible[pair.key.name] = pair.value
            self.visible[NEXT_DEADLINE.name] = upcoming.due if upcoming else None
            if publish_kind:
                self.visible[NEXT_DEADLINE_KIND.name] = kind
        workflow.set_current_details(self.details(upcoming))

    def details(self: Engine, upcoming: Deadline | None) -> str:
        lines = [
            f"**{self.policy.region}** trajectory `{self.start.trajectory_id}` — state **{self.route.state_id}**",
            f"coach `{self.coach_id}` · match attempts {self.match_attempts}",
        ]
        if upcoming is not None:
            lines.append(f"next deadline: {upcoming.summary} on {upcoming.due:%Y-%m-%d %H:%M} UTC")
            if upcoming.moved:
                lines.append(f"({upcoming.moved})")
        undeliverable = sum(1 for n in self.notifications if n.status == "undeliverable")
        if undeliverable:
            lines.append(f"⚠ {undeliverable} undeliverable notification(s): see the view and the audit trail")
        return "\n\n".join(lines)

    def continue_as_new_due(self: Engine) -> bool:
        info = workflow.info()
        after = (
            self.policy.history_events_before_continue_as_new
            if self.patches.local_effects
            else LEGACY_CONTINUE_AS_NEW_AFTER
        )
        return info.is_continue_as_new_suggested() or info.get_current_history_length() >= after
