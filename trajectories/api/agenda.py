"""The coaches' agenda over HTTP: JSON with the API's bearer token, an iCalendar feed with a feed token.

Calendar programs (Outlook, a phone) cannot send a bearer token, so ``agenda.ics`` takes a per-coach feed token
in the URL instead: read-only, good for that coach's feed only, stored hashed, revocable here or with the CLI.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, ValidationError

from domain.agenda import AgendaItem
from domain.identifiers import StaffId
from trajectories import agenda as agenda_reading
from trajectories.agenda import AgendaWindow
from trajectories.api.auth import public, requires
from trajectories.api.errors import RESPONSES, NotFound, Unprocessable

router = APIRouter(responses=RESPONSES)
CoachPath = Annotated[StaffId, Path(description="The coach's staff id (or a team lead's: their escalations).")]


class Agenda(BaseModel):
    coach_id: str
    start: str
    end: str
    items: list[AgendaItem]


class FeedToken(BaseModel):
    coach_id: str
    token: str
    feed: str


class Revoked(BaseModel):
    coach_id: str
    revoked: int


def window(
    start: Annotated[
        str | None, Query(alias="from", description="First day, YYYY-MM-DD (Europe/Amsterdam); default today.")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", description="Last day, YYYY-MM-DD; at most a year after `from`.")
    ] = None,
) -> AgendaWindow:
    try:
        return AgendaWindow.model_validate({"from": start, "to": end})
    except ValidationError as error:
        fields = sorted({str(e["loc"][0]) if e["loc"] else _named(e["msg"]) for e in error.errors()})
        message = "; ".join(_plain(e) for e in error.errors())
        raise Unprocessable("InvalidInput", message, fields=fields) from None


def _named(message: str) -> str:
    return "to" if "'to'" in message else "from"


def _plain(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    return message if message.startswith("field ") else f"field '{error['loc'][0]}': {message}"


@router.get(
    "/coaches/{coach_id}/agenda", dependencies=[requires("trajectories:read")], summary="A coach's open deadlines"
)
def agenda(coach_id: CoachPath, request: Request, chosen: Annotated[AgendaWindow, Depends(window)]) -> Agenda:
    """Every open deadline of the coach's trajectories due in the window (and the escalations the coach is told
    of), earliest first: trajectory, kind, due (UTC) and what to do; ``moved`` says why a date moved."""
    start, end = chosen.bounds()
    items = agenda_reading.read(coach_id, AgendaWindow(start=start, end=end), request.app.state.audit_url)
    return Agenda(coach_id=coach_id, start=start.isoformat(), end=end.isoformat(), items=items)


@router.get(
    "/coaches/{coach_id}/agenda.ics",
    summary="A coach's agenda as an iCalendar feed (feed token in the URL, no bearer token)",
    dependencies=[public("a calendar app fetches it with the coach's feed token")],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def agenda_feed(
    coach_id: CoachPath, request: Request, token: Annotated[str, Query(min_length=20, max_length=200)]
) -> Response:
    body = agenda_reading.feed(coach_id, token, request.app.state.audit_url)
    if body is None:  # one answer for an unknown coach, a wrong token and a revoked one
        raise NotFound("FeedNotFound", "no agenda feed for this coach and token (revoked, or never issued)")
    return Response(content=body, media_type="text/calendar; charset=utf-8")


@router.post(
    "/coaches/{coach_id}/feed-tokens",
    dependencies=[requires("coaches:manage")],
    status_code=status.HTTP_201_CREATED,
    summary="Issue a read-only feed token for the coach's .ics agenda (shown once)",
)
def issue(coach_id: CoachPath, request: Request) -> FeedToken:
    token = agenda_reading.issue_feed_token(coach_id, request.app.state.audit_url)
    feed = str(request.url_for("agenda_feed", coach_id=coach_id).include_query_params(token=token))
    return FeedToken(coach_id=coach_id, token=token, feed=feed)


@router.delete(
    "/coaches/{coach_id}/feed-tokens",
    dependencies=[requires("coaches:manage")],
    summary="Revoke every feed token of the coach",
)
def revoke(coach_id: CoachPath, request: Request) -> Revoked:
    return Revoked(coach_id=coach_id, revoked=agenda_reading.revoke_feed_tokens(coach_id, request.app.state.audit_url))
