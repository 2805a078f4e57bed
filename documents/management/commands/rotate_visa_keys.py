"""Re-encrypt every visa letter request's details, and every letter's PDF, with the first
key of ``VISA_DATA_KEYS``: the step between adding a new key (first) and removing the
old one."""

from django.core.management.base import BaseCommand

from documents.visa import services


class Command(BaseCommand):
    help = "Re-encrypt visa letter data with the first key of VISA_DATA_KEYS."

    def handle(self, *args, **options) -> None:
        rows, files = services.rotate_keys()
        if options["verbosity"]:
            self.stdout.write(f"Re-encrypted {rows} requests and {files} letters.")
