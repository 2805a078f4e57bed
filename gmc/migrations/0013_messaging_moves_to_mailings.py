from django.db import migrations


class Migration(migrations.Migration):
    """Messages to participants, reminder rules, email templates and opt-outs belong to
    the mailings app from here on. Their tables stay: this removes the models from gmc's
    state only, and mailings' first migration takes them over, rows and all."""

    dependencies = [("gmc", "0012_outbox_source_from_broadcast")]

    operations = [
        migrations.RemoveField(model_name="outboxmessage", name="broadcast"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Broadcast"),
                migrations.DeleteModel(name="EmailOptOut"),
                migrations.DeleteModel(name="EmailTemplate"),
                migrations.DeleteModel(name="ReminderRule"),
            ],
            database_operations=[],
        ),
    ]
