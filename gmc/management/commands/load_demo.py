"""Load the demo data: the conference series from its public facts.

Idempotent: every part updates or creates by a natural key, so running it twice
changes nothing. Each app contributes a ``demo.load(stdout)`` function, called in order.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from gmc.models import Edition

# Order matters: editions and organisations first, then what refers to them.
DEMO_MODULES = ["gmc.demo", "agenda.demo", "registration.demo", "declarations.demo"]


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
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
