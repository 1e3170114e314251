from django.db import migrations


class Migration(migrations.Migration):
    """Reserved for issue #17's work (filled in by the change that needs it)."""

    dependencies = [("cases", "0011_amounts_bounded")]

    operations = []
