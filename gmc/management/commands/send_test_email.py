from django.core.management.base import BaseCommand
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from gmc import outbox


class Command(BaseCommand):
    help = "Queue a test email through the outbox, to check that workers and SMTP deliver."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        validate_email(email)
        with transaction.atomic():
            message = outbox.queue(
                kind="outbox.test",
                to=email,
                key=outbox.make_key("outbox.test", None, email, extra=timezone.now().isoformat()),
                context={"note": ""},
            )
        self.stdout.write(f"Queued message {message.pk} to {email}.")
