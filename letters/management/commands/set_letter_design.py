from pathlib import Path

from creditors.commands import TenantCommand
from letters.design import letter_design_set
from letters.models import Variant


class Command(TenantCommand):
    help = "Choose a creditor's letter variant and upload (or remove) its logo (PNG or JPEG). New letters use it."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--variant", choices=Variant.values)
        parser.add_argument("--logo", type=Path, metavar="FILE")
        parser.add_argument("--remove-logo", action="store_true")

    def handle_command(self, *args, creditor, variant=None, logo=None, remove_logo=False, **options):
        design = letter_design_set(creditor=creditor, variant=variant, remove_logo=remove_logo,
                                   logo=logo.read_bytes() if logo else None)
        self.stdout.write(f"{creditor.slug}: variant {design.variant}, logo {design.logo.name or 'none'}")
