"""`export_cases`: the API's case resource for every case of one creditor, in chunks, through the CSV writer."""
import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import export
from core.tenancy import creditor_scope
from cycle.run import run_cycle
from payments.services import payment_register
from tests.api.test_cases import api  # noqa: F401 - the API client fixture
from tests.factories import DebtorFactory, make_case

AS_OF = "2026-03-20"
HOSTILE = "=cmd|' /C calc'!A0"


def exported(*args, creditor="acme") -> str:
    out = io.StringIO()
    call_command("export_cases", "--creditor", creditor, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def jsonl(*args, **kwargs) -> list[dict]:
    return [json.loads(line) for line in exported(*args, **kwargs).splitlines()]


def csv_rows(*args, **kwargs) -> list[dict]:
    return list(csv.DictReader(io.StringIO(exported("--format", "csv", *args, **kwargs), newline="")))


@pytest.fixture
def cases(creditor):
    """A case with a reminder letter and a next step, one paid in part, one closed as paid."""
    with_letter = make_case(creditor, amount="1234.50", due_date=datetime.date(2026, 3, 2))
    run_cycle(creditor=creditor, day=datetime.date(2026, 3, 12))
    part_paid = make_case(creditor, amount="800.00", due_date=datetime.date(2026, 2, 1))
    paid = make_case(creditor, amount="99.90", due_date=datetime.date(2026, 2, 10))
    with creditor_scope(creditor):
        payment_register(case=part_paid, amount=Decimal("300.00"), paid_on=datetime.date(2026, 2, 20))
        payment_register(case=paid, amount=Decimal("99.90"), paid_on=datetime.date(2026, 2, 10))
    return [with_letter, part_paid, paid]


def test_each_line_is_the_apis_case_resource(api, cases):
    lines = jsonl("--as-of", AS_OF)
    assert [line["id"] for line in lines] == [case.pk for case in cases]
    for line in lines:
        resource = api.get(f"/api/v1/cases/{line['id']}/?as_of={AS_OF}").json()
        resource.pop("limitation_date")
        assert line == resource
    assert lines[0]["letters"][0]["kind"] == "reminder" and lines[0]["next_step"]["action"] == "collection_demand"
    assert lines[2]["stage"] == "closed" and lines[2]["balance"]["total"] == "0.00"


def test_the_csv_reads_back_with_the_same_values(cases):
    lines, rows = jsonl("--as-of", AS_OF), csv_rows("--as-of", AS_OF)
    assert list(rows[0]) == export.csv_fieldnames()
    assert len(rows) == len(lines) == 3
    for line, row in zip(lines, rows):
        step = line["next_step"] or {"action": "", "date": ""}
        assert row == {
            **{key: "" if value is None else str(value) for key, value in line.items()
               if key not in ("balance", "next_step", "events", "letters")},
            **{f"balance_{key}": value for key, value in line["balance"].items()},
            "next_step_action": step["action"], "next_step_date": step["date"]}


def test_text_that_would_run_as_a_formula_is_escaped_and_amounts_stay_numbers(creditor):
    debtor = DebtorFactory(creditor=creditor, name=HOSTILE, customer_number=HOSTILE)
    make_case(creditor, debtor=debtor, invoice_number="@SUM(A1:A9)", amount="10.00")
    (row,) = csv_rows("--as-of", "2026-11-23")
    assert (row["customer_number"], row["invoice_number"]) == ("'" + HOSTILE, "'@SUM(A1:A9)")
    assert row["balance_principal"] == "10.00"
    (line,) = jsonl("--as-of", "2026-11-23")
    assert line["customer_number"] == HOSTILE  # JSON is read by programs: unchanged


def test_as_of_changes_the_interest(api, cases):
    early, late = jsonl("--as-of", "2026-03-10"), jsonl("--as-of", "2026-06-30")
    assert Decimal(early[1]["balance"]["interest"]) < Decimal(late[1]["balance"]["interest"])
    case_id = cases[1].pk
    assert late[1]["balance"] == api.get(f"/api/v1/cases/{case_id}/?as_of=2026-06-30").json()["balance"]


def test_another_creditors_cases_never_appear(creditor, other_creditor):
    ours = make_case(creditor)
    theirs = make_case(other_creditor)
    assert [line["id"] for line in jsonl()] == [ours.pk]
    assert [row["id"] for row in csv_rows(creditor="other")] == [str(theirs.pk)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_chunks_cover_every_case_once(creditor, monkeypatch, chunk):
    made = [make_case(creditor).pk for _ in range(7)]
    monkeypatch.setattr(export, "EXPORT_CHUNK", chunk)
    assert [line["id"] for line in jsonl()] == made
    assert [int(row["id"]) for row in csv_rows()] == made


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_queries_do_not_grow_with_the_cases(creditor, format):
    def queries(n):
        for _ in range(n):
            make_case(creditor, due_date=datetime.date(2026, 10, 1))
        run_cycle(creditor=creditor, day=datetime.date(2026, 10, 12))  # a reminder letter and events each
        with CaptureQueriesContext(connection) as captured:
            exported("--format", format)
        return len(captured)

    assert queries(2) == queries(8)


def test_output_file_is_written_whole(creditor, tmp_path):
    case = make_case(creditor, debtor=DebtorFactory(creditor=creditor, customer_number="Åsa-1"))
    target = tmp_path / "cases.csv"
    assert exported("--format", "csv", "--output", str(target)) == ""
    assert target.read_bytes().startswith("\ufeff".encode())  # so Excel reads UTF-8
    (row,) = csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"), newline=""))
    assert (row["id"], row["customer_number"]) == (str(case.pk), "Åsa-1")
    assert [p.name for p in tmp_path.iterdir()] == ["cases.csv"]


@pytest.mark.parametrize("args, message", [
    (["--creditor", "nobody"], "no creditor with slug 'nobody'"),
    (["--creditor", "acme", "--as-of", "2027-01-15"], "as of 2027-01-15: no reference rate for 2027 H1"),
    (["--creditor", "acme", "--as-of", "9999-12-31"], "as of 9999-12-31: no reference rate for 9999 H2"),
    (["--creditor", "acme", "--as-of", "20.3.2026"], "'20.3.2026' is not a date, YYYY-MM-DD"),
])
def test_bad_arguments_get_one_line_and_no_output(creditor, args, message):
    make_case(creditor)
    out = io.StringIO()
    with pytest.raises(CommandError, match=message.replace("(", r"\(")) as raised:
        call_command("export_cases", *args, stdout=out, stderr=io.StringIO())
    assert "\n" not in str(raised.value) and out.getvalue() == ""
