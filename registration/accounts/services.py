"""Writes to a person's own account: the profile and the deletion of the account."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_countries import countries

from gmc import audit, outbox
from gmc.errors import RefusedMove
from gmc.models import Organisation, OrganisationType, OutboxMessage, User
from gmc.timezones import current_zones
from registration.models import Registration
from registration.services import cancel_registration

from .signals import account_deleting


class AccountError(RefusedMove):
    """A refused account change; ``field`` names the form field it concerns."""

    code = "account.refused"


def time_zone_names() -> tuple[str, ...]:
    """The IANA names of the zones in use today (and UTC) that a profile may hold."""
    return tuple(entry.name for entry in current_zones())


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


def _check_choices(
    *, country: str = "", organisation_type: str = "", language: str = "", time_zone: str = ""
) -> None:
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


def _set_organisation(
    user: User, organisation_name: str, *, organisation_type: str, country: str
) -> list[str]:
    """Write the organisation typed, linked to a known organisation when its name or
    short name matches; that organisation's type and country fill empty ones."""
    organisation = match_organisation(organisation_name)
    if organisation is not None:
        organisation_type = organisation_type or organisation.type
        country = country or str(organisation.country or "")
    user.organisation_name = organisation_name.strip()
    user.organisation = organisation
    user.organisation_type = organisation_type
    user.country = country
    return ["organisation_name", "organisation", "organisation_type", "country"]


NAME_FIELDS = ["given_name", "family_name", "badge_name", "full_name"]


@transaction.atomic
def update_profile(
    user_id: int,
    *,
    given_name: str = "",
    family_name: str = "",
    badge_name: str = "",
    job_title: str = "",
    organisation_name: str = "",
    organisation_type: str = "",
    country: str = "",
    language: str = "",
    time_zone: str = "",
) -> User:
    """Write the profile of an account.

    The name is set in its parts by ``User.set_name`` (which derives the full name).
    The organisation typed is linked to a known organisation when its name or short
    name matches (case-insensitively), and the organisation's type and country fill the
    person's when those are left empty. Invalid values raise ``AccountError`` with the
    field. No email is sent. Safe to repeat.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    _check_choices(
        country=country,
        organisation_type=organisation_type,
        language=language,
        time_zone=time_zone,
    )
    user.set_name(given_name, family_name, badge_name)
    user.job_title = job_title.strip()
    fields = _set_organisation(
        user, organisation_name, organisation_type=organisation_type, country=country
    )
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=[*NAME_FIELDS, "job_title", *fields, "language", "time_zone"])
    return user


@transaction.atomic
def update_person(
    user_id: int,
    *,
    given_name: str,
    family_name: str,
    badge_name: str = "",
    organisation_name: str = "",
    country: str = "",
) -> User:
    """Write who a person is, as asked when registering: the name in its parts (a given
    name or a family name is required: some people have only one), the organisation and
    the country, into the profile. The organisation type is kept, or taken from a known
    organisation that matches. Raises ``AccountError`` with the field. No email. Safe to
    repeat.
    """
    if not (given_name.strip() or family_name.strip()):
        raise AccountError(
            _("Please give your name: a given name, a family name or both."),
            field="given_name",
        )
    _check_choices(country=country)
    user = User.objects.select_for_update().get(pk=user_id)
    user.set_name(given_name, family_name, badge_name)
    fields = _set_organisation(
        user, organisation_name, organisation_type=user.organisation_type, country=country
    )
    user.save(update_fields=[*NAME_FIELDS, *fields])
    return user


@transaction.atomic
def delete_account(user_id: int) -> bool:
    """Delete a person's account and what the portal holds about them, in one transaction.

    In order: every outbox row addressed to any address the person ever had (linked
    to the account, or to one of its addresses) is deleted, sent or not; every active
    registration is cancelled through ``registration.services.cancel_registration``
    (the seat goes to the next in line, who is told, and the person receives the
    cancellation notice); the ``registration.accounts.signals.account_deleting`` signal
    is sent so that other apps remove or anonymise their own records of the person
    (e.g. declaration input, kept only as an organisers' anonymised record where the
    contributor agreed); an "account.deleted" email is queued to the address; these last
    emails are marked to be erased once sent or failed; the admin's history and the
    audit log of the account and its registrations are removed; every signed-in session
    is ended; the user row is deleted, and with it the registrations, email addresses
    and stars.

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
    to_person = Q(recipient=user)
    for address in {user.email, *_email_addresses(user)}:
        to_person |= Q(to_email__iexact=address)
    # The record of what was mailed, and what was still to be mailed (reminders,
    # messages): none of it goes out or stays any more.
    OutboxMessage.objects.filter(to_person).delete()
    registrations = list(
        Registration.objects.filter(attendee=user)
        .order_by("pk")
        .values_list("pk", "status", "checked_in_at")
    )
    for registration_id, status, checked_in_at in registrations:
        # One the person was checked in with stays as it is (it cannot be cancelled:
        # they came) and goes with the account.
        if status != Registration.Status.CANCELLED and checked_in_at is None:
            cancel_registration(registration_id, by=None)
    account_deleting.send(sender=User, user=user)
    outbox.queue(
        kind="account.deleted",
        to=user.email,
        account=user,
        language=user.language or None,
        context={"name": user.get_full_name() if user.full_name else "", "email": user.email},
        key=outbox.make_key("account.deleted", None, user.email, f"user:{user.pk}"),
    )
    # The notices just queued still go out, then leave no trace.
    OutboxMessage.objects.filter(to_person).update(erase_when_done=True)
    _forget_admin_history(user, [pk for pk, *_rest in registrations])
    end_sessions(user)
    user.delete()
    return True


def end_sessions(user: User) -> None:
    """Sign the person out everywhere: every session allauth recorded for them is
    deleted from the session store."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user=user):
        session.end()


def _forget_admin_history(user: User, registration_ids: list[int]) -> None:
    """The admin's history names the objects it changed (an address, a name)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    about_person = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    if registration_ids:
        about_person |= Q(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id__in=[str(pk) for pk in registration_ids],
        )
    LogEntry.objects.filter(about_person).delete()
    # The audit log names them too, and holds the details organisers changed.
    audit.forget(User, [user.pk])
    audit.forget(Registration, registration_ids)


def _email_addresses(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    return list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
