import datetime

from django.core.management.base import CommandError
from django.utils import timezone

from core.commands import FordraCommand
from creditors.models import Creditor
from creditors.selectors import creditor_by_slug
from cycle.run import run_cycle
from law.interest import MissingReferenceRate


class Command(FordraCommand):
    help = ("The daily cycle as of DATE (default today): apply every step that is due and queue letters. "
            "With --until, every day from DATE to UNTIL in order. Running a day twice does nothing the second time.")

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--until", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--creditor", metavar="SLUG")

    def handle_command(self, *args, date=None, until=None, creditor=None, **options):
        first = date or timezone.localdate()
        last = until or first
        if last < first:
            raise CommandError(f"--until {last} is before --date {first}")
        creditors = [creditor_by_slug(creditor)] if creditor else list(Creditor.objects.order_by("slug"))
        day = first
        while day <= last:
            for each in creditors:
                try:
                    report = run_cycle(creditor=each, day=day)
                except MissingReferenceRate as exc:
                    raise CommandError(str(exc)) from exc
                if (report.steps or report.reviews_opened or report.promises_resumed or report.plans_resumed
                        or report.pauses_ended or report.reclassified or first == last):
                    applied = ", ".join(f"{action} {n}" for action, n in sorted(report.applied.items())) or "nothing due"
                    moved = "".join(f"; {old} → {new} {n}" for (old, new), n in sorted(report.reclassified.items()))
                    self.stdout.write(f"{day} {each.slug}: {applied}; reviews opened {report.reviews_opened}; "
                                      f"promises resumed {report.promises_resumed}; "
                                      f"plans resumed {report.plans_resumed}"
                                      + (f"; pauses ended {report.pauses_ended}" if report.pauses_ended else "")
                                      + moved)
            day += datetime.timedelta(days=1)
