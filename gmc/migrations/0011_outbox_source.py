import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The outbox records what a message was sent about as a content type and an id, so
    that the base no longer points at the apps that send through it."""

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("gmc", "0010_auditentry"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="source_id",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, verbose_name="sent about (id)"
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="source_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="sent about (type)",
            ),
        ),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["source_type", "source_id"], name="outbox_source"),
        ),
    ]
