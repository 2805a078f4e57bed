from django.db import migrations, models


def split_full_names(apps, schema_editor):
    """Existing full names become given names and a family name (the last word)."""
    User = apps.get_model("gmc", "User")
    for user in User.objects.exclude(full_name="").only("pk", "full_name").iterator():
        given, _, family = user.full_name.strip().rpartition(" ")
        if not given:
            given, family = family, ""
        User.objects.filter(pk=user.pk).update(given_name=given, family_name=family)


class Migration(migrations.Migration):
    dependencies = [("gmc", "0006_outbox_secrets")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="given_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="given name(s)"),
        ),
        migrations.AddField(
            model_name="user",
            name="family_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="family name"),
        ),
        migrations.AddField(
            model_name="user",
            name="badge_name",
            field=models.CharField(
                blank=True,
                help_text="As it should be printed and shown; empty for given and family names.",
                max_length=100,
                verbose_name="name on the badge",
            ),
        ),
        migrations.RunPython(split_full_names, migrations.RunPython.noop),
    ]
