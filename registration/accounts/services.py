"""Writes to a person's own account: the profile and the deletion of the account."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_countries import countries

from gmc import outbox
from gmc.models import Organisation, OrganisationType, OutboxMessage, User
from registration.models import Registration
from registration.services import cancel_registration

from .signals import account_deleting


class AccountError(Exception):
    """A refused account change; ``field`` names the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# Folders of the zone database that hold duplicates or technical names, not places.
_NOT_PLACES = ("Etc/", "posix/", "right/", "SystemV/")


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zone names of places (Region/City) this system knows, and UTC,
    sorted. Read once: listing them scans the zone files."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(_NOT_PLACES)
    }
    return ("UTC", *sorted(names))


def match_organisation(name: str) -> Organisation | None:
    """The known organisation whose name or short name is ``name``, ignoring case."""
    name = name.strip()
    if not name:
        return None
    return (
        Organisation.objects.filter(Q(name__iexact=name) | Q(short_name__iexact=name))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def update_profile(
    user_id: int,
    *,
    full_name: str = "",
    job_title: str = "",
    organisation_name: str = "",
    organisation_type: str = "",
    country: str = "",
    language: str = "",
    time_zone: str = "",
) -> User:
    """Write the profile of an account.

    The organisation typed is linked to a known organisation when its name or short
    name matches (case-insensitively), and the organisation's type and country fill the
    person's when those are left empty. Invalid values raise ``AccountError`` with the
    field. No email is sent. Safe to repeat.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    if time_zone and time_zone not in time_zone_names():
        raise AccountError(_("Choose a time zone from the list."), field="time_zone")
    if language and language not in dict(settings.LANGUAGES):
        raise AccountError(_("Choose a language from the list."), field="language")
    if country and country not in countries:
        raise AccountError(_("Choose a country from the list."), field="country")
    if organisation_type and organisation_type not in OrganisationType.values:
        raise AccountError(
            _("Choose an organisation type from the list."), field="organisation_type"
        )
    organisation = match_organisation(organisation_name)
    if organisation is not None:
        organisation_type = organisation_type or organisation.type
        country = country or str(organisation.country or "")
    user.full_name = full_name.strip()
    user.job_title = job_title.strip()
    user.organisation_name = organisation_name.strip()
    user.organisation = organisation
    user.organisation_type = organisation_type
    user.country = country
    user.language = language
    user.time_zone = time_zone
    user.save(
        update_fields=[
            "full_name",
            "job_title",
            "organisation_name",
            "organisation",
            "organisation_type",
            "country",
            "language",
            "time_zone",
        ]
    )
    return user


@transaction.atomic
def delete_account(user_id: int) -> bool:
    """Delete a person's account and what the portal holds about them, in one transaction.

    In order: every active registration is cancelled through
    ``registration.services.cancel_registration`` (the seat goes to the next in line,
    who is told, and the person receives the cancellation notice); the
    ``registration.accounts.signals.account_deleting`` signal is sent so that other apps
    remove or anonymise their own records of the person (e.g. declaration input, kept
    only as an organisers' anonymised record where the contributor agreed); the record
    of emails already sent to the person is removed; an "account.deleted" email is
    queued to the address; the user row is deleted, and with it the registrations,
    email addresses and sessions that belong to it.

    Organisers' (staff) accounts are refused: they are removed by another organiser in
    the admin, so the admin's history is not lost by accident. Returns False when the
    account is already gone: a repeat is a no-op.
    """
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return False
    if user.is_staff or user.is_superuser:
        raise AccountError(
            _("Organisers' accounts are removed by another organiser in the administration.")
        )
    active = (
        Registration.objects.filter(attendee=user)
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for registration_id in list(active):
        cancel_registration(registration_id, by=None)
    account_deleting.send(sender=User, user=user)
    to_person = Q(recipient=user)
    for address in {user.email, *_email_addresses(user)}:
        to_person |= Q(to_email__iexact=address)
    # Finished messages are the only copy of what was mailed to the person; messages
    # still pending (the cancellation notices just queued) must still go out.
    OutboxMessage.objects.filter(
        to_person, status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED]
    ).delete()
    outbox.queue(
        kind="account.deleted",
        to=user.email,
        language=user.language or None,
        context={"name": user.get_full_name() if user.full_name else "", "email": user.email},
        key=outbox.make_key("account.deleted", None, user.email, f"user:{user.pk}"),
    )
    user.delete()
    return True


def _email_addresses(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    return list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
