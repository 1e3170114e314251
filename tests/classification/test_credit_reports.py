"""Credit reports in: what a creditor (or the agency) checks after loading a bureau's file or asking the bureau."""
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from classification.bureau import ReportData, StaticBureau
from classification.credit_reports import CreditReportsRejected, credit_reports_fetch, credit_reports_import
from classification.models import ClassificationRules, CreditReport
from core.errors import Conflict, ValidationError
from core.tenancy import creditor_scope
from tests.portal.members import sign_in_user

TODAY = datetime.date(2026, 11, 23)
REPORTS = ("identity_number,score,risk_class,payment_remarks,reported_on,source\n"
           "19790305-1238,38,4,2,2026-11-16,UC\n"
           "556016-0680,74,2,0,2026-11-16,UC\n")
LENA = ("19790305-1238", 38, 4, 2, datetime.date(2026, 11, 16), "UC")
AKERO = ("556016-0680", 74, 2, 0, datetime.date(2026, 11, 16), "UC")
SWEDISH = ("Personnummer;Kreditbetyg;Riskklass;Betalningsanmärkningar;Rapportdatum;Källa\n"
           "7903051238;38;4;2;20261116;UC\n"
           "5560160680;74;2;0;2026-11-16;UC\n")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(creditor, text_or_bytes, name="reports.csv", **options):
    data = text_or_bytes.encode() if isinstance(text_or_bytes, str) else text_or_bytes
    with creditor_scope(creditor):
        return credit_reports_import(creditor=creditor, data=data, name=name, today=TODAY, **options)


def stored(creditor) -> list[tuple]:
    with creditor_scope(creditor):
        return sorted(CreditReport.objects.values_list("identity_number", "score", "risk_class", "payment_remarks",
                                                       "reported_on", "source"))


def test_a_file_stores_one_report_per_row(creditor):
    report = run(creditor, REPORTS)
    assert (report.rows, report.created, report.unchanged, report.rejected) == (2, 2, 0, 0)
    assert stored(creditor) == sorted([LENA, AKERO])
    assert report.summary() == "reports.csv: 2 rows — created 2, unchanged 0, rejected 0"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_swedish_headers_semicolons_and_every_encoding_store_the_same_canonical_reports(creditor, encoding):
    report = run(creditor, SWEDISH.encode(encoding))
    assert (report.encoding, report.created, report.rejected) == (encoding, 2, 0)
    assert stored(creditor) == sorted([LENA, AKERO])  # 7903051238 → 19790305-1238, 5560160680 → 556016-0680


def test_bad_rows_store_nothing_and_each_names_row_column_value_and_reason(creditor):
    bad = REPORTS + "\n".join([
        "19790305-1239,50,3,0,2026-11-01,UC",  # row 4: wrong check digit
        "556016-0680,101,3,0,2026-11-01,UC",  # row 5
        "556016-0680,50,0,0,2026-11-02,UC",  # row 6
        "556016-0680,50,3,-1,2026-11-03,UC",  # row 7
        "556016-0680,50,3,0,2026-11-24,UC",  # row 8: tomorrow
        "556016-0680,50,3,0,2026-02-30,UC",  # row 9
        "556016-0680,50,3,,2026-11-05,UC",  # row 10
        "19790305-1238,38,4,2,20261116,UC",  # row 11: row 2 again
    ]) + "\n"
    with pytest.raises(CreditReportsRejected) as rejected:
        run(creditor, bad)
    problems = {(p.row, p.column, p.value): p.reason for p in rejected.value.report.problems}
    assert set(problems) == {(4, "identity_number", "19790305-1239"), (5, "score", "101"), (6, "risk_class", "0"),
                             (7, "payment_remarks", "-1"), (8, "reported_on", "2026-11-24"),
                             (9, "reported_on", "2026-02-30"), (10, "payment_remarks", ""),
                             (11, "identity_number", "19790305-1238")}
    assert "check digit" in problems[4, "identity_number", "19790305-1239"]
    assert problems[5, "score", "101"] == "must be a whole number from 0 to 100"
    assert problems[6, "risk_class", "0"] == "must be a whole number from 1 to 5"
    assert problems[7, "payment_remarks", "-1"] == "must be a whole number, 0 or more"
    assert problems[8, "reported_on", "2026-11-24"] == "is after today (2026-11-23)"
    assert problems[10, "payment_remarks", ""] == "is required"
    assert problems[11, "identity_number", "19790305-1238"] == "reported on 2026-11-16 by UC already in row 2"
    assert rejected.value.report.rejected == 8
    assert stored(creditor) == []  # not even the two good rows


def test_skip_invalid_stores_the_good_rows_and_reports_the_rest(creditor):
    report = run(creditor, REPORTS + "556016-0680,74,9,0,2026-11-01,UC\n", skip_invalid=True)
    assert (report.created, report.rejected) == (2, 1)
    assert str(report.problems[0]) == "row 4, risk_class '9': must be a whole number from 1 to 5"
    assert stored(creditor) == sorted([LENA, AKERO])


def test_the_same_file_twice_changes_nothing(creditor):
    run(creditor, REPORTS)
    with creditor_scope(creditor):
        before = sorted(CreditReport.objects.values_list("pk", "identity_number", "imported_at"))
    report = run(creditor, SWEDISH.encode("cp1252"))  # the same reports, written another way
    assert (report.created, report.unchanged, report.rejected) == (0, 2, 0)
    with creditor_scope(creditor):
        assert sorted(CreditReport.objects.values_list("pk", "identity_number", "imported_at")) == before


def test_a_stored_report_is_never_overwritten_by_other_values(creditor):
    run(creditor, REPORTS)
    with pytest.raises(CreditReportsRejected) as rejected:
        run(creditor, REPORTS.replace("38,4,2", "38,2,0"))
    problem = rejected.value.report.problems[0]
    assert (problem.row, problem.column, problem.value) == (2, "risk_class", "2")
    assert "already, with risk_class 4" in problem.reason
    assert stored(creditor) == sorted([LENA, AKERO])
    other_day = run(creditor, REPORTS.replace("38,4,2,2026-11-16", "38,2,0,2026-11-20"))  # a newer report is new
    assert (other_day.created, other_day.unchanged) == (1, 1)


def test_a_dry_run_counts_but_stores_nothing(creditor):
    report = run(creditor, REPORTS, dry_run=True)
    assert (report.created, report.dry_run) == (2, True)
    assert "(dry run: nothing stored)" in report.summary()
    assert stored(creditor) == []


def test_the_source_defaults_to_the_file_name(creditor):
    run(creditor, REPORTS.replace(",source", "").replace(",UC", ""), name="uc-november.csv")
    assert {row[-1] for row in stored(creditor)} == {"uc-november"}


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("identity_number;score;risk_class;reported_on\n19790305-1238;38;4;2026-11-16\n", "payment_remarks"),
    ("personnummer;organisationsnummer;score;risk_class;payment_remarks;reported_on\n",
     "'personnummer' and 'organisationsnummer' both give identity_number"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(creditor, text, message):
    with pytest.raises(ValidationError, match=message):
        run(creditor, text)
    assert stored(creditor) == []


def test_the_ledger_import_limits_apply(creditor, settings):
    settings.LEDGER_IMPORT_MAX_ROWS = 1
    with pytest.raises(ValidationError, match="limit is 1"):
        run(creditor, REPORTS)
    settings.LEDGER_IMPORT_MAX_ROWS, settings.LEDGER_IMPORT_MAX_BYTES = 100, 50
    with pytest.raises(ValidationError, match="the limit is 50"):
        run(creditor, REPORTS)
    assert stored(creditor) == []


def test_reports_belong_to_the_creditor_that_imported_them(creditor, other_creditor):
    run(creditor, REPORTS)
    assert stored(other_creditor) == []
    with creditor_scope(other_creditor):
        assert not CreditReport.objects.filter(identity_number="19790305-1238").exists()
    report = run(other_creditor, REPORTS)  # the other creditor bought its own: new, not "unchanged"
    assert (report.created, report.unchanged) == (2, 0)
    with scopes_disabled():
        assert CreditReport.objects.filter(identity_number="19790305-1238").count() == 2


def test_a_report_stored_by_a_concurrent_import_refuses_this_one_whole(creditor, monkeypatch):
    """Two imports of the same file at once: the unique constraint refuses the later insert."""
    from classification import credit_reports

    run(creditor, REPORTS.splitlines()[0] + "\n" + REPORTS.splitlines()[1] + "\n")
    monkeypatch.setattr(credit_reports, "_compare", lambda creditor, entries: ([r for _, r in entries], 0, []))
    with pytest.raises(Conflict, match="at the same time; nothing was stored"):
        run(creditor, REPORTS)
    assert stored(creditor) == [LENA]


def test_the_command_prints_the_summary_and_exits_1_on_a_rejected_row(creditor, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(REPORTS)
    bad.write_text(REPORTS + "556016-0680,hög,3,0,2026-11-01,UC\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 3 rows rejected; nothing was stored"):
        call_command("import_credit_reports", str(bad), creditor="acme", stdout=out, stderr=err)
    assert "rejected: row 4, score 'hög': must be a whole number from 0 to 100" in err.getvalue()
    assert "bad.csv: 3 rows — created 0, unchanged 0, rejected 1" in err.getvalue()
    assert stored(creditor) == []
    call_command("import_credit_reports", str(bad), creditor="acme", skip_invalid=True, stdout=out, stderr=err)
    assert "bad.csv: 3 rows — created 2, unchanged 0, rejected 1" in out.getvalue()
    call_command("import_credit_reports", str(good), "--creditor", "acme", "--dry-run", stdout=out, stderr=err)
    assert "good.csv: 2 rows — created 0, unchanged 2, rejected 0 (dry run: nothing stored)" in out.getvalue()
    assert stored(creditor) == sorted([LENA, AKERO])


def test_the_command_refuses_an_unknown_creditor_or_a_missing_file(creditor, tmp_path):
    with pytest.raises(CommandError, match="missing.csv"):
        call_command("import_credit_reports", str(tmp_path / "missing.csv"), creditor="acme")
    (tmp_path / "r.csv").write_text(REPORTS)
    with pytest.raises(CommandError):
        call_command("import_credit_reports", str(tmp_path / "r.csv"), creditor="nobody")
    assert stored(creditor) == []


def test_the_shipped_example_makes_its_ledger_debtor_a_risk_at_once(creditor):
    """examples/credit_reports.csv is about the debtors of examples/ledger.csv: Lena Holm's
    latest report (risk class 4, two payment remarks) makes her a risk as soon as it is
    imported, and her open cases say so; Åkerö's does not."""
    from cases.models import CaseEvent
    from debtors.models import Debtor
    from intake.service import ledger_import

    with creditor_scope(creditor):
        ledger_import(creditor=creditor, data=(EXAMPLES / "ledger.csv").read_bytes(), name="ledger.csv",
                      today=TODAY)
        assert Debtor.objects.get(identity_number="19790305-1238").category == "normal"
    report = run(creditor, (EXAMPLES / "credit_reports.csv").read_bytes(), name="credit_reports.csv")
    assert (report.encoding, report.created, report.rejected) == ("cp1252", 5, 0)
    assert ("19790305-1238", 38, 4, 2, datetime.date(2026, 11, 16), "UC") in stored(creditor)
    with creditor_scope(creditor):
        lena = Debtor.objects.get(identity_number="19790305-1238")
        akero = Debtor.objects.get(identity_number="556016-0680")
        moved = CaseEvent.objects.filter(code="classification.category.changed", case__debtor=lena)
        assert moved.exists() and all(e.data["to"] == "risk" for e in moved)
    assert lena.category == "risk"
    assert {reason["code"] for reason in lena.category_reasons} >= {"credit_risk_class", "payment_remarks"}
    assert akero.category == "normal"


# The bureau


BUREAU = StaticBureau({
    "19790305-1238": ReportData("19790305-1238", 38, 4, 2, datetime.date(2026, 11, 16), "UC"),
    "5560160680": {"score": 74, "risk_class": 2, "payment_remarks": 0},  # dated the day asked, source the bureau's
}, name="UC")


def fetch(creditor, identity_numbers, bureau=BUREAU, on=TODAY) -> int:
    with creditor_scope(creditor):
        return credit_reports_fetch(creditor=creditor, bureau=bureau, identity_numbers=identity_numbers, on=on)


def test_a_static_bureau_answers_only_about_what_it_knows():
    answer = BUREAU.reports(["556016-0680", "19811218-9876"], TODAY)
    assert answer == [ReportData("556016-0680", 74, 2, 0, TODAY, "UC")]


def test_what_the_bureau_answers_is_stored_once(creditor):
    assert fetch(creditor, ["7903051238", "556016-0680", "19811218-9876"]) == 2
    assert stored(creditor) == sorted([LENA, ("556016-0680", 74, 2, 0, TODAY, "UC")])
    assert fetch(creditor, ["19790305-1238", "556016-0680"]) == 0  # asked again the same day: nothing new
    assert len(stored(creditor)) == 2
    assert fetch(creditor, []) == 0


def test_a_bureau_report_and_a_file_report_are_the_same_report(creditor):
    run(creditor, REPORTS)
    assert fetch(creditor, ["19790305-1238"]) == 0
    assert len(stored(creditor)) == 2


def test_an_answer_that_cannot_be_stored_stores_nothing(creditor):
    broken = StaticBureau({"19790305-1238": {"score": 38, "risk_class": 7, "payment_remarks": 2},
                           "556016-0680": {"score": 74, "risk_class": 2, "payment_remarks": 0}}, name="UC")
    with pytest.raises(ValidationError, match="nothing was stored") as refused:
        fetch(creditor, ["19790305-1238", "556016-0680"], bureau=broken)
    assert refused.value.detail == [{"row": 1, "column": "risk_class", "value": "7",
                                     "reason": "must be a whole number from 1 to 5"}]
    from_tomorrow = StaticBureau({"556016-0680": {"score": 74, "risk_class": 2, "payment_remarks": 0,
                                                  "reported_on": TODAY + datetime.timedelta(days=1)}})
    with pytest.raises(ValidationError, match="nothing was stored"):
        fetch(creditor, ["556016-0680"], bureau=from_tomorrow)
    assert stored(creditor) == []


def test_a_bureau_cannot_change_a_stored_report(creditor):
    run(creditor, REPORTS)
    changed = StaticBureau({"19790305-1238": ReportData("19790305-1238", 90, 1, 0, datetime.date(2026, 11, 16), "UC")})
    with pytest.raises(ValidationError) as refused:
        fetch(creditor, ["19790305-1238"], bureau=changed)
    assert "already, with score 38" in refused.value.detail[0]["reason"]
    assert stored(creditor) == sorted([LENA, AKERO])


def test_an_invalid_identity_number_is_not_sent_to_the_bureau(creditor):
    class Recording(StaticBureau):
        asked = None

        def reports(self, identity_numbers, on):
            self.asked = identity_numbers
            return super().reports(identity_numbers, on)

    bureau = Recording({})
    with pytest.raises(ValidationError, match="19790305-1239"):
        fetch(creditor, ["19790305-1238", "19790305-1239"], bureau=bureau)
    assert bureau.asked is None


# The admin


@pytest.fixture
def agency(client, django_user_model):
    sign_in_user(client, django_user_model.objects.create_superuser("boss@fordra.demo", "boss@fordra.demo", "x"))
    return client


def test_the_admin_finds_a_report_by_identity_number_however_it_is_written(creditor, other_creditor, agency):
    run(creditor, REPORTS)
    run(other_creditor, REPORTS.replace("556016-0680", "556036-0793"))
    listed = agency.get("/admin/classification/creditreport/", {"q": "7903051238"}).context["cl"].result_list
    assert sorted((r.identity_number, r.creditor.slug) for r in listed) == [("19790305-1238", "acme"),
                                                                           ("19790305-1238", "other")]
    listed = agency.get("/admin/classification/creditreport/", {"risk_class__exact": "2"}).context["cl"].result_list
    assert sorted(r.identity_number for r in listed) == ["556016-0680", "556036-0793"]


def test_the_admin_edits_a_creditors_thresholds_and_refuses_inconsistent_ones(creditor, agency):
    with creditor_scope(creditor):
        rules = ClassificationRules.objects.get(creditor=creditor)
    url = f"/admin/classification/classificationrules/{rules.pk}/change/"
    form = {"risk_class_from": "3", "score_below": "30", "payment_remarks_over": "0", "late_days": "14",
            "late_of_last": "5", "late_count": "6", "broken_plans_from": "1", "broken_promises_from": "2",
            "payment_orders_from": "1"}
    response = agency.post(url, form)
    assert response.status_code == 200 and "at most 5: the number of invoices looked at" in response.content.decode()
    response = agency.post(url, {**form, "late_count": "3"})
    assert response.status_code == 302
    with creditor_scope(creditor):
        rules.refresh_from_db()
    assert (rules.risk_class_from, rules.score_below, rules.late_count) == (3, 30, 3)
