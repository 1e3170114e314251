import datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError

from core.commands import FordraCommand
from law.models import ReferenceRate


class Command(FordraCommand):
    help = "Set Riksbanken's reference rate (percent) for the half-year starting DATE (1 January or 1 July)."

    def add_arguments(self, parser):
        parser.add_argument("valid_from", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("rate", metavar="PERCENT")
        parser.add_argument("--note", default="")

    def handle_command(self, *args, valid_from, rate, note, **options):
        if (valid_from.month, valid_from.day) not in ((1, 1), (7, 1)):
            raise CommandError(f"{valid_from} does not start a half-year: use YYYY-01-01 or YYYY-07-01")
        try:
            value = Decimal(rate.replace(",", "."))
        except InvalidOperation:
            raise CommandError(f"rate {rate!r} is not a number of percent") from None
        if not value.is_finite() or not Decimal("-10") <= value <= Decimal("50") or value != value.quantize(Decimal("0.01")):
            raise CommandError(f"rate {rate!r} must be a percent between -10 and 50 with at most two decimals")
        _, created = ReferenceRate.objects.update_or_create(valid_from=valid_from, defaults={"rate": value, "note": note})
        self.stdout.write(f"{'Added' if created else 'Changed'} the reference rate from {valid_from}: {value} %")
