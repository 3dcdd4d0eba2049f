"""Facts written by real trajectories in skipped time give exactly the figures counted by hand, and outlive
the Temporal server that ran them."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from domain.figures import AMSTERDAM_TZ
from records import facts as fact_rows
from records import open_records
from records import payments as payment_rows
from records.schema import payment_ledger
from tests.api_client import TOKEN, api
from tests.browser import browser_page
from tests.cli_runner import run
from trajectories.cohort import STAGE_MINUTES, Person, Stage, run_cohort, start_environment
from trajectories.commitments import CommitmentChange, set_commitment
from trajectories.figures import load_figures

UWV = "backend:uwv-gateway"
COACH = "coach-anna"
CONTRACT_AFTER = timedelta(days=60)


def _start(tid: str, provider: str) -> dict[str, Any]:
    return {
        "trajectory_id": tid,
        "participant_ref": f"ref-{tid}",
        "participant": {"has_benefit": True, "age_band": "18_to_27", "hours_per_week": 32},
        "referral_source": "day_activities_provider",
        "coach_id": COACH,
        "provider_id": provider,
    }


def _on(*events: dict[str, Any]) -> Any:
    return lambda day: [{k: (v(day) if callable(v) else v) for k, v in e.items()} for e in events]


OBSERVED_AND_ADVISED = Stage(
    timedelta(days=1),
    _on(
        {"event": "observation_started", "actor": COACH},
        {"event": "observation_completed", "actor": COACH, "potential": True, "motivated": True, "hours_per_week": 32},
        {"event": "advice_received", "actor": UWV, "outcome": "positive"},
    ),
)


def _trial(days: int, employer: str) -> Stage:
    return Stage(timedelta(days=days), _on({"event": "trial_started", "actor": COACH, "employer_id": employer,
                                            "start_date": lambda d: d.isoformat()}))  # fmt: skip


def _failed(days: int) -> Stage:
    return Stage(
        timedelta(days=days), _on({"event": "trial_failed", "actor": COACH, "motivated": True, "reason": "no match"})
    )


IN_WORK = (
    OBSERVED_AND_ADVISED,
    _trial(10, "employer-jungle"),
    Stage(timedelta(days=52), _on({"event": "wage_value_assessed", "actor": COACH, "wage_value_percent": 55})),
    Stage(CONTRACT_AFTER, _on({"event": "contract_signed", "actor": COACH, "start_date": lambda d: d.isoformat(),
                               "end_date": lambda d: d.replace(year=d.year + 1).isoformat(), "hours_per_week": 32})),
    Stage(timedelta(days=90), _on({"event": "permanent_contract_signed", "actor": COACH, "start_date": lambda d: d.isoformat()})),
)  # fmt: skip
THREE_FAILED_TRIALS = (
    OBSERVED_AND_ADVISED,
    _trial(10, "employer-a"), _failed(20), _trial(30, "employer-b"), _failed(40), _trial(50, "employer-c"), _failed(60),
)  # fmt: skip
OPEN = (Stage(timedelta(days=1), _on({"event": "observation_started", "actor": COACH})),)


def cohort() -> list[Person]:
    """10 Almere trajectories: 6 end in work (permanent), 2 fall back to day activities, 2 stay open."""
    people = [Person("almere", _start(f"good-{n}", "provider-good"), stages=IN_WORK) for n in range(5)]
    people.append(Person("almere", _start("good-open", "provider-good"), stages=OPEN))
    people.append(Person("almere", _start("lag-work", "provider-lagging"), stages=IN_WORK))
    people += [
        Person("almere", _start(f"lag-back-{n}", "provider-lagging"), stages=THREE_FAILED_TRIALS) for n in (1, 2)
    ]
    people.append(Person("almere", _start("lag-open", "provider-lagging"), stages=OPEN))
    return people


@pytest.fixture(scope="module")
async def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, datetime]:
    """The cohort run for four months on a time-skipping server of its own, which is then shut down: every
    figure below is read from the records database alone, with the trajectories' histories gone."""
    path = tmp_path_factory.mktemp("figures")
    url = f"sqlite:///{path / 'records.db'}"
    environment = await start_environment()
    try:
        run = await run_cohort(environment, cohort(), records_url=url, outbox=path / "outbox", months=4)
    finally:
        await environment.shutdown()
    assert run.refused == []
    assert (run.started, run.accepted) == (10, 6 * 7 + 2 * 9 + 2 * 1)
    assert run.began is not None
    return url, run.began


def _day(moment: datetime) -> Any:
    return moment.astimezone(AMSTERDAM_TZ).date()


async def test_the_cohort_gives_exactly_the_figures_counted_by_hand(ran: tuple[str, datetime]) -> None:
    url, began = ran
    figures = load_figures(_day(began), _day(began + timedelta(days=365)), "almere", url)
    assert [(c.key, c.count) for c in figures.inflow] == [("day_activities_provider", 10)]
    assert [(c.key, c.count) for c in figures.placements] == [("sheltered_work", 6)]
    providers = {p.provider_id: p for p in figures.providers}
    good, lagging = providers["provider-good"], providers["provider-lagging"]
    assert (good.started, good.ended, good.ended_in_work, good.percent_in_work, good.lagging) == (6, 5, 5, 100.0, False)
    assert (lagging.started, lagging.ended, lagging.ended_in_work, lagging.percent_in_work, lagging.lagging) == (
        4, 3, 1, 33.3, True,
    )  # fmt: skip
    assert [(a.attempt, a.fallbacks) for a in figures.fallbacks_per_attempt] == [(1, 2), (2, 2), (3, 2)]
    contract_days = (_day(began + CONTRACT_AFTER) - _day(began)).days
    assert [(d.contracts, d.median_days) for d in figures.referral_to_contract] == [(6, contract_days)]
    assert [(w.people_measured, w.people_grew) for w in figures.wage_value] == [(6, 0)]


async def test_facts_carry_their_exact_virtual_times(ran: tuple[str, datetime]) -> None:
    url, began = ran
    with open_records(url).read() as connection:
        facts = [f for f in fact_rows.read_facts(connection) if f.trajectory_id == "good-0"]
    assert [(f.event, f.to_state) for f in facts] == [
        ("referred", "referred"),
        ("observation_started", "observation"),
        ("observation_completed", "awaiting_advice"),
        ("advice_received", "seeking_placement"),
        ("trial_started", "trial"),
        ("wage_value_assessed", "trial"),
        ("contract_signed", "employed"),
        ("permanent_contract_signed", "permanent"),
    ]
    at = {f.event: f.at for f in facts}
    # The start is the run's first moment; each event at its offset (the test server's clock ticks while a
    # call is on its way, so allow a few seconds of real time).
    # (a person's n-th stage comes n × STAGE_MINUTES into its day: trial_started is the 2nd, the contract the 4th)
    expected = [("referred", timedelta(0)), ("trial_started", timedelta(days=10) + 2 * STAGE_MINUTES),
                ("contract_signed", CONTRACT_AFTER + 4 * STAGE_MINUTES)]  # fmt: skip
    for event, offset in expected:
        assert abs(at[event] - (began + offset)) < timedelta(seconds=5), event
    assert facts[-1].provider_id == "provider-good" and facts[-1].employer_id == "employer-jungle"


def test_the_period_is_read_in_amsterdam(ran: tuple[str, datetime]) -> None:
    url, began = ran
    before = load_figures(_day(began) - timedelta(days=30), _day(began) - timedelta(days=1), "almere", url)
    assert before.inflow == [] and before.placements == []
    first_month = load_figures(_day(began), _day(began + timedelta(days=30)), "almere", url)
    assert sum(c.count for c in first_month.inflow) == 10 and first_month.placements == []


async def test_the_api_serves_json_csv_and_targets(ran: tuple[str, datetime], env) -> None:
    url, began = ran
    year = _day(began).year
    async with api(env.client, "unused", audit_url=url) as http:
        period = {"region": "almere", "from": str(_day(began)), "to": str(_day(began + timedelta(days=365)))}
        answer = await http.get("/figures", params=period)
        assert answer.status_code == 200, answer.text
        assert answer.json()["placements"] == [{"region": "almere", "key": "sheltered_work", "count": 6}]
        set_commitment("provider-lagging", CommitmentChange(year=year, trajectories=20, actor="ops-1"), url)
        shown = {
            p["provider_id"]: p["commitment"] for p in (await http.get("/figures", params=period)).json()["providers"]
        }
        assert shown == {"provider-good": None, "provider-lagging": 20}
        put = await http.put(f"/figures/targets/almere/{year}", json={"target": 12, "set_by": "ops-1"})
        assert put.status_code == 200 and put.json()[-1]["target"] == 12
        csv_text = (await http.get("/figures.csv", params=period)).text
        assert "placements,almere,sheltered_work,count,6" in csv_text.splitlines()
        assert f"targets,almere,{year},target,12" in csv_text.splitlines()
        refused = await http.get("/figures", params={**period, "to": "2000-01-01"})
        assert refused.status_code == 422 and refused.json()["fields"] == ["to"]
        unknown = await http.get("/figures", params={"region": "atlantis"})
        assert unknown.status_code == 422 and unknown.json()["fields"] == ["region"]
        assert (await http.get("/figures", headers={"Authorization": ""})).status_code == 401


async def test_the_figures_page_shows_what_the_json_says(ran: tuple[str, datetime], env) -> None:
    """In a real browser: sign in with the token, ask for a region's figures, read the numbers off the page."""
    url, began = ran
    async with api(env.client, "unused", audit_url=url) as http:
        period = {"region": "almere", "from": str(_day(began)), "to": str(_day(began + timedelta(days=365)))}
        expected = (await http.get("/figures", params=period)).json()
        async with browser_page() as page:
            await page.goto(str(http.base_url.join("/figures")))
            await page.fill("#token", TOKEN)
            await page.select_option("#region", "almere")
            await page.fill("#from", period["from"])
            await page.fill("#to", period["to"])
            await page.click("#show")
            await page.wait_for_selector("[data-testid=providers]")
            rows = page.locator("[data-testid=providers-row]")
            shown = {
                await row.locator("[data-field=provider_id]").inner_text(): (
                    int(await row.locator("[data-field=ended]").inner_text()),
                    int(await row.locator("[data-field=ended_in_work]").inner_text()),
                    await row.locator("[data-field=percent_in_work]").inner_text(),
                    await row.locator("[data-field=flag]").inner_text(),
                )
                for row in await rows.all()
            }
            assert shown == {
                p["provider_id"]: (p["ended"], p["ended_in_work"], str(p["percent_in_work"]).removesuffix(".0"),
                                   "lagging" if p["lagging"] else "")
                for p in expected["providers"]
            }  # fmt: skip
            placements = page.locator("[data-testid=placements-row] [data-field=count]")
            assert [int(n) for n in await placements.all_inner_texts()] == [c["count"] for c in expected["placements"]]
            assert await page.locator("#placements svg rect").count() == len(expected["placements"])
            if shot := os.environ.get("FIGURES_SCREENSHOT"):  # to look at the page: FIGURES_SCREENSHOT=/tmp/f.png
                await page.screenshot(path=shot, full_page=True)


def cells(line: str) -> list[str]:
    """A table row's cells as a person reads them."""
    return [cell.strip() for cell in line.strip().strip("│┃").split("│")]


async def test_the_command_prints_the_figures_at_80_columns(ran: tuple[str, datetime], capsys, monkeypatch) -> None:
    url, began = ran
    monkeypatch.setenv("COLUMNS", "80")
    period = ["--region", "almere", "--from", str(_day(began)), "--to", str(_day(began + timedelta(days=365)))]
    shown = await run(capsys, "figures", *period, "--audit-url", url)
    assert shown.code == 0, shown.err
    assert all(len(line) <= 80 for line in shown.out.splitlines())
    lagging = next(line for line in shown.out.splitlines() if "provider-lagging" in line)
    assert cells(lagging)[2:6] == ["4", "3", "1", "33.3"] and "< 50 %" in lagging
    csv_out = await run(capsys, "figures", *period, "--csv", "--audit-url", url)
    assert "placements,almere,sheltered_work,count,6" in csv_out.out.splitlines()
    with pytest.raises(SystemExit) as refused:  # argparse's usage error: exit code 2 (the installed script's)
        await run(capsys, "figures", "--from", "2027-13-01", "--audit-url", url)
    assert refused.value.code == 2 and "use YYYY-MM-DD" in capsys.readouterr().err
    year = str(_day(began).year + 1)
    listed = await run(capsys, "targets", "almere", year, "9", "--set-by", "ops-2", "--audit-url", url)
    assert listed.code == 0 and any(
        cells(line)[:4] == ["almere", year, "9", "ops-2"] for line in listed.out.splitlines()
    )


def test_money_per_quarter_and_payee_is_what_the_ledger_holds(ran: tuple[str, datetime]) -> None:
    """The cohort's six contracts were paid (Almere's monthly wage-cost subsidy to the employer) by real
    workflows into the ledger; the figures sum those rows per quarter of their due date and payee, and only
    the six employed trajectories' employer is paid."""
    url, began = ran
    with open_records(url).read() as connection:
        rows = payment_rows.ledger_lines(connection, region="almere")
        paid = {
            row["trajectory_id"] for row in connection.execute(sa.select(payment_ledger.c.trajectory_id)).mappings()
        }
    assert {row["payee"] for row in rows} == {"employer-jungle"}
    assert paid == {f"good-{n}" for n in range(5)} | {"lag-work"}
    by_quarter: Counter[tuple[str, str]] = Counter()
    for row in rows:
        by_quarter[(f"{row['due'].year}-Q{(row['due'].month - 1) // 3 + 1}", row["payee"])] += row["amount_cents"]
    figures = load_figures(_day(began), _day(began + timedelta(days=365)), "almere", url)
    assert [(m.quarter, m.payee, m.amount_cents) for m in figures.money] == sorted(
        (q, p, c) for (q, p), c in by_quarter.items()
    )
    assert sum(m.amount_cents for m in figures.money) > 0
