from django.db import migrations
from django.db.models import F


def broadcast_to_source(apps, schema_editor):
    """Each message sent to a segment keeps pointing at its message, now as its source.
    The content type is still gmc's here; mailings' first migration relabels it."""
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    OutboxMessage = apps.get_model("gmc", "OutboxMessage")
    rows = OutboxMessage.objects.using(db).filter(broadcast__isnull=False)
    if not rows.exists():
        return
    broadcast_type, _created = ContentType.objects.using(db).get_or_create(
        app_label="gmc", model="broadcast"
    )
    rows.update(source_type=broadcast_type, source_id=F("broadcast_id"))


def source_to_broadcast(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    OutboxMessage = apps.get_model("gmc", "OutboxMessage")
    Broadcast = apps.get_model("gmc", "Broadcast")
    broadcast_type = ContentType.objects.using(db).filter(app_label="gmc", model="broadcast")
    OutboxMessage.objects.using(db).filter(
        source_type__in=broadcast_type,
        source_id__in=Broadcast.objects.using(db).values("pk"),
    ).update(broadcast_id=F("source_id"))


class Migration(migrations.Migration):
    # Its own migration (and transaction): PostgreSQL refuses to alter a table whose
    # rows were just updated in the same transaction while constraint checks are pending.
    dependencies = [("gmc", "0011_outbox_source")]

    operations = [migrations.RunPython(broadcast_to_source, source_to_broadcast)]
