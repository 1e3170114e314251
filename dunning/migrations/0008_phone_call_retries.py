from django.db import migrations, models


class Migration(migrations.Migration):
    """A phone-call step says how often an unanswered call is tried again before the ladder goes on."""

    dependencies = [
        ("creditors", "0003_ledgerimport_ignored_columns"),
        ("dunning", "0007_amounts_bounded"),
    ]

    operations = [
        migrations.AddField(
            model_name="policystep",
            name="call_retries",
            field=models.PositiveSmallIntegerField(
                default=2, help_text="A phone call: how often an unanswered call is tried again (the next bank day "
                                     "each time) before the ladder goes on. Other steps ignore it"),
        ),
        migrations.AddConstraint(
            model_name="policystep",
            constraint=models.CheckConstraint(condition=models.Q(("call_retries__lte", 10)),
                                              name="policy_step_call_retries_max"),
        ),
    ]
