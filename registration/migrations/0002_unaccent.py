from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent, for the check-in search (registration.folding); on other
    databases this does nothing."""

    dependencies = [("registration", "0001_initial")]

    operations = [UnaccentExtension()]
