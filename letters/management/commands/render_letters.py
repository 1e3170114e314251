from core.commands import FordraCommand
from core.tenancy import creditor_scope
from creditors.models import Creditor
from creditors.selectors import creditor_by_slug
from letters.models import Letter, LetterStatus
from letters.rendering import letters_render_pending


class Command(FordraCommand):
    help = ("Render the letters that wait for rendering (normally the worker's job), every creditor's or one's. "
            "A rendered letter is never rendered again.")

    def add_arguments(self, parser):
        parser.add_argument("--creditor", metavar="SLUG")
        parser.add_argument("--retry-failed", action="store_true", help="also try letters whose rendering failed")

    def handle_command(self, *args, creditor=None, retry_failed=False, **options):
        creditors = [creditor_by_slug(creditor)] if creditor else list(Creditor.objects.order_by("slug"))
        for each in creditors:
            with creditor_scope(each):
                rendered = letters_render_pending(creditor_id=each.pk, retry_failed=retry_failed)
                failed = Letter.objects.filter(status=LetterStatus.FAILED).count()
            if rendered or failed or creditor:
                self.stdout.write(f"{each.slug}: {rendered} rendered" + (f", {failed} failed" if failed else ""))
