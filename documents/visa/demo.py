"""A sample visa letter request waiting in the organisers' queue: one confirmed in-person
sample registration of the current edition (2026, Hanoi) asks for a letter. Its passport
details are sample data, marked so (the passport number starts with SAMPLE). Written
directly, not through the services: loading sends no email and logs no access. Loading
twice changes nothing. The demo organiser is put in the "Visa letters" group, so that the
demo shows the details; take them out of it to see the queue as other organisers do."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group

from gmc.demo import ORGANISER_EMAIL
from gmc.demo_loading import read_demo_data
from gmc.models import User
from gmc.permissions import VISA_LETTERS_GROUP, sync_organiser_group
from gmc.selectors import current_edition
from registration.models import Registration

from .models import VisaRequest


def load(stdout) -> None:
    edition = current_edition()
    if edition is None:
        return
    sync_organiser_group()
    if not settings.PRODUCTION:
        organiser = User.objects.filter(email=ORGANISER_EMAIL).first()
        if organiser is not None:
            organiser.groups.add(Group.objects.get(name=VISA_LETTERS_GROUP))
    registration = (
        Registration.objects.for_edition(edition)
        .confirmed()
        .in_person()
        .filter(attendee__email__endswith="@example.org")
        .exclude(attendee__country="")
        .select_related("attendee")
        .order_by("attendee__email")
        .first()
    )
    if registration is None:
        return
    person = registration.attendee
    sample = read_demo_data("documents", "visa")["request"]
    _request, created = VisaRequest.objects.get_or_create(
        registration=registration,
        defaults={
            "passport_name": f"{person.given_name} {person.family_name}".strip().upper(),
            "nationality": person.country.code,
            "passport_number": sample["passport_number"],
            "date_of_birth": sample["date_of_birth"],
            "purpose": sample["purpose"].format(title=edition.title, city=edition.city),
        },
    )
    if created:
        stdout.write(f"Visa letters: a sample request waits in the queue ({person.display_name}).")
