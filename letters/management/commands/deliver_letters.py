import datetime

from django.utils import timezone

from core.commands import FordraCommand
from core.tenancy import creditor_scope
from creditors.models import Creditor
from creditors.selectors import creditor_by_slug
from letters.delivery import letters_email_pending, print_batch_build


class Command(FordraCommand):
    help = ("Deliver rendered letters: e-mail those whose debtors agreed to e-mail, and put the rest in the "
            "creditor's print batch for DATE (one PDF and a manifest CSV for the mail house). Re-runnable.")

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--creditor", metavar="SLUG")

    def handle_command(self, *args, date=None, creditor=None, **options):
        day = date or timezone.localdate()
        creditors = [creditor_by_slug(creditor)] if creditor else list(Creditor.objects.order_by("slug"))
        for each in creditors:
            with creditor_scope(each):
                emailed = letters_email_pending(creditor_id=each.pk)
                batch = print_batch_build(creditor=each, day=day)
            printed = (f"print batch {batch.letter_count} letters, {batch.page_count} pages: {batch.pdf.path}"
                       if batch else "no print batch")
            self.stdout.write(f"{day} {each.slug}: e-mailed {emailed}; {printed}")
