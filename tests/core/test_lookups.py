"""`field__any=[…]` selects exactly what `field__in=[…]` does, on SQLite and PostgreSQL."""
import datetime

import pytest

from cases.models import Case, LedgerEntry
from debtors.models import Debtor
from tests.factories import make_case

D = datetime.date


@pytest.fixture
def cases(scoped):
    return [make_case(scoped, due_date=D(2026, 10, day)) for day in range(1, 8)]


def test_any_matches_in_on_ids_strings_dates_and_across_a_join(cases):
    picked = [cases[0].pk, cases[3].pk, cases[6].pk, 10**9]  # and an id that does not exist
    assert sorted(Case.objects.filter(pk__any=picked).values_list("pk", flat=True)) == sorted(picked[:3])

    references = [cases[1].ocr_reference, cases[2].ocr_reference, "nothing"]
    assert set(Case.objects.filter(ocr_reference__any=references)) == {cases[1], cases[2]}

    debtors = [cases[4].debtor_id, cases[5].debtor_id]
    across = LedgerEntry.objects.filter(case__debtor_id__any=debtors).values_list("case_id", flat=True)
    assert sorted(set(across)) == sorted([cases[4].pk, cases[5].pk])

    dues = [D(2026, 10, 2), D(2026, 10, 7)]
    assert set(Case.objects.filter(invoice__due_date__any=dues)) == {cases[1], cases[6]}


def test_any_combines_with_other_filters_and_exclusions(cases):
    ids = [c.pk for c in cases]
    assert Case.objects.filter(pk__any=ids).exclude(pk__any=ids[:5]).count() == 2
    assert Debtor.objects.exclude(pk__any=[c.debtor_id for c in cases]).count() == 0


def test_an_empty_list_matches_nothing(cases):
    assert Case.objects.filter(pk__any=[]).count() == 0
    assert Case.objects.exclude(pk__any=[]).count() == len(cases)


def test_a_query_or_a_string_is_refused(cases):
    with pytest.raises(TypeError):
        Case.objects.filter(pk__any=Case.objects.values("pk"))
    with pytest.raises(TypeError):
        Case.objects.filter(ocr_reference__any="123")
