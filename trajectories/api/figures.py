"""The outcome figures over HTTP: JSON and CSV for programs, and a page staff open in a browser.

``GET /figures`` answers JSON to a program and, to a browser asking for HTML, the figures page. The page holds
no data: it is served without a token, asks the user for theirs, and fetches the JSON with it, so a figure is
never shown to someone the API would refuse. Targets per region and year are set here too (operators).
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, Field

from domain.figures import Figures
from trajectories import figures as figure_reading
from trajectories.api import reads
from trajectories.api.auth import Authenticated, authorise, declares, only_its_regions, requires
from trajectories.api.errors import RESPONSES, NotFound, Unprocessable
from trajectories.listing import REGIONS

router = APIRouter(responses=RESPONSES)


class Period(BaseModel):
    """The figures' filter: a region (or all) and a period of dates in Europe/Amsterdam, both ends inclusive."""

    region: str | None = Field(default=None, description="One region, or all when left out.")
    start: date | None = Field(
        default=None, alias="from", description="First day counted (YYYY-MM-DD); default a year before `to`."
    )
    end: date | None = Field(default=None, alias="to", description="Last day counted (YYYY-MM-DD); default today.")


def checked(period: Period) -> Period:
    """Refuse an unknown region or a period that ends before it starts, naming the field (a missing end or start
    is filled in when the figures are read: ``trajectories.figures.load_figures``)."""
    if period.region is not None and period.region not in REGIONS:
        raise Unprocessable(
            "InvalidInput",
            f"field 'region': unknown region {period.region!r}; regions: {', '.join(REGIONS)}",
            fields=["region"],
        )
    if period.start and period.end and period.end < period.start:
        raise Unprocessable("InvalidInput", "field 'to': the period ends before it starts", fields=["to"])
    if period.start and period.end and period.end - period.start > figure_reading.MAX_PERIOD:
        raise Unprocessable("InvalidInput", "field 'to': a period of at most ten years", fields=["to"])
    return period


def _figures(request: Request, period: Period) -> Figures:
    period = checked(period)
    return figure_reading.load_figures(period.start, period.end, period.region, request.app.state.audit_url)


def charts_script() -> str:
    """The tables and bar charts the figures page and the forecast report draw with (one script, inlined)."""
    return resources.files("trajectories.api").joinpath("charts.js").read_text(encoding="utf-8")


def _page() -> str:
    page = resources.files("trajectories.api").joinpath("figures.html").read_text(encoding="utf-8")
    page = page.replace("/*CHARTS*/", charts_script(), 1)
    return page.replace("<body>", f"<body data-regions='{json.dumps(list(REGIONS))}'>", 1)


def wants_page(request: Request) -> bool:
    """A browser navigating here (HTML first in Accept); a program asking for JSON gets JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


@router.get(
    "/figures",
    summary="Outcome figures (kengetallen) per region, provider and period; the figures page for a browser",
    response_model=Figures,
    responses={200: {"content": {"text/html": {}}, "description": "JSON, or the page when a browser asks for HTML"}},
    dependencies=[declares("figures:read")],  # the page holds no data: the JSON is checked below
)
async def figures(request: Request, period: Annotated[Period, Query()]) -> Figures | HTMLResponse:
    if wants_page(request):
        return HTMLResponse(_page())
    caller = await authorise(request, "figures:read")
    only_its_regions(caller, period.region)
    answer = _figures(request, period)
    await reads.record(request, caller, "figures", f"figures:{period.region or 'all'}")
    return answer


@router.get(
    "/figures.csv",
    summary="The outcome figures as CSV: section, region, key, measure, value",
    response_class=PlainTextResponse,
    dependencies=[requires("figures:read")],
)
def figures_csv(request: Request, caller: Authenticated, period: Annotated[Period, Query()]) -> PlainTextResponse:
    only_its_regions(caller, period.region)
    figures = _figures(request, period)
    reads.record_sync(request, caller, "figures.csv", f"figures:{period.region or 'all'}")
    body = figure_reading.to_csv(figures)
    name = f"figures-{figures.region or 'all'}-{figures.start}-{figures.end}.csv"
    return PlainTextResponse(
        body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


class Target(BaseModel):
    target: int = Field(ge=0, le=100_000, description="Placements in paid work aimed for in that year.")
    set_by: str = Field(min_length=1, max_length=100, description="Who set it (a staff id).")


class TargetRow(BaseModel):
    region: str
    year: int
    target: int
    set_by: str
    set_at: str


@router.put(
    "/figures/targets/{region}/{year}",
    summary="Set a region's placement target for a year (kept with its history)",
    dependencies=[requires("operations")],
)
def put_target(
    region: Annotated[str, Path()], year: Annotated[int, Path(ge=2000, le=2100)], target: Target, request: Request
) -> list[TargetRow]:
    if region not in REGIONS:
        raise NotFound("RegionNotFound", f"unknown region {region!r}; regions: {', '.join(REGIONS)}")
    figure_reading.set_target(region, year, target.target, target.set_by, request.app.state.audit_url)
    return _target_rows(request, region)


@router.get("/figures/targets", summary="Every target set, oldest first", dependencies=[requires("figures:read")])
def get_targets(request: Request, region: str | None = None) -> list[TargetRow]:
    return _target_rows(request, region)


def _target_rows(request: Request, region: str | None) -> list[TargetRow]:
    return [
        TargetRow(region=row["region"], year=row["year"], target=row["target"], set_by=row["set_by"],
                  set_at=row["set_at"].isoformat())
        for row in figure_reading.target_history(region, request.app.state.audit_url)
    ]  # fmt: skip
