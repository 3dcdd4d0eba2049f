"""Activities of the caseload hand-over: find a coach's open trajectories, and reassign one of them.

Both talk to Temporal through the worker's client (the workflow cannot list workflows or send Updates to
other workflows itself). Reassigning sends the trajectory its route's ordinary reassignment event
(``coach_reassigned``; Oss: ``consultant_assigned`` for the owning role) through the ``submit_event`` Update, so
the trajectory validates, audits and notifies as for any other reassignment.
"""

from __future__ import annotations

import json
from datetime import timedelta

from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution as ExecutionRef
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest, ListOpenWorkflowExecutionsRequest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.handover import CaseloadQuery, Reassignment, ReassignOutcome, TrajectoryRef
from domain.records import EventAccepted, TrajectoryView
from domain.submission import SUBMISSION_FIELD, Submission
from workflows import WORKFLOWS
from workflows.contract import COACH_ID, REGION, TRAJECTORY_STATE
from workflows.search import TrajectoryFilter

QUERY_TIMEOUT = timedelta(seconds=10)
REFUSALS = {"EventNotAllowed", "EventUnknown", "EventInvalid"}
"""The trajectory refuses the event (not allowed in its state): recorded, not retried."""


class CaseloadActivities:
    def __init__(self, client: Client):
        self.client = client

    @activity.defn
    async def list_caseload(self, query: CaseloadQuery) -> list[TrajectoryRef]:
        """The open trajectories of ``query.coach``, from visibility (eventually consistent: a trajectory
        started or reassigned a moment ago may be missing; run the hand-over again for those)."""
        trajectory_filter = TrajectoryFilter(coach=query.coach, region=query.region, state=query.state, open=True)
        try:
            return sorted(
                [
                    _ref(execution.id, execution.typed_search_attributes.get(REGION) or "")
                    async for execution in self.client.list_workflows(trajectory_filter.query())
                ],
                key=lambda ref: ref.workflow_id,
            )
        except RPCError as error:
            if error.status != RPCStatusCode.UNIMPLEMENTED:
                raise
        return await self._list_without_advanced_visibility(query)

    async def _list_without_advanced_visibility(self, query: CaseloadQuery) -> list[TrajectoryRef]:
        """A server without advanced visibility (the time-skipping test server, a cluster on standard
        visibility) cannot filter on search attributes: list open executions of the trajectory types and read
        each one's attributes from its mutable state (describe). One call per open trajectory: slower, same result."""
        types = {workflow.__name__ for workflow in WORKFLOWS.values()}
        found: list[TrajectoryRef] = []
        token = b""
        while True:
            page = await self.client.workflow_service.list_open_workflow_executions(
                ListOpenWorkflowExecutionsRequest(
                    namespace=self.client.namespace, maximum_page_size=1000, next_page_token=token
                )
            )
            for info in page.executions:
                if info.type.name not in types:
                    continue
                attributes = await self._keywords(info.execution.workflow_id)
                wanted = {COACH_ID.name: query.coach, REGION.name: query.region, TRAJECTORY_STATE.name: query.state}
                if all(value is None or attributes.get(name) == value for name, value in wanted.items()):
                    found.append(_ref(info.execution.workflow_id, attributes.get(REGION.name, "")))
            activity.heartbeat(len(found))
            token = page.next_page_token
            if not token:
                return sorted(found, key=lambda ref: ref.workflow_id)

    async def _keywords(self, workflow_id: str) -> dict[str, str]:
        """The Keyword search attributes of a workflow, decoded by hand (only those: the raw call decodes none)."""
        described = await self.client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=self.client.namespace, execution=ExecutionRef(workflow_id=workflow_id)
            )
        )
        fields = described.workflow_execution_info.search_attributes.indexed_fields
        names = (COACH_ID.name, REGION.name, TRAJECTORY_STATE.name)
        return {name: json.loads(fields[name].data) for name in names if name in fields}

    @activity.defn
    async def reassign(self, order: Reassignment) -> ReassignOutcome:
        """Send one trajectory its reassignment event (``coach_reassigned``, or its route's own), once.

        Safe to retry and to repeat: the Update carries a stable ID (Temporal answers a repeated one with the
        first outcome), and a trajectory that already shows the new coach with a ``coach_reassigned`` by this
        hand-over's actor since it was requested counts as reassigned by it (an attempt killed after its Update).
        A trajectory no longer owned by the old coach is left alone."""
        workflow_id = order.trajectory.workflow_id
        handle = self.client.get_workflow_handle(workflow_id)
        try:
            view = await handle.query("view", result_type=TrajectoryView, rpc_timeout=QUERY_TIMEOUT)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return ReassignOutcome(workflow_id=workflow_id, result="closed", detail="no such trajectory any more")
            raise
        if view.closed:
            return ReassignOutcome(workflow_id=workflow_id, result="closed", detail=f"closed in state {view.state}")
        event = WORKFLOWS[view.region].reassignment(view.case, order.to_coach, order.actor)
        if view.coach_id == order.to_coach:
            ours = any(
                record.event == event["event"] and record.actor == order.actor and record.at >= order.since
                for record in view.history
            )
            return ReassignOutcome(workflow_id=workflow_id, result="reassigned" if ours else "already_reassigned")
        if view.coach_id != order.from_coach:
            return ReassignOutcome(workflow_id=workflow_id, result="not_owned", detail=f"now owned by {view.coach_id}")
        if order.client is not None:  # as the API sends it: the client is recorded beside the claimed actor
            event = {**event, SUBMISSION_FIELD: Submission(client=order.client).model_dump(mode="json")}
        try:
            await handle.execute_update("submit_event", event, id=order.update_id, result_type=EventAccepted)
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type in REFUSALS:
                return ReassignOutcome(workflow_id=workflow_id, result="refused", detail=cause.message)
            if isinstance(cause, ApplicationError) and cause.type == "TrajectoryClosed":
                return ReassignOutcome(workflow_id=workflow_id, result="closed", detail="closed meanwhile")
            raise
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:  # closed between the query and the Update
                return ReassignOutcome(workflow_id=workflow_id, result="closed", detail="closed meanwhile")
            raise
        return ReassignOutcome(workflow_id=workflow_id, result="reassigned")


def _ref(workflow_id: str, region: str) -> TrajectoryRef:
    return TrajectoryRef(
        region=region, trajectory_id=workflow_id.removeprefix(f"trajectory-{region}-"), workflow_id=workflow_id
    )
