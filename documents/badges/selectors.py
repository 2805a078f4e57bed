"""Who gets a badge, what it says, and in which order the badges come out.

The badge speaks the edition's working language (``Edition.working_language``), not
each attendee's: a badge is read by the other people in the room, who share the
conference's working language and not the wearer's; one language for every badge of a
sheet also keeps a sheet uniform. The name is written as its owner wrote it, in their
own script.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from agenda.models import Session, Speaker
from gmc.models import Edition, User
from gmc.permissions import ORGANISERS_GROUP
from registration.folding import fold
from registration.models import Registration
from registration.tickets import checkin_address

Role = Registration.Role
SPEAKER = "speaker"


@dataclass(frozen=True)
class Badge:
    """What one badge shows, already in the badge's language."""

    registration_id: int
    name: str
    organisation: str
    country: str
    role: str  # "speaker", or a ``Registration.Role`` value
    role_label: str
    checkin_url: str  # what the QR code opens: the organisers' check-in of this person
    sort_key: tuple[str, ...]


def family_name_key(person: User) -> tuple[str, ...]:
    """The order of badges: by family name, then given name, then the name as printed,
    each without case or accents (``registration.folding.fold``, the same folding as the
    check-in search), so "de la Rosa", "Dávila" and "Đặng" fall among the D's. The
    family name is the one the person gave; a person who gave none (a single name, or an
    older account with a full name only) is sorted by the name as printed, never by a
    guessed last word: "Nguyễn Thị Lan" and "李路明" write the family name first. Names in
    different scripts sort by their folded characters, Latin before Cyrillic, Arabic and
    Chinese, and never fail; the exact name breaks the remaining ties."""
    name = person.display_name
    family = person.family_name.strip() or name
    return (fold(family), fold(person.given_name.strip()), fold(name), name)


def badge_registrations(edition: Edition) -> QuerySet[Registration]:
    """The usual print run of an edition: everyone confirmed to come in person."""
    return Registration.objects.for_edition(edition).confirmed().in_person()


def printable(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Of a selection, those that may have a badge: not cancelled."""
    return registrations.exclude(status=Registration.Status.CANCELLED)


def speakers_among(edition: Edition, user_ids: Iterable[int]) -> set[int]:
    """The accounts linked to a speaker of one of the edition's sessions on its public
    programme (a session still in preparation does not make anyone a speaker)."""
    sessions = Session.objects.filter(edition=edition).public()
    return set(
        Speaker.objects.filter(
            account_id__in=list(user_ids), session_speakers__session__in=sessions
        ).values_list("account_id", flat=True)
    )


def organisers_among(user_ids: Iterable[int]) -> set[int]:
    """The staff accounts in the Organisers group."""
    return set(
        User.objects.filter(
            pk__in=list(user_ids), is_staff=True, groups__name=ORGANISERS_GROUP
        ).values_list("pk", flat=True)
    )


def role_of(registration: Registration, *, speaker: bool, organiser: bool) -> str:
    """The role line: what the organisers set on the registration (organiser, press)
    first, as a deliberate choice; else speaker for someone linked to a speaker of the
    edition's programme; else organiser for a member of the Organisers group; else
    participant."""
    if registration.role != Role.PARTICIPANT:
        return registration.role
    if speaker:
        return SPEAKER
    if organiser:
        return Role.ORGANISER
    return Role.PARTICIPANT


def role_label(role: str) -> str:
    """The role's words in the active language."""
    if role == SPEAKER:
        return _("Speaker")
    return str(Role(role).label)


def badges(edition: Edition, registrations: QuerySet[Registration]) -> list[Badge]:
    """The badges of ``registrations`` (all of ``edition``), in the edition's working
    language, sorted by family name (``family_name_key``; the registration's id breaks
    a tie, so the same set always comes out in the same order). A fixed number of
    queries, whatever the number of badges."""
    rows = list(
        registrations.filter(edition=edition)
        .select_related("attendee", "attendee__organisation")
        .order_by("pk")
    )
    user_ids = [row.attendee_id for row in rows]
    speakers, organisers = speakers_among(edition, user_ids), organisers_among(user_ids)
    result = []
    with translation.override(edition.working_language or "en"):
        for row in rows:
            person = row.attendee
            role = role_of(row, speaker=person.pk in speakers, organiser=person.pk in organisers)
            organisation = person.organisation_name.strip() or (
                person.organisation.name if person.organisation_id else ""
            )
            result.append(
                Badge(
                    registration_id=row.pk,
                    name=person.display_name,
                    organisation=organisation,
                    country=str(person.country.name) if person.country else "",
                    role=role,
                    role_label=str(role_label(role)),
                    checkin_url=checkin_address(row),
                    sort_key=(*family_name_key(person), f"{row.pk:012d}"),
                )
            )
    result.sort(key=lambda badge: badge.sort_key)
    return result
