"""The payment ledger in the records database: written by the one projection write, read by API, CSV and CLI."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa

from activities.projection import write_projection
from domain.dates import add_months, start_of_day
from domain.payments import PaymentOrder
from domain.projection import Projection
from records import open_records
from records.schema import payment_ledger
from tests.api_client import api
from tests.cli_runner import point_at, run
from tests.scenario import Trajectory, due_by, terminate_started, working_due
from trajectories.payments import PaymentFilter, read_ledger
from worker import build_worker


def order(n: int, payee: str = "employer-x") -> PaymentOrder:
    return PaymentOrder(
        id=f"trajectory-almere-t1:pay:supervision_fee:2027-0{n}-01", kind="supervision_fee", region="almere",
        trajectory_id="t1", payee=payee, amount="1900.00", amount_cents=190_000, period_start=date(2027, n, 1),
        period_end=date(2027, n, 28), due=date(2027, n + 1, 1), rule="almere.supervision_fee@2019-01-01",
        ordered_at=datetime(2027, n + 1, 1, tzinfo=UTC),
    )  # fmt: skip


def test_a_retried_projection_writes_each_order_once(tmp_path):
    records = open_records(f"sqlite:///{tmp_path}/records.db")
    projection = Projection(workflow_id="trajectory-almere-t1", key="k1", payments=[order(1), order(2)])
    assert write_projection(records, projection).written == {"payments": 2}
    assert write_projection(records, projection).written == {"payments": 0}, "a retry writes nothing twice"
    assert read_ledger(PaymentFilter(), f"sqlite:///{tmp_path}/records.db") == [order(1), order(2)]


async def test_the_ledger_holds_every_order_and_the_api_csv_and_cli_show_it(env, worker, capsys, monkeypatch):
    employer = f"employer-{uuid.uuid4().hex[:8]}"
    t = await Trajectory.start(env, worker)
    await t.to_seeking_placement()
    await t.start_trial(employer=employer)
    await t.sign_contract()
    begin = start_of_day(await t.today())
    year = working_due(add_months(begin, 12), "payment:supervision_fee")
    await t.sleep_until(year)
    view = await t.view()
    ledger = read_ledger(PaymentFilter(payee=employer))
    assert [(o.id, o.kind, o.amount_cents, o.period_start, o.period_end, o.due, o.rule) for o in ledger] == sorted(
        ((p.id, p.kind, p.amount_cents, p.period_start, p.period_end, p.due, p.rule) for p in view.payments),
        key=lambda row: (row[5], row[0]),
    ), "every order of the view, as ordered"
    fees = sum(o.amount_cents for o in due_by(ledger, year) if o.kind == "supervision_fee")
    assert fees == 760_000, "a year's fees (those after it are ordered ahead, due later)"

    async with api(env.client, worker.task_queue) as http:
        response = await http.get("/payments", params={"payee": employer})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["totals"]["by_payee"] == {employer: sum(o.amount_cents for o in ledger)}
        assert sum(body["totals"]["by_quarter"].values()) == body["totals"]["total_cents"]
        assert [p["id"] for p in body["payments"]] == [o.id for o in ledger]
        first = ledger[0].due
        narrowed = (await http.get("/payments", params={"payee": employer, "from": first.isoformat(),
                                                        "to": first.isoformat()})).json()  # fmt: skip
        assert {p["due"] for p in narrowed["payments"]} == {first.isoformat()}
        csv_response = await http.get("/payments.csv", params={"payee": employer, "region": "almere"})
        assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(csv_response.text)))
        assert [(r["id"], int(r["amount_cents"])) for r in rows] == [(o.id, o.amount_cents) for o in ledger]
        refused = await http.get("/payments", params={"from": "2027-02-01", "to": "2027-01-01"})
        assert refused.status_code == 422 and refused.json()["fields"] == ["to"]
        unknown = await http.get("/payments", params={"region": "utrecht"})
        assert unknown.status_code == 422 and unknown.json()["fields"] == ["region"]

    point_at(monkeypatch, env.client, worker.task_queue)
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")  # the ledger never needs Temporal
    monkeypatch.setenv("COLUMNS", "80")
    result = await run(capsys, "payments", "--payee", employer, "--orders")
    assert result.code == 0, result.err
    assert all(len(line) <= 80 for line in result.out.splitlines())
    assert "Totals per payee" in result.out and "Totals per quarter" in result.out and employer in result.out
    total = f"{sum(o.amount_cents for o in ledger) // 100}.{sum(o.amount_cents for o in ledger) % 100:02d}"
    assert total in result.out
    result = await run(capsys, "payments", "--payee", employer, "--json")
    assert json.loads(result.out)["totals"]["total_cents"] == sum(o.amount_cents for o in ledger)
    result = await run(capsys, "payments", "--from", "2027-02-01", "--to", "2027-01-01")
    assert result.code == 2 and "to" in result.err


def ledger_rows(url: str) -> list[dict]:
    records = open_records(url)
    with records.read() as connection:
        found = connection.execute(sa.select(payment_ledger).order_by(payment_ledger.c.payment_id)).mappings().all()
    return [
        {**{k: v for k, v in row.items() if k != "recorded_at"},
         "ordered_at": row["ordered_at"].replace(tzinfo=row["ordered_at"].tzinfo or UTC)}
        for row in found
    ]  # fmt: skip


async def test_sqlite_and_postgresql_hold_the_same_ledger_rows(env, outbox, postgres, tmp_path):
    """One worker writes a year of Almere orders to a real PostgreSQL through the projection; the same
    projections written to SQLite (and written again: retries) give the same rows."""
    postgresql = postgres.database()
    async with build_worker(env.client, f"test-{uuid.uuid4()}", outbox=outbox, audit=postgresql) as worker:
        t = await Trajectory.start(env, worker)
        await t.to_employed()
        begin = start_of_day(await t.today())
        year = working_due(add_months(begin, 12), "payment:supervision_fee")
        await t.sleep_until(year)
        view = await t.view()
        await terminate_started(env.client)
    on_postgresql = ledger_rows(postgresql)
    assert sorted(row["payment_id"] for row in on_postgresql) == sorted(p.id for p in view.payments)
    fees = [row for row in on_postgresql if row["kind"] == "supervision_fee" and row["due"] <= year.date()]
    assert sum(row["amount_cents"] for row in fees) == 760_000

    sqlite = f"sqlite:///{tmp_path}/records.db"
    orders = read_ledger(PaymentFilter(), postgresql)
    for retry in (False, True):
        written = write_projection(
            open_records(sqlite), Projection(workflow_id=t.handle.id, key="copy", payments=orders)
        )
        assert written.written == {"payments": 0 if retry else len(orders)}
    assert ledger_rows(sqlite) == on_postgresql
