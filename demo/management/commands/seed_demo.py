import datetime

from core.commands import FordraCommand
from demo.seeding import AGENCY_STAFF, DEMO_PASSWORD, seed_demo


class Command(FordraCommand):
    help = "Demo creditors, debtors, invoices and cases for a first look. Re-runnable."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, metavar="YYYY-MM-DD")

    def handle_command(self, *args, today=None, **options):
        for spec, created in seed_demo(today=today or datetime.date.today()):
            state = "created" if created else "already there, left as it is"
            self.stdout.write(f"{spec.name} ({spec.slug}): {state}. Log in as {spec.admin_email} / {DEMO_PASSWORD}")
        for email, role in AGENCY_STAFF.items():
            self.stdout.write(f"Agency staff ({role.label}): {email} / {DEMO_PASSWORD}")
