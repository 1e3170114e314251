"""The print manifest is opened in a spreadsheet at the mail house: a debtor's text never runs there."""
import csv
import io
from decimal import Decimal

from letters.delivery import print_batch_build
from letters.rendering import letter_render
from tests.factories import DebtorFactory, make_case

from .conftest import SENT_ON, make_letter


def test_a_debtor_named_like_a_formula_is_text_in_the_manifest(scoped):
    debtor = DebtorFactory(creditor=scoped, name='=HYPERLINK("http://x","y")', address="@SUM(1+1)",
                           postal_code="123 45", city="-Västerås", customer_number="+4670")
    letter = letter_render(letter_id=make_letter(make_case(scoped, amount=Decimal("-0.50") + 500,
                                                           debtor=debtor)).pk)
    batch = print_batch_build(creditor=scoped, day=SENT_ON)
    (row,) = csv.DictReader(io.StringIO(batch.manifest.open("rb").read().decode("utf-8"), newline=""))
    assert row["name"] == '\'=HYPERLINK("http://x","y")'
    assert (row["address"], row["city"], row["customer_number"]) == ("'@SUM(1+1)", "'-Västerås", "'+4670")
    # Numbers stay numbers; a plain value is untouched.
    assert row["total"] == str(letter.total) and Decimal(row["total"]) == letter.total
    assert (row["sequence"], row["pages"], row["postal_code"]) == ("1", "1", "123 45")
