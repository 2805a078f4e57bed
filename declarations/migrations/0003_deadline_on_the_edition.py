"""The call closes at its edition's declaration deadline, stored there once.

The deadline was kept on the call (``closes_at``) and on the edition, in step by two
admins. Before the call's column goes, its value is copied to the edition wherever the
two differ: the call's is the one the input page enforced and the reminders read, so it
is kept (it fills an empty edition deadline too). Going back copies the edition's
deadline into the restored column.
"""

from django.db import migrations, models


def deadline_to_edition(apps, schema_editor):
    Call = apps.get_model("declarations", "Call")
    Edition = apps.get_model("gmc", "Edition")
    for call in Call.objects.select_related("edition").exclude(closes_at=None):
        if call.edition.declaration_deadline != call.closes_at:
            Edition.objects.filter(pk=call.edition_id).update(
                declaration_deadline=call.closes_at
            )


def deadline_to_call(apps, schema_editor):
    Call = apps.get_model("declarations", "Call")
    for call in Call.objects.select_related("edition"):
        # A call whose edition lost its deadline closes when it opens: never open.
        call.closes_at = call.edition.declaration_deadline or call.opens_at
        call.save(update_fields=["closes_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0002_forget_contributor"),
        ("gmc", "0009_programme_changes_category"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="call",
            name="declaration_call_closes_after_opening",
        ),
        migrations.AlterField(
            model_name="call",
            name="closes_at",
            field=models.DateTimeField(null=True, verbose_name="closes"),
        ),
        migrations.RunPython(deadline_to_edition, deadline_to_call),
        migrations.RemoveField(
            model_name="call",
            name="closes_at",
        ),
    ]
