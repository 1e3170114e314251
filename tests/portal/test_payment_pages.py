"""The creditor's payments page: what came in, matched or waiting, per file; never another's."""
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Payment, PaymentFile, PaymentSource
from core.tenancy import creditor_scope, scopes_disabled
from creditors.models import Role
from payments.services import payment_register
from tests.factories import make_case
from tests.portal.members import sign_in


@pytest.fixture
def browser(client, creditor):
    return sign_in(client, creditor, Role.READ_ONLY)


def test_payments_matched_and_waiting_per_file_and_only_ones_own(browser, creditor, other_creditor):
    today = timezone.localdate()
    ours, theirs = make_case(creditor, amount="800.00"), make_case(other_creditor, amount="900.00")
    with scopes_disabled():
        bank = PaymentFile.objects.create(format=PaymentSource.BGMAX, name="BgMax_20261201.txt", sha256="a" * 64,
                                          payments=3, total=Decimal("1600.00"))
    with creditor_scope(creditor):
        payment_register(case=ours, amount=Decimal("300.00"), paid_on=today, source=PaymentSource.BGMAX,
                         reference="b1", file=bank)
        Payment.objects.create(creditor=creditor, amount=Decimal("400.00"), paid_on=today,
                               source=PaymentSource.BGMAX, reference="b2", ocr_reference="999", file=bank,
                               unmatched_reason="OCR-referensen finns inte")
    with creditor_scope(other_creditor):
        payment_register(case=theirs, amount=Decimal("900.00"), paid_on=today, source=PaymentSource.BGMAX,
                         reference="b3", file=bank, payer="Annan Betalare")
    page = browser.get("/payments/").content.decode().replace("\u00a0", " ")
    assert 'aria-current="page">Betalningar' in page
    assert "300,00 kr" in page and "400,00 kr" in page and "OCR-referensen finns inte" in page
    assert "900,00 kr" not in page and "Annan Betalare" not in page and "1 600,00" not in page
    # The file, through the creditor's own payments in it: two, one waiting, 700 kr.
    row = page[page.index("BgMax_20261201.txt</a>"):]
    assert '<td data-label="Era betalningar" class="num">2</td>' in row[:600]
    assert '<td data-label="Väntar" class="num">1</td>' in row[:600] and "700,00 kr" in row[:600]
    waiting = browser.get("/payments/?status=waiting").content.decode().replace("\u00a0", " ")
    assert "400,00 kr" in waiting and "300,00 kr" not in waiting.split("<caption>")[1]
