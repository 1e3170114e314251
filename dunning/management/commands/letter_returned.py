import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from core.commands import FordraCommand
from core.tenancy import creditor_scope
from dunning.returns import letter_returned
from letters.models import Letter


class Command(FordraCommand):
    help = ("Record that the mail house or the e-mail server returned a letter as undeliverable: its fees are "
            "written off and the debtor's cases wait for a new address (an 'address missing' work item).")

    def add_arguments(self, parser):
        parser.add_argument("letter_id", type=int, metavar="LETTER_ID")
        parser.add_argument("--reason", required=True, help="why it came back, as the mail house or server said")
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="the day it came back (default: today)")

    def handle_command(self, *args, letter_id, reason, date=None, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date YYYY-MM-DD") from None
        with scopes_disabled():  # the letter names its creditor; the work is done inside its scope
            letter = Letter.objects.select_related("creditor").filter(pk=letter_id).first()
        if letter is None:
            raise CommandError(f"no letter {letter_id}")
        with creditor_scope(letter.creditor):
            letter = letter_returned(letter=letter, on=on, reason=reason, actor="command:letter_returned")
        self.stdout.write(f"letter {letter.pk} ({letter.kind}, case {letter.case_id}) returned on {on}; "
                          f"fees written off: {', '.join(letter.fees_waived or []) or 'none'}")
