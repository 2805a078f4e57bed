"""Load the demo data: the conference series from its public facts.

Idempotent: every part updates or creates by a natural key, so running it twice
changes nothing. Each app contributes a loader from its ``demo`` module, registered in
gmc/demo_loading.py and run after the loaders whose rows it needs.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from gmc.demo_loading import discover_loaders
from gmc.models import Edition


class Command(BaseCommand):
    help = "Load (or refresh) the demo data of the GMC conference series."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has editions (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Edition.objects.exists():
            self.stdout.write("Demo data already loaded; leaving it as it is.")
            return
        with transaction.atomic():
            for loader in discover_loaders():
                loader.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
