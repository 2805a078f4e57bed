"""Who may reach what: every URL the project routes, as five kinds of visitor, against
one table of expected answers.

The URLs are found by walking the resolver (allauth's and the admin's included), so a
page added later fails here, named, until someone writes down who may see it. The
admin's pages are generated per model: they are listed once per model, with what an
organiser may do there, and that is checked against the Organisers group.

Every request runs in a savepoint that is rolled back, so that no request (a sign-out,
a deletion, a cancellation) changes what the next one sees; the objects are built once.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone

from agenda.models import CalendarFeed, Feedback, Material, Star, Visibility
from declarations.models import Attachment, Submission
from documents.models import BadgePrint, CertificateDesign, Document, VisaAccessLog
from documents.visa import services as visa_services
from gmc import audit
from gmc.models import Edition, OutboxMessage, Publication, User
from gmc.permissions import ORGANISER_PERMISSIONS, ORGANISERS_GROUP, sync_organiser_group
from mailings import preferences
from mailings.models import Broadcast, EmailOptOut, EmailTemplate, ReminderRule
from registration.models import Registration
from tests.agenda.factories import RoomFactory, SessionFactory, SessionSpeakerFactory
from tests.declarations.factories import SubmissionFactory, TagFactory, call_with_topics
from tests.factories import (
    AllianceMemberFactory,
    EditionFactory,
    NewsArticleFactory,
    PublicationFactory,
    UserFactory,
)
from tests.registration.factories import QuestionFactory, RegistrationFactory

ROLES = ("anonymous", "attendee", "other", "organiser", "superuser")

# --- What an answer may be ------------------------------------------------------------------

LOGIN = "login"  # a redirect to the account sign-in page (/accounts/login/?next=...)
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's sign-in page


def to(name: str) -> str:
    """A redirect to the URL named ``name`` (other than the sign-in pages)."""
    return f"-> {name}"


# Rows used often: (anonymous, attendee, other attendee, organiser, superuser).
PUBLIC = (200, 200, 200, 200, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200)
ORGANISERS = (LOGIN, 403, 403, 200, 200)
STAFF = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200)
NOWHERE = (404, 404, 404, 404, 404)
POST_ONLY = (405, 405, 405, 405, 405)
SIGNED_IN_POST_ONLY = (LOGIN, 405, 405, 405, 405)
# A page that sends everyone signed in to confirm their password first.
REAUTHENTICATE = (LOGIN, *[to("account_reauthenticate")] * 4)
# allauth's pages for someone signed out, which send the signed-in home instead.
SIGNED_OUT = (200, *[to("home")] * 4)

# --- The table ----------------------------------------------------------------------------
#
# Key: the URL's name (namespace:name), or its route when it has none; "name@variant" for
# a second set of arguments. Values: (anonymous, attendee, other, organiser, superuser).
# "attendee" is registered for the current edition and owns every object in the URLs;
# "other" is registered too and owns none of them. GET everywhere; POST_ONLY rows are also
# POSTed by the roles that must be refused (REFUSED_POSTS, below).

TABLE: dict[str, tuple] = {
    # The public site.
    "home": PUBLIC,
    "about": PUBLIC,
    "alliance": PUBLIC,
    "editions": PUBLIC,
    "edition_detail": PUBLIC,
    "edition_detail@unpublished": (404, 404, 404, 200, 200),  # organisers preview
    "publications": PUBLIC,
    "publication_download": PUBLIC,
    "news": PUBLIC,
    "news_detail": PUBLIC,
    "news_detail@draft": (404, 404, 404, 200, 200),  # organisers preview
    "contact": PUBLIC,
    "privacy": PUBLIC,
    "code_of_conduct": PUBLIC,
    "robots_txt": PUBLIC,
    "sitemap": PUBLIC,
    "healthz": PUBLIC,
    "set_language": (to("home"),) * 5,  # GET changes nothing and goes back
    # A language link: keeps the choice in a cookie and opens the page in it.
    "choose_language": (to("home"),) * 5,
    # Email preferences: the signed token in the address is the key (RFC 8058 one-click
    # unsubscribe, no cookies); GET only asks for confirmation.
    "mailings:unsubscribe": PUBLIC,
    "mailings:preferences": SIGNED_IN,
    # Organisers' messages to participants (the message is a draft).
    "mailings:message_list": ORGANISERS,
    "mailings:message_new": ORGANISERS,
    "mailings:message_detail": ORGANISERS,
    "mailings:message_edit": ORGANISERS,
    "mailings:message_preview": ORGANISERS,
    "mailings:message_progress": (
        LOGIN,
        403,
        403,
        to("mailings:message_detail"),
        to("mailings:message_detail"),
    ),
    "mailings:message_send_test": POST_ONLY,
    "mailings:message_send": POST_ONLY,
    # Registration: the person's own, addressed by year (so "other" reaches their own).
    "registration:register": (LOGIN, *[to("registration:mine")] * 2, 200, 200),
    "registration:register_year": (LOGIN, *[to("registration:mine")] * 2, 200, 200),
    "registration:mine": SIGNED_IN,
    "registration:edit": (LOGIN, 200, 200, 404, 404),
    "registration:cancel": (LOGIN, 200, 200, 404, 404),
    "registration:resend": POST_ONLY,
    "registration:ics": (LOGIN, 200, 200, 404, 404),
    # The ticket, addressed by its code: its owner and organisers; nobody else learns
    # that it exists.
    "registration:ticket": (LOGIN, 200, 404, 200, 200),
    "registration:checkin": ORGANISERS,
    "registration:checkin_mark": POST_ONLY,
    "registration:stats": ORGANISERS,
    # Name badges: organisers who check people in (a badge's QR code opens the check-in).
    "documents:badges": ORGANISERS,
    "documents:badge_print": ORGANISERS,
    "documents:badge_print_retry": POST_ONLY,
    "documents:badge_print_download": ORGANISERS,
    "documents:registration_badge": ORGANISERS,
    # The programme.
    "agenda:index": PUBLIC,
    "agenda:current_ics": PUBLIC,
    "agenda:mine": SIGNED_IN,
    "agenda:feed_reset": SIGNED_IN_POST_ONLY,
    # The private feed: the token is the only key (calendar apps send no cookies).
    "agenda:feed": PUBLIC,
    "agenda:edition": PUBLIC,
    "agenda:edition_ics": PUBLIC,
    "agenda:session": PUBLIC,
    "agenda:session_ics": PUBLIC,
    "agenda:star": POST_ONLY,
    "agenda:unstar": POST_ONLY,
    "agenda:feedback": POST_ONLY,
    # A session's material file: anyone's when public; else registered people's and
    # organisers' (a signed-in person registered for no edition would get 403).
    "agenda:material": PUBLIC,
    "agenda:material@registered": (LOGIN, 200, 200, 200, 200),
    "agenda:speakers": PUBLIC,
    "agenda:speaker": PUBLIC,
    # Declaration input: the call's page is public; the form shows to participants.
    "declarations:submit": PUBLIC,
    "declarations:submit_year": PUBLIC,
    "declarations:good_practices": PUBLIC,
    # An attachment: its owner and organisers; a 404 for anyone else.
    "declarations:attachment": (LOGIN, 200, 404, 200, 200),
    "declarations:attachment_remove": SIGNED_IN_POST_ONLY,
    "declarations:review": ORGANISERS,
    "declarations:compilation": ORGANISERS,
    "declarations:publish": ORGANISERS,
    "declarations:export": ORGANISERS,
    # Documents: one's own, addressed by year and kind (nobody learns of another's); the
    # public verification page, addressed by the document's secret code.
    "documents:download": (LOGIN, 200, 404, 404, 404),
    "documents:verify": PUBLIC,
    # A visa invitation letter request: the person's own in-person registration, by year
    # (organisers, not registered, have none to ask for).
    "documents:visa_request": (LOGIN, 200, 200, 404, 404),
    # The visa requests' export and letters carry passport details: the "Visa letters"
    # group only (a superuser holds every permission; an organiser does not).
    "admin:documents_visarequest_export": (*(ADMIN_LOGIN,) * 3, 403, 200),
    "admin:documents_visarequest_letter": (*(ADMIN_LOGIN,) * 3, 403, 404),  # no letter yet
    # The person's own account pages.
    "accounts:profile": SIGNED_IN,
    "accounts:data": SIGNED_IN,
    "accounts:download": SIGNED_IN,
    "accounts:delete": SIGNED_IN_POST_ONLY,
    # allauth.
    "account_login": SIGNED_OUT,
    "account_logout": (to("home"), 200, 200, 200, 200),  # GET asks; only POST signs out
    "account_inactive": PUBLIC,
    "account_signup": SIGNED_OUT,
    "account_reauthenticate": SIGNED_IN,
    # Codes are for accounts that sign in by code; these go back to the password.
    "account_request_reauthentication_code": REAUTHENTICATE,
    "account_confirm_reauthentication_code": (
        LOGIN,
        *[to("account_request_reauthentication_code")] * 4,
    ),
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": (LOGIN, *[to("account_change_password")] * 4),
    "account_reset_password": PUBLIC,
    # No code was asked for.
    "account_confirm_login_code": (to("account_request_login_code"), *[to("home")] * 4),
    "account_confirm_email": PUBLIC,  # the attendee's key; GET only shows the button
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": (to("account_reset_password_from_key"),) * 5,
    "account_reset_password_done": PUBLIC,
    "account_request_login_code": SIGNED_OUT,
    # The admin's own pages (its model pages: ADMIN_MODELS below).
    "admin:index": STAFF,
    # Today the admin keeps a sign-in page of its own, which sends staff to the index.
    # The admin's own sign-in is never reached: /admin/login/ is "admin_login" below.
    "admin:login": (LOGIN, 403, 403, to("admin:index"), to("admin:index")),
    "admin_login": (LOGIN, 403, 403, to("admin:index"), to("admin:index")),
    "admin:logout": (to("admin:index"), to("admin:index"), to("admin:index"), 405, 405),
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    "admin:autocomplete": STAFF,  # ReminderRule's edition field: organisers see editions
    "admin:jsi18n": STAFF,
    "admin:view_on_site": (
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        to("edition_detail"),
        to("edition_detail"),
    ),
    "admin:app_list": STAFF,  # gmc
    "admin:app_list@auth": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404, 200),
    "admin:registration_registration_export": STAFF,
    # The sample certificate an organiser sees before issuing (nothing is issued).
    "admin:documents_attendedregistration_sample": STAFF,
    "admin:registration_registration_badges": STAFF,
    # Session feedback: the summaries (naming nobody) and the export of the list.
    "admin:agenda_feedback_summary": STAFF,
    "admin:agenda_feedback_summary_export": STAFF,
    "admin:agenda_feedback_session": STAFF,
    "admin:agenda_feedback_export": STAFF,
    # An organiser-edited email, with sample data, in its own frame.
    "admin:mailings_emailtemplate_preview": STAFF,
    "admin:auth_user_password_change": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200),
    "admin/(?P<url>.*)$": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404, 404),
    # The development mail sink: only with the file backend in development (DEBUG), so
    # nowhere under test settings.
    "mail_sink": NOWHERE,
    "mail_sink_message": NOWHERE,
    "mail_sink_message_html": NOWHERE,
    # A person's own signed-in sessions (allauth.usersessions).
    "usersessions_list": SIGNED_IN,
}

# The admin's model pages. For each registered model: what an organiser may do there and
# what a superuser may do (the model's admin refuses some things to everyone: nobody adds
# an outbox message or deletes a registration). v = view, a = add, c = change, d = delete.
# test_admin_model_rows_follow_the_organisers_group checks the organiser's column against
# gmc.permissions.ORGANISER_PERMISSIONS and both columns against the ModelAdmins.
ADMIN_MODELS: dict[str, tuple[str, str]] = {
    #  model                         organiser  superuser
    "auth.group": ("", "vacd"),
    "sites.site": ("", "vacd"),
    "account.emailaddress": ("", "vacd"),
    "usersessions.usersession": ("", "vacd"),
    "gmc.user": ("v", "vacd"),
    "gmc.outboxmessage": ("vc", "vc"),
    "gmc.edition": ("vac", "vacd"),
    "gmc.organisation": ("vacd", "vacd"),
    "gmc.alliancemember": ("vacd", "vacd"),
    "gmc.publication": ("vacd", "vacd"),
    "gmc.newsarticle": ("vacd", "vacd"),
    "mailings.reminderrule": ("vacd", "vacd"),
    "mailings.emailoptout": ("v", "vacd"),
    "mailings.broadcast": ("vac", "vacd"),
    "mailings.emailtemplate": ("vacd", "vacd"),
    # The audit log is written by the actions themselves: read-only for everyone.
    "gmc.auditentry": ("v", "v"),
    "registration.question": ("vacd", "vacd"),
    "registration.registration": ("vac", "vac"),
    "agenda.room": ("vacd", "vacd"),
    "agenda.speaker": ("vacd", "vacd"),
    "agenda.session": ("vacd", "vacd"),
    # Attendees' words: read by organisers, deleted only by superusers, changed by nobody.
    "agenda.feedback": ("v", "vd"),
    "declarations.call": ("vac", "vacd"),
    "declarations.tag": ("vacd", "vacd"),
    "declarations.submission": ("vc", "vc"),
    # Issued by the registrations' actions and revoked, never added or deleted by hand.
    "documents.document": ("vc", "vc"),
    "documents.certificatedesign": ("vacd", "vacd"),
    # The people who attended, listed to issue their certificates: the list and its
    # action only (registrations are changed on their own page).
    "documents.attendedregistration": ("vc", "vc"),
    # The queue of visa letter requests: organisers read it (without passport details);
    # nobody adds (the person asks) or deletes (erased instead). Changing and deciding is
    # for the "Visa letters" group.
    "documents.visarequest": ("v", "vc"),
    # Who saw the passport details: readable by the "Visa letters" group, written only by
    # the acts themselves.
    "documents.visaaccesslog": ("", "v"),
}

# Where a model's admin answers other than its letters say.
ADMIN_OVERRIDES: dict[str, tuple] = {
    # Messages are written on the organisers' message pages.
    "admin:mailings_broadcast_add": (
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        ADMIN_LOGIN,
        to("mailings:message_new"),
        to("mailings:message_new"),
    ),
}


def admin_outcome(page: str, may: str) -> int | str:
    """What a staff member allowed ``may`` gets on a model's admin ``page``."""
    needed = {"changelist": "v", "history": "v", "change": "v", "add": "a", "delete": "d"}
    return 200 if needed[page] in may else 403


# The admin pages of one object, and the model they show.
ADMIN_OBJECT_PAGES: dict[str, str] = {}


def admin_rows() -> dict[str, tuple]:
    rows = {}
    for label, (organiser, superuser) in ADMIN_MODELS.items():
        app, model = label.split(".")
        for page in ("changelist", "add", "change", "delete", "history"):
            key = f"admin:{app}_{model}_{page}"
            rows[key] = ADMIN_OVERRIDES.get(
                key,
                (
                    ADMIN_LOGIN,
                    ADMIN_LOGIN,
                    ADMIN_LOGIN,
                    admin_outcome(page, organiser),
                    admin_outcome(page, superuser),
                ),
            )
        # /admin/<app>/<model>/<id>/ sends staff on to the change page.
        change = to(f"admin:{app}_{model}_change")
        rows[f"admin/{app}/{model}/<path:object_id>/"] = (*(ADMIN_LOGIN,) * 3, change, change)
        for page in ("change", "delete", "history"):
            ADMIN_OBJECT_PAGES[f"admin:{app}_{model}_{page}"] = label
        ADMIN_OBJECT_PAGES[f"admin/{app}/{model}/<path:object_id>/"] = label
    return rows


ADMIN_ROWS = admin_rows()


# --- POSTs that must be refused ---------------------------------------------------------------
#
# Every page that takes a POST from some roles, POSTed by the roles that must not change
# anything there: the answer, and a reading of the state that must stay as it was. Every
# row of TABLE with a 405 (a POST-only page) has an entry here.


@dataclass
class Refusal:
    refused: dict[str, int | str]  # role: the answer to its POST
    state: Callable[[World], object]  # read before and after; must not change
    data: dict | None = None


def _registration(w: World) -> tuple:
    r = Registration.objects.get(pk=w.objects["registration"].pk)
    return r.status, r.checked_in_at, r.attendance


def _messages_sent(w: World) -> tuple:
    b = Broadcast.objects.get(pk=w.objects["broadcast"].pk)
    return b.status, b.tests_sent, b.subject, OutboxMessage.objects.count()


def _attachments(w: World) -> list:
    return list(Attachment.objects.values_list("pk", flat=True))


SENDING = {"confirm": "on", "subject": "Changed", "body": "Changed"}

REFUSED_POSTS: dict[str, Refusal] = {
    "mailings:message_send_test": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403}, _messages_sent
    ),
    "mailings:message_send": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403}, _messages_sent, SENDING
    ),
    "mailings:message_edit": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403}, _messages_sent, SENDING
    ),
    "mailings:message_new": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403},
        lambda w: Broadcast.objects.count(),
        {"subject": "New", "body": "New", "edition": "1"},
    ),
    "registration:resend": Refusal({"anonymous": LOGIN}, lambda w: OutboxMessage.objects.count()),
    "registration:cancel": Refusal(
        {"anonymous": LOGIN, "organiser": 404, "superuser": 404}, _registration, {"confirm": "on"}
    ),
    "registration:edit": Refusal(
        {"anonymous": LOGIN, "organiser": 404, "superuser": 404},
        _registration,
        {"attendance": "online", "consent": "on"},
    ),
    "registration:checkin_mark": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403}, _registration
    ),
    "documents:badge_print_retry": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403},
        lambda w: list(BadgePrint.objects.values_list("status", "error")),
    ),
    "documents:badges": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403},
        lambda w: BadgePrint.objects.count(),
        {"edition": "0", "selection": "edition", "paper": "a4"},
    ),
    "agenda:star": Refusal({"anonymous": LOGIN}, lambda w: Star.objects.count()),
    "agenda:unstar": Refusal({"anonymous": LOGIN}, lambda w: Star.objects.count()),
    # The session has not ended: nobody's rating is taken yet, and organisers who did not
    # register never rate.
    "agenda:feedback": Refusal(
        {"anonymous": LOGIN, "attendee": 200, "organiser": 200, "superuser": 200},
        lambda w: list(Feedback.objects.values_list("pk", "rating")),
        {"rating": "1", "comment": "Changed"},
    ),
    "agenda:feed_reset": Refusal(
        {"anonymous": LOGIN},
        lambda w: list(CalendarFeed.objects.values_list("token", flat=True)),
    ),
    # Only its owner removes an attachment, organisers included.
    "declarations:attachment_remove": Refusal(
        {"anonymous": LOGIN, "other": 404, "organiser": 404, "superuser": 404}, _attachments
    ),
    "declarations:submit_year": Refusal(
        {"anonymous": LOGIN, "organiser": 403, "superuser": 403},
        lambda w: list(Submission.objects.values_list("pk", "status")),
        {"action": "submit", "quote_consent": "none"},
    ),
    "declarations:publish": Refusal(
        {"anonymous": LOGIN, "attendee": 403, "other": 403},
        lambda w: Publication.objects.count(),
        {"title": "Declaration", "text": "Text", "published_on": "2026-01-01"},
    ),
    "accounts:delete": Refusal(
        {"anonymous": LOGIN}, lambda w: User.objects.count(), {"confirm": "on"}
    ),
    "mailings:preferences": Refusal(
        {"anonymous": LOGIN}, lambda w: EmailOptOut.objects.count(), {"accepted": []}
    ),
    # The admin: nobody without the permission changes a row, whatever they POST.
    "admin:gmc_edition_change": Refusal(
        {role: ADMIN_LOGIN for role in ("anonymous", "attendee", "other")},
        lambda w: Edition.objects.values_list("title", flat=True).get(pk=w.objects["edition"].pk),
        {"title": "Taken over"},
    ),
    "admin:gmc_user_change": Refusal(
        {"anonymous": ADMIN_LOGIN, "attendee": ADMIN_LOGIN, "organiser": 403},
        lambda w: User.objects.filter(is_superuser=True).count(),
        {"email": "x@example.org", "is_superuser": "on", "is_staff": "on"},
    ),
    "admin:gmc_user_delete": Refusal(
        {"attendee": ADMIN_LOGIN, "organiser": 403},
        lambda w: User.objects.count(),
        {"post": "yes"},
    ),
    "admin:auth_group_change": Refusal(
        {"attendee": ADMIN_LOGIN, "organiser": 403},
        lambda w: list(Group.objects.values_list("permissions", flat=True)),
        {"name": "Organisers", "permissions": []},
    ),
    "admin:auth_user_password_change": Refusal(
        {"attendee": ADMIN_LOGIN, "organiser": 403},
        lambda w: User.objects.get(pk=w.attendee.pk).password,
        {"password1": "a new secret 123", "password2": "a new secret 123"},
    ),
    "admin:registration_registration_delete": Refusal(
        {"organiser": 403, "superuser": 403},
        lambda w: Registration.objects.count(),
        {"post": "yes"},
    ),
    "admin:gmc_outboxmessage_delete": Refusal(
        {"organiser": 403, "superuser": 403},
        lambda w: OutboxMessage.objects.count(),
        {"post": "yes"},
    ),
}


# --- The objects the URLs point at -----------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    attendee: User
    other: User
    organiser: User
    superuser: User
    objects: dict


@pytest.fixture
def world(db, private_storage) -> World:
    sync_organiser_group()
    edition = EditionFactory(is_current=True)
    unpublished = EditionFactory(is_published=False)
    attendee = UserFactory()
    other = UserFactory()
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    superuser = UserFactory(is_staff=True, is_superuser=True)
    address = EmailAddress.objects.create(
        user=attendee, email=attendee.email, verified=False, primary=True
    )
    registration = RegistrationFactory(edition=edition, attendee=attendee)
    RegistrationFactory(edition=edition, attendee=other)
    call = call_with_topics(edition=edition)
    submission = SubmissionFactory(call=call, contributor=attendee)
    attachment = Attachment.objects.create(
        submission=submission,
        file=default_storage.save("declarations/report.pdf", ContentFile(PDF)),
        original_name="report.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    publication = PublicationFactory(
        edition=edition, file=default_storage.save("publications/report.pdf", ContentFile(PDF))
    )
    session = SessionFactory(edition=edition, room=RoomFactory(edition=edition))
    speaker = SessionSpeakerFactory(session=session).speaker
    Star.objects.create(user=attendee, session=session)
    feedback = Feedback.objects.create(session=session, author=other, rating=4)
    materials = {
        visibility: Material.objects.create(
            session=session,
            title=f"Slides ({visibility})",
            file=default_storage.save(f"materials/{visibility}.pdf", ContentFile(PDF)),
            visibility=visibility,
        )
        for visibility in Visibility.values
    }
    feed = CalendarFeed.objects.create(user=attendee)
    visa_request = visa_services.request_letter(
        registration.pk,
        by=attendee,
        details=visa_services.Details(
            passport_name="SAMPLE PERSON",
            nationality="KE",
            passport_number="SAMPLE0001",
            date_of_birth=datetime.date(1980, 1, 2),
            purpose="To attend the conference.",
        ),
    )
    certificate = Document.objects.create(
        kind="certificate",
        registration=registration,
        edition=edition,
        number="GMC-TEST-C-00001",
        stated_name=attendee.display_name,
        file=default_storage.save("documents/certificate.pdf", ContentFile(PDF)),
        generated_at=datetime.datetime.now(datetime.UTC),
    )
    broadcast = Broadcast.objects.create(
        edition=edition, subject="Programme", body="It is online.", created_by=organiser
    )
    badge_print = BadgePrint.objects.create(
        edition=edition,
        selection=BadgePrint.Selection.EDITION,
        registration_ids=[registration.pk],
        paper="a4",
        status=BadgePrint.Status.READY,
        file=default_storage.save("badges/badges.pdf", ContentFile(PDF)),
    )
    failed_badge_print = BadgePrint.objects.create(
        edition=edition,
        selection=BadgePrint.Selection.EDITION,
        registration_ids=[registration.pk],
        paper="a4",
        status=BadgePrint.Status.FAILED,
        error="The worker stopped.",
    )
    objects = {
        "edition": edition,
        "unpublished": unpublished,
        "registration": registration,
        "call": call,
        "submission": submission,
        "attachment": attachment,
        "publication": publication,
        "article": NewsArticleFactory(edition=edition),
        "draft": NewsArticleFactory(edition=edition, status="draft"),
        "session": session,
        "speaker": speaker,
        "materials": materials,
        "feed": feed,
        "broadcast": broadcast,
        "certificate": certificate,
        "badge_print": badge_print,
        "failed_badge_print": failed_badge_print,
        "address": address,
        # One row of every model the admin shows, so that its object pages are reached.
        "admin": {
            "gmc.user": attendee,
            "gmc.edition": edition,
            "mailings.broadcast": broadcast,
            "gmc.publication": publication,
            "gmc.alliancemember": AllianceMemberFactory(),
            "gmc.outboxmessage": OutboxMessage.objects.create(
                key="authorisation-test",
                kind="registration.confirmed",
                template="registration_confirmed",
                to_email=attendee.email,
                recipient=attendee,
            ),
            "mailings.reminderrule": ReminderRule.objects.create(
                edition=edition,
                name="A week before",
                event=ReminderRule.Event.REGISTRATION_CLOSES,
                offset=datetime.timedelta(days=7),
                audience=ReminderRule.Audience.REGISTERED,
            ),
            "mailings.emailoptout": EmailOptOut.objects.create(
                user=attendee, category="reminders"
            ),
            "gmc.auditentry": audit.record(
                organiser, "registration.updated", registration, changes={"x": (1, 2)}
            ),
            "mailings.emailtemplate": EmailTemplate.objects.create(
                kind="registration.confirmed", language="en", subject="Hello", text="Hello"
            ),
            "registration.question": QuestionFactory(edition=edition),
            "registration.registration": registration,
            "agenda.session": session,
            "agenda.speaker": speaker,
            "agenda.feedback": feedback,
            "declarations.call": call,
            "declarations.tag": TagFactory(),
            "declarations.submission": submission,
            "documents.document": certificate,
            "documents.certificatedesign": CertificateDesign.objects.create(edition=edition),
            "documents.visarequest": visa_request,
            "documents.visaaccesslog": VisaAccessLog.objects.get(request=visa_request),
            "documents.attendedregistration": RegistrationFactory(
                edition=unpublished, attendee=UserFactory(), checked_in_at=timezone.now()
            ),
            "account.emailaddress": address,
            "usersessions.usersession": UserSession.objects.create(
                user=attendee, session_key="authorisation-test", ip="127.0.0.1"
            ),
            "auth.group": Group.objects.get(name=ORGANISERS_GROUP),
        },
    }
    return World(attendee, other, organiser, superuser, objects)


def arguments(key: str, w: World) -> dict:
    """The URL arguments of a table key, from the world's objects (the attendee's)."""
    o = w.objects
    year = o["edition"].year
    reset_key = default_token_generator.make_token(w.attendee)
    explicit: dict[str, Callable[[], dict]] = {
        "edition_detail@unpublished": lambda: {"year": o["unpublished"].year},
        "publication_download": lambda: {"slug": o["publication"].slug},
        "news_detail": lambda: {"slug": o["article"].slug},
        "choose_language": lambda: {"code": "en"},
        "news_detail@draft": lambda: {"slug": o["draft"].slug},
        "mailings:unsubscribe": lambda: {
            "token": preferences.make_token(w.attendee.pk, "reminders")
        },
        "registration:ticket": lambda: {"code": o["registration"].ticket_code},
        "registration:checkin_mark": lambda: {"pk": o["registration"].pk},
        "documents:badge_print": lambda: {"pk": o["badge_print"].pk},
        "documents:badge_print_retry": lambda: {"pk": o["failed_badge_print"].pk},
        "documents:badge_print_download": lambda: {"pk": o["badge_print"].pk},
        "documents:registration_badge": lambda: {"pk": o["registration"].pk},
        "agenda:feed": lambda: {"token": o["feed"].token},
        "agenda:session": lambda: {"slug": o["session"].slug},
        "agenda:session_ics": lambda: {"slug": o["session"].slug},
        "agenda:star": lambda: {"slug": o["session"].slug},
        "agenda:unstar": lambda: {"slug": o["session"].slug},
        "agenda:feedback": lambda: {"slug": o["session"].slug},
        "agenda:material": lambda: {"pk": o["materials"]["public"].pk},
        "agenda:material@registered": lambda: {"pk": o["materials"]["registered"].pk},
        "admin:agenda_feedback_summary_export": lambda: {"by": "session"},
        "admin:agenda_feedback_session": lambda: {"session_id": o["session"].pk},
        "agenda:speaker": lambda: {"slug": o["speaker"].slug},
        "declarations:attachment": lambda: {"pk": o["attachment"].pk},
        "declarations:attachment_remove": lambda: {"pk": o["attachment"].pk},
        "declarations:export": lambda: {"year": year, "fmt": "csv"},
        "documents:download": lambda: {"year": year, "kind": "certificate"},
        "documents:verify": lambda: {"code": o["certificate"].code},
        "admin:documents_visarequest_letter": lambda: {
            "pk": o["admin"]["documents.visarequest"].pk
        },
        "account_confirm_email": lambda: {"key": EmailConfirmationHMAC(o["address"]).key},
        "account_reset_password_from_key": lambda: {
            "uidb36": user_pk_to_url_str(w.attendee),
            "key": reset_key,
        },
        "admin:view_on_site": lambda: {
            "content_type_id": ContentType.objects.get_for_model(o["edition"]).pk,
            "object_id": o["edition"].pk,
        },
        "admin:app_list": lambda: {"app_label": "gmc"},
        "admin:app_list@auth": lambda: {"app_label": "auth"},
        "admin:registration_registration_export": lambda: {"fmt": "csv"},
        "admin:documents_attendedregistration_sample": lambda: {
            "pk": o["admin"]["documents.attendedregistration"].pk
        },
        "admin:auth_user_password_change": lambda: {"id": w.attendee.pk},
        "admin/(?P<url>.*)$": lambda: {"url": "no-such-page/"},
        "mail_sink_message": lambda: {"name": "sent.log", "index": 0},
        "mail_sink_message_html": lambda: {"name": "sent.log", "index": 0},
        "admin:mailings_emailtemplate_preview": lambda: {
            "object_id": o["admin"]["mailings.emailtemplate"].pk
        },
    }
    if key in explicit:
        return explicit[key]()
    name = key.split("@")[0]
    if name.startswith("mailings:message_") and name not in {
        "mailings:message_list",
        "mailings:message_new",
    }:
        return {"pk": o["broadcast"].pk}
    label = ADMIN_OBJECT_PAGES.get(name)
    if label is not None:
        return {"object_id": o["admin"].get(label, first_row(label)).pk}
    if "<int:year>" in route_of(name):
        return {"year": year}
    return {}


def first_row(label: str):
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    return model.objects.order_by("pk").first()


# --- Walking the resolver ---------------------------------------------------------------------

ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
REGEX_PARAMETER = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    """(key, route) of every leaf pattern: its full name, or its route when unnamed."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


ROUTES: dict[str, str] = {}


def route_of(name: str) -> str:
    if not ROUTES:
        ROUTES.update(walk(get_resolver()))
    return ROUTES[name]


# Query strings a page needs to answer at all.
QUERIES = {"admin:autocomplete": "?app_label=mailings&model_name=reminderrule&field_name=edition"}


def url_of(key: str, w: World) -> str:
    name = key.split("@")[0]
    kwargs = arguments(key, w)
    if "/" not in name:
        return reverse(name, kwargs=kwargs or None) + QUERIES.get(key, "")
    # An unnamed pattern (its key is its route): put the arguments in the route.
    path = ROUTE_PARAMETER.sub(lambda m: str(kwargs[m["name"]]), name)
    path = REGEX_PARAMETER.sub(lambda m: str(kwargs[m["name"]]), path)
    return "/" + path.replace("^", "").replace("$", "")


# --- Asking -------------------------------------------------------------------------------


def outcome(response) -> int | str:
    """The answer as the table writes it."""
    if response.status_code not in {301, 302, 303, 307, 308}:
        return response.status_code
    location = response["Location"]
    parts = urlsplit(location)
    if parts.netloc not in {"", "testserver", urlsplit(settings.SITE_URL).netloc}:
        return f"-> off-site {location}"
    if parts.path == reverse("account_login"):
        return LOGIN
    if parts.path == reverse("admin:login"):
        return ADMIN_LOGIN
    try:
        return to(resolve(parts.path).view_name)
    except Resolver404:
        return f"-> {parts.path}"


def clients(w: World) -> dict[str, Client]:
    found = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(getattr(w, role))
        found[role] = client
    return found


def ask(client: Client, method: str, url: str, data=None, state: Callable | None = None):
    """One request in a savepoint that is rolled back; (outcome, state before, after)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        before = state() if state else None
        response = getattr(client, method)(url, data=data or {})
        after = state() if state else None
        transaction.set_rollback(True)
    client.cookies = cookies
    return outcome(response), before, after


def expected_table() -> dict[str, tuple]:
    return {**TABLE, **ADMIN_ROWS}


def show(row) -> str:
    return ", ".join(f"{role}={value}" for role, value in zip(ROLES, row, strict=True))


# --- The tests ------------------------------------------------------------------------------


def test_every_url_answers_each_role_as_the_table_says(world):
    table = expected_table()
    routed = dict(walk(get_resolver()))
    visitors = clients(world)
    problems = []
    for key in routed:
        if key.startswith("static/"):
            continue
        if key not in table:
            url = url_of(key, world)
            today = [ask(visitors[role], "get", url)[0] for role in ROLES]
            problems.append(f"{key} ({url}) has no entry in TABLE; today: {show(today)}")
    for key, row in table.items():
        if key.split("@")[0] not in routed:
            problems.append(f"{key} is in the table but no URL has that name any more")
            continue
        url = url_of(key, world)
        got = tuple(ask(visitors[role], "get", url)[0] for role in ROLES)
        if got != row:
            wrong = [
                f"{role}: expected {want}, got {have}"
                for role, want, have in zip(ROLES, row, got, strict=True)
                if want != have
            ]
            problems.append(f"GET {url} [{key}] " + "; ".join(wrong))
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems)


# POST-only pages that anyone may POST to.
NOTHING_TO_REFUSE = {"admin:logout": "signing oneself out"}


def test_posts_by_those_refused_change_nothing(world):
    visitors = clients(world)
    problems = []
    post_only = [key for key, row in expected_table().items() if 405 in row]
    for key in post_only:
        if key not in REFUSED_POSTS and key not in NOTHING_TO_REFUSE:
            problems.append(f"{key} takes only POST but has no entry in REFUSED_POSTS")
    for key, refusal in REFUSED_POSTS.items():
        url = url_of(key, world)
        for role, expected in refusal.refused.items():
            got, before, after = ask(
                visitors[role], "post", url, refusal.data, partial(refusal.state, world)
            )
            if got != expected:
                problems.append(f"POST {url} [{key}] as {role}: expected {expected}, got {got}")
            if before != after:
                problems.append(f"POST {url} [{key}] as {role} changed {before!r} to {after!r}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def letters(model_admin, user: User) -> str:
    """What ``user`` may do in a model's admin: v, a, c, d."""
    request = RequestFactory().get("/admin/")
    request.user = user
    checks = {
        "v": model_admin.has_view_permission,
        "a": model_admin.has_add_permission,
        "c": model_admin.has_change_permission,
        "d": model_admin.has_delete_permission,
    }
    return "".join(letter for letter, check in checks.items() if check(request))


def test_admin_model_rows_follow_the_organisers_group(world):
    problems = []
    registered = {model._meta.label_lower: ma for model, ma in admin.site._registry.items()}
    for label in sorted(set(registered) - set(ADMIN_MODELS)):
        problems.append(f"{label} is in the admin but not in ADMIN_MODELS")
    for label in sorted(set(ADMIN_MODELS) - set(registered)):
        problems.append(f"{label} is in ADMIN_MODELS but not in the admin")
    for label, (organiser, superuser) in ADMIN_MODELS.items():
        if label not in registered:
            continue
        model_admin = registered[label]
        # From the group's list: the model's permissions, within what its admin allows
        # anyone; change implies view, as in Django's admin.
        app, name = label.split(".")
        granted = {
            letter
            for letter, action in zip("vacd", ("view", "add", "change", "delete"), strict=True)
            if f"{app}.{action}_{name}" in ORGANISER_PERMISSIONS and letter in superuser
        }
        if "c" in granted:
            granted.add("v")
        derived = "".join(letter for letter in "vacd" if letter in granted)
        for source, found in (
            ("ORGANISER_PERMISSIONS", derived),
            ("the ModelAdmin, for the organiser", letters(model_admin, world.organiser)),
        ):
            if found != organiser:
                problems.append(
                    f"{label}: ADMIN_MODELS says organiser={organiser!r}, {source} {found!r}"
                )
        found = letters(model_admin, world.superuser)
        if found != superuser:
            problems.append(
                f"{label}: ADMIN_MODELS says superuser={superuser!r}, the ModelAdmin {found!r}"
            )
    assert not problems, "\n".join(problems)


def test_organisers_do_not_read_the_secrets_of_unsent_account_emails(world):
    """A sign-in code or password-reset link waits in the outbox until it is sent (or for
    ever, when sending failed). An organiser who read it could sign in as anyone, a
    superuser included; they see that it is there, not what it says."""
    secret = "https://gmc.example.org/accounts/password/reset/key/2f-SECRETKEY/"
    message = OutboxMessage.objects.create(
        key="reset-for-the-superuser",
        kind="account.password_reset_key",
        template="account/password_reset_key",
        to_email=world.superuser.email,
        recipient=world.superuser,
        context={"password_reset_url": secret, "code": "SECRETCODE"},
        sensitive=True,
        status=OutboxMessage.Status.FAILED,
    )
    client = Client()
    client.force_login(world.organiser)
    page = client.get(reverse("admin:gmc_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    assert world.superuser.email in page.text
    assert "SECRETKEY" not in page.text
    assert "SECRETCODE" not in page.text
    # A message without secrets still shows what it was rendered from.
    plain = world.objects["admin"]["gmc.outboxmessage"]
    plain.context = {"edition_title": "GMC in Hanoi"}
    plain.save(update_fields=["context"])
    page = client.get(reverse("admin:gmc_outboxmessage_change", args=[plain.pk]))
    assert "GMC in Hanoi" in page.text
