"""Letters of every kind for one case, built through the cycle's own record code."""
import datetime
from decimal import Decimal

import pytest

from dunning.balances import case_letter_record
from letters.models import Letter, LetterKind
from tests.factories import DebtorFactory, make_case

SENT_ON = datetime.date(2026, 11, 23)
DEADLINE = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def debtor(scoped):
    return DebtorFactory(creditor=scoped, name="Åsa Öberg", address="Storgatan 12 B", postal_code="123 45",
                         city="Västerås", customer_number="K-10042", email="asa@example.se")


@pytest.fixture
def claim_case(scoped, debtor):
    return make_case(scoped, amount=Decimal("12345.50"), due_date=datetime.date(2026, 10, 1), debtor=debtor,
                     invoice_number="F2026-0815")


def make_letter(case, kind=LetterKind.COLLECTION_DEMAND, *, language="sv", sent_on=SENT_ON, deadline=DEADLINE,
                **amounts) -> Letter:
    values = case_letter_record(case=case, kind=kind, sent_on=sent_on, deadline=deadline)
    values["language"] = language
    values["amounts"].update(amounts)
    return Letter.objects.create(**values)

