import datetime

from core.commands import FordraCommand
from demo.logins import DEMO_TOTP_SECRET, demo_recovery_codes, demo_totp_uri, seed_demo_two_factor
from demo.seeding import AGENCY_STAFF, DEMO_CREDITORS, DEMO_PASSWORD, seed_demo


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
        # Admins and agency staff must use two-factor: the demo's share one authenticator.
        seed_demo_two_factor([spec.admin_email for spec in DEMO_CREDITORS] + list(AGENCY_STAFF))
        codes = demo_recovery_codes()
        self.stdout.write(
            "Two-factor (every login above): add the key " f"{DEMO_TOTP_SECRET} to an authenticator app "
            f"(or scan {demo_totp_uri('demo')}) and type its code; or use a recovery code, "
            f"each once per login: {', '.join(codes[:3])}")
