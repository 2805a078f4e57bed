"""Who is an organiser: what the "Organisers" group may do, and the check of the
organisers' own pages.

Organisers run the conference: they edit its content and follow registrations, but
they neither delete accounts nor hand out permissions (that stays with superusers).
Each app appends its own permissions here, in its own commented block, sorted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

ORGANISERS_GROUP = "Organisers"

ORGANISER_PERMISSIONS: list[str] = [
    # gmc: the conference series and its public content. Editions are never deleted
    # (registrations and the archive hang on them); they are unpublished instead.
    "gmc.add_alliancemember",
    "gmc.add_edition",
    "gmc.add_newsarticle",
    "gmc.add_organisation",
    "gmc.add_publication",
    "gmc.change_alliancemember",
    "gmc.change_edition",
    "gmc.change_newsarticle",
    "gmc.change_organisation",
    "gmc.change_publication",
    "gmc.delete_alliancemember",
    "gmc.delete_newsarticle",
    "gmc.delete_organisation",
    "gmc.delete_publication",
    "gmc.view_alliancemember",
    "gmc.view_edition",
    "gmc.view_newsarticle",
    "gmc.view_organisation",
    "gmc.view_publication",
    # gmc: the outbox (change is what "send again" needs; its fields are read-only) and
    # the accounts, read-only: changing a user would let them edit groups and permissions.
    "gmc.change_outboxmessage",
    "gmc.view_outboxmessage",
    "gmc.view_user",
    # gmc: the audit log of organisers' actions, read-only (it has no other permission:
    # entries are written by the actions themselves).
    "gmc.view_auditentry",
    # agenda: the programme. Organisers build and change it (duplicating a session needs
    # add, shifting needs change), with the sessions' recordings and materials; stars and
    # private feeds belong to attendees. Feedback is read only: it is the attendees' words
    # (superusers may delete one, e.g. at its author's request).
    "agenda.add_material",
    "agenda.add_recording",
    "agenda.add_room",
    "agenda.add_session",
    "agenda.add_sessionspeaker",
    "agenda.add_speaker",
    "agenda.change_material",
    "agenda.change_recording",
    "agenda.change_room",
    "agenda.change_session",
    "agenda.change_sessionspeaker",
    "agenda.change_speaker",
    "agenda.delete_material",
    "agenda.delete_recording",
    "agenda.delete_room",
    "agenda.delete_session",
    "agenda.delete_sessionspeaker",
    "agenda.delete_speaker",
    "agenda.view_feedback",
    "agenda.view_material",
    "agenda.view_recording",
    "agenda.view_room",
    "agenda.view_session",
    "agenda.view_sessionspeaker",
    "agenda.view_speaker",
    # registration: follow and change registrations (status changes go through admin
    # actions that call the services), check people in, edit the extra questions, read
    # the answers. No deletes: registrations are cancelled, which frees the seat. The
    # choices of a question are edited on the question's page.
    "registration.add_choice",
    "registration.add_question",
    "registration.add_registration",
    "registration.change_choice",
    "registration.change_question",
    "registration.change_registration",
    "registration.delete_choice",
    "registration.delete_question",
    "registration.view_answer",
    "registration.view_choice",
    "registration.view_question",
    "registration.view_registration",
    # declarations: edit the calls and their topics, read the input and review it (status,
    # tags, notes and the showcase change through admin actions that call the services).
    # No deletes: a participant's input is never thrown away from the admin.
    "declarations.add_call",
    "declarations.add_tag",
    "declarations.add_topic",
    "declarations.change_call",
    "declarations.change_submission",
    "declarations.change_tag",
    "declarations.change_topic",
    "declarations.delete_tag",
    "declarations.delete_topic",
    "declarations.view_answer",
    "declarations.view_attachment",
    "declarations.view_call",
    "declarations.view_submission",
    "declarations.view_tag",
    "declarations.view_topic",
    # documents: design the certificates of each edition (wording, signatories, logos),
    # issue them from the list of people who attended (change is what its action needs),
    # follow issued documents and revoke them. Documents are never added or deleted by
    # hand: a number once given stays given.
    "documents.add_certificatedesign",
    "documents.add_logo",
    "documents.add_signatory",
    "documents.change_attendedregistration",
    "documents.change_certificatedesign",
    "documents.change_document",
    "documents.change_logo",
    "documents.change_signatory",
    "documents.delete_certificatedesign",
    "documents.delete_logo",
    "documents.delete_signatory",
    "documents.view_attendedregistration",
    "documents.view_certificatedesign",
    "documents.view_document",
    "documents.view_logo",
    "documents.view_signatory",
    # mailings: reminder rules, the wording of automatic emails, messages to participants
    # (sent from the organisers' message pages) and who declined which emails (read-only:
    # only the person changes their own choice).
    "mailings.add_broadcast",
    "mailings.add_emailtemplate",
    "mailings.add_reminderrule",
    "mailings.change_broadcast",
    "mailings.change_emailtemplate",
    "mailings.change_reminderrule",
    "mailings.delete_emailtemplate",
    "mailings.delete_reminderrule",
    "mailings.view_broadcast",
    "mailings.view_emailoptout",
    "mailings.view_emailtemplate",
    "mailings.view_reminderrule",
    # documents: the queue of visa letter requests, without the passport details: who
    # asked, for which edition, where each request stands. Seeing those details and
    # deciding is for the "Visa letters" group below.
    "documents.view_visarequest",
]

# The few organisers who handle visa invitation letters: they see the passport details,
# approve or decline, and read the log of who saw those details. Superusers put people in
# this group; being an organiser does not give it.
VISA_LETTERS_GROUP = "Visa letters"

VISA_LETTERS_PERMISSIONS: list[str] = [
    "documents.change_visarequest",
    "documents.view_visa_data",
    "documents.view_visarequest",
]

# Every group the code keeps in step, with its permissions.
GROUPS: dict[str, list[str]] = {
    ORGANISERS_GROUP: ORGANISER_PERMISSIONS,
    VISA_LETTERS_GROUP: VISA_LETTERS_PERMISSIONS,
}


def is_organiser(user, permission: str) -> bool:
    """An active staff member holding ``permission``: the permission alone is not
    enough, it may have been given to someone who is not (or no longer) staff."""
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm(permission)
    )


def organiser_required(permission: str) -> Callable:
    """The one check of every organiser page outside the admin: anonymous people are
    sent to the login page, anyone else who is not ``is_organiser`` gets 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not is_organiser(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def sync_organiser_group(using: str = "default") -> list[str]:
    """Create the organisers' groups ("Organisers", "Visa letters"), or update them, so
    that each holds exactly its permissions in ``GROUPS``. Returns the permissions that
    do not exist (yet): during ``migrate`` an app's permissions appear only after its own
    migrations, so this runs after every app and the last run sees them all. Safe to
    repeat."""
    missing: list[str] = []
    for name, permissions in GROUPS.items():
        missing += _sync_group(name, permissions, using)
    return sorted(set(missing))


def _sync_group(name: str, permissions: list[str], using: str) -> list[str]:
    group, _created = Group.objects.using(using).get_or_create(name=name)
    wanted = {tuple(permission.split(".", 1)) for permission in permissions}
    condition = Q(pk__in=[])
    for app_label, codename in wanted:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(
        Permission.objects.using(using)
        .filter(condition)
        .values_list("pk", "content_type__app_label", "codename")
    )
    group.permissions.set([pk for pk, _app, _code in found])
    missing = sorted(f"{a}.{c}" for a, c in wanted - {(a, c) for _pk, a, c in found})
    return missing


def sync_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: keep the group in step with the code after every migrate."""
    missing = sync_organiser_group(using=using)
    if missing and sender.label == _last_app_label():
        logger.warning("Organiser permissions that do not exist: %s", ", ".join(missing))


def _last_app_label() -> str:
    from django.apps import apps

    return list(apps.get_app_configs())[-1].label
