"""The programme of an edition: rooms, sessions, speakers, and attendees' stars.

Days are not a model of their own: a day is the calendar date of a session's start in
the edition's time zone (or in the viewer's zone on the public pages, where a day
heading must follow the viewer's clock). A Day table would repeat what the edition's
first and last day already say and would have to be kept in step with every session
moved across midnight; the admin's day filter and the programme's day headings are
derived from the sessions instead.

Sessions are written by the admin form (validated by ``Session.clean``) and by
``agenda.services`` (duplicate, shift, publish), every change of an existing session
inside ``agenda.services.changing_sessions``; stars and feed tokens only by
``agenda.services``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# Three levels are enough for the programme (a ceremony, a keynote block inside it, the
# talks of the block) and keep "is every ancestor published" a fixed-size query.
MAX_NESTING = 3


class Room(models.Model):
    """A room or track of an edition, with an optional live stream or recording.

    The links are shown only to registered online attendees, and only once
    ``links_published`` is on."""

    edition = models.ForeignKey(
        "gmc.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    stream_url = models.URLField(_("live stream link"), blank=True)
    recording_url = models.URLField(_("recording link"), blank=True)
    links_published = models.BooleanField(
        _("links published"),
        default=False,
        help_text=_("Registered online attendees see the stream and recording links once on."),
    )

    class Meta:
        verbose_name = _("room or track")
        verbose_name_plural = _("rooms and tracks")
        ordering = ["edition", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "name"],
                name="agenda_room_unique_name_per_edition",
                violation_error_message=_("This edition already has a room of that name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition.year})" if self.edition_id else self.name

    @property
    def has_links(self) -> bool:
        return self.links_published and bool(self.stream_url or self.recording_url)


class SessionQuerySet(models.QuerySet):
    def public(self) -> SessionQuerySet:
        """What visitors may see: published sessions of published editions whose parent
        and grandparent (the deepest nesting allowed) are published too."""
        return (
            self.filter(is_published=True, edition__is_published=True)
            .exclude(parent__is_published=False)
            .exclude(parent__parent__is_published=False)
        )


class Session(models.Model):
    """One item of the programme, possibly inside a parent block.

    ``sequence`` is the iCalendar SEQUENCE: ``agenda.services.changing_sessions``
    increments it once for each change of a session that was or is published (admin
    saves, shifts, publishing), so calendar apps replace the event they hold instead of
    adding a second one.
    """

    class Kind(models.TextChoices):
        CEREMONY = "ceremony", _("Opening ceremony")
        OPENING_ITEM = "opening_item", _("Opening ceremony item")
        KEYNOTE = "keynote", _("Keynote")
        KEYNOTE_PRESENTATIONS = "keynote_presentations", _("Keynote presentations")
        REPORT_RELEASE = "report_release", _("Report release")
        DECLARATION_RELEASE = "declaration_release", _("Declaration release")
        PLENARY = "plenary", _("Plenary session")
        ROUNDTABLE = "roundtable", _("Roundtable")
        PANEL = "panel", _("Panel")
        WORKSHOP = "workshop", _("Workshop")
        AWARDS = "awards", _("Awards")
        ANNOUNCEMENT = "announcement", _("Announcement")
        BREAK = "break", _("Break")

    edition = models.ForeignKey(
        "gmc.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The session's address; unique across editions, e.g. 2026-opening."),
    )
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(
        _("starts"), db_index=True, help_text=_("In the edition's time zone.")
    )
    ends_at = models.DateTimeField(_("ends"), help_text=_("In the edition's time zone."))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room or track"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text=_("The block this session belongs to, e.g. the opening ceremony."),
    )
    plenary_number = models.PositiveSmallIntegerField(_("plenary number"), null=True, blank=True)
    theme = models.CharField(
        _("theme"), max_length=300, blank=True, help_text=_("The theme of a plenary session.")
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Drafts never show on the public site.")
    )
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Counts changes after publication, for calendar apps."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "room__order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="agenda_session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["edition", "starts_at"], name="agenda_session_time")]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("agenda:session", args=[self.slug])

    @property
    def display_title(self) -> str:
        if self.plenary_number and self.theme:
            return f"{self.title}: {self.theme}"
        return self.title

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(_("The session must end after it starts."))
        edition = self.edition if self.edition_id else None
        if edition is not None and self.starts_at and self.ends_at:
            self._check_edition_dates(edition, errors)
        if self.room_id and edition is not None and self.room.edition_id != edition.pk:
            errors.setdefault("room", []).append(_("This room belongs to another edition."))
        if self.parent_id:
            self._check_parent(errors)
        if (
            not errors
            and self.is_published
            and self.room_id
            and self.kind != self.Kind.BREAK
            and self.starts_at
            and self.ends_at
        ):
            self._check_room_free(errors)
        if errors:
            raise ValidationError(errors)

    def _check_edition_dates(self, edition, errors: dict) -> None:
        if not (edition.start_date and edition.end_date):
            return
        first = datetime.combine(edition.start_date, time.min, tzinfo=edition.tz)
        after_last = datetime.combine(
            edition.end_date + timedelta(days=1), time.min, tzinfo=edition.tz
        )
        if self.starts_at < first or self.ends_at > after_last:
            errors.setdefault("starts_at", []).append(
                _(
                    "The session must take place within the edition's dates, "
                    "%(first)s to %(last)s (%(zone)s time)."
                )
                % {
                    "first": edition.start_date.isoformat(),
                    "last": edition.end_date.isoformat(),
                    "zone": edition.time_zone,
                }
            )

    def _check_parent(self, errors: dict) -> None:
        parent = self.parent
        if self.pk and parent.pk == self.pk:
            errors.setdefault("parent", []).append(_("A session cannot be part of itself."))
            return
        if self.edition_id and parent.edition_id != self.edition_id:
            errors.setdefault("parent", []).append(_("The block belongs to another edition."))
            return
        ancestors, node = [], parent
        while node is not None and len(ancestors) <= MAX_NESTING:
            ancestors.append(node.pk)
            node = node.parent
        depth_below = self._depth_below() if self.pk else 0
        if self.pk in ancestors:
            errors.setdefault("parent", []).append(_("A block cannot be part of itself."))
        elif len(ancestors) + 1 + depth_below > MAX_NESTING:
            errors.setdefault("parent", []).append(
                _("Blocks can be nested %(levels)d levels deep at most.") % {"levels": MAX_NESTING}
            )
        elif (
            self.starts_at
            and self.ends_at
            and (self.starts_at < parent.starts_at or self.ends_at > parent.ends_at)
        ):
            errors.setdefault("parent", []).append(
                _("The session must take place within the times of its block.")
            )

    def _depth_below(self) -> int:
        children = Session.objects.filter(parent_id=self.pk)
        if not children.exists():
            return 0
        if Session.objects.filter(parent__parent_id=self.pk).exists():
            return 2
        return 1

    def _related_ids(self) -> set[int]:
        """This session's ancestors and descendants: nested items may share the room
        with their block."""
        related, node = set(), self.parent
        while node is not None:
            related.add(node.pk)
            node = node.parent
        if self.pk:
            related.update(
                Session.objects.filter(
                    models.Q(parent_id=self.pk) | models.Q(parent__parent_id=self.pk)
                ).values_list("pk", flat=True)
            )
        return related

    def _check_room_free(self, errors: dict) -> None:
        """Published sessions in one room may not overlap. Breaks, blocks that hold other
        sessions and drafts (an organiser's scratch copies) are left aside."""
        if self.pk and Session.objects.filter(parent_id=self.pk).exists():
            return
        clashes = (
            Session.objects.filter(
                room_id=self.room_id,
                is_published=True,
                starts_at__lt=self.ends_at,
                ends_at__gt=self.starts_at,
            )
            .exclude(kind=self.Kind.BREAK)
            .exclude(pk__in=self._related_ids())
            .exclude(children__isnull=False)
        )
        if self.pk:
            clashes = clashes.exclude(pk=self.pk)
        clash = clashes.distinct().first()
        if clash is not None:
            zone = self.edition.tz
            errors.setdefault("room", []).append(
                _("%(room)s is taken from %(start)s to %(end)s (%(zone)s time) by “%(title)s”.")
                % {
                    "room": self.room.name,
                    "start": date_format(
                        clash.starts_at.astimezone(zone), "SHORT_DATETIME_FORMAT"
                    ),
                    "end": date_format(clash.ends_at.astimezone(zone), "TIME_FORMAT"),
                    "zone": self.edition.time_zone,
                    "title": clash.display_title,
                }
            )


class Speaker(models.Model):
    """A person on the programme. Photos are not kept: the portal has no public media
    storage (uploads are private), and the programme reads well without them."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(
        _("title or role"),
        max_length=300,
        blank=True,
        help_text=_("e.g. President of Tsinghua University"),
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "gmc.Organisation",
        verbose_name=_("known organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speakers",
    )
    country = CountryField(_("country"), blank=True)
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    # Never shown on the public pages: it tells the organisers' documents (the badge's
    # role line) that this person speaks.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speaker_profiles",
        help_text=_(
            "The speaker's account on the portal, if they registered: their badge then "
            "says they speak."
        ),
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agenda:speaker", args=[self.slug])

    @property
    def affiliation(self) -> str:
        if self.organisation_name:
            return self.organisation_name
        return self.organisation.name if self.organisation_id else ""


class SessionSpeaker(models.Model):
    """A speaker's part in one session."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        PANELLIST = "panellist", _("Panellist")
        VIDEO_MESSAGE = "video_message", _("Video message")

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="session_speakers",
    )
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        on_delete=models.CASCADE,
        related_name="session_speakers",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker of the session")
        verbose_name_plural = _("speakers of the session")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker"],
                name="agenda_one_part_per_speaker_per_session",
                violation_error_message=_("This speaker is already on the session."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} ({self.get_role_display()})"


class Star(models.Model):
    """A session an attendee marked for their own agenda."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agenda_stars",
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="stars"
    )
    created_at = models.DateTimeField(_("starred"), auto_now_add=True)

    class Meta:
        verbose_name = _("starred session")
        verbose_name_plural = _("starred sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session"], name="agenda_one_star_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ★ {self.session}"


def new_feed_token() -> str:
    # 256 random bits: the token is the only thing guarding the private feed.
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of an attendee's private calendar of starred sessions.
    ``agenda.services.reset_feed_token`` replaces the token, so an old address stops
    working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agenda_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    reset_at = models.DateTimeField(_("last reset"), null=True, blank=True)

    class Meta:
        verbose_name = _("private calendar feed")
        verbose_name_plural = _("private calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("agenda:feed", args=[self.token])


class MoveNotice(models.Model):
    """Sessions a person starred that moved (a new time or room), waiting to be told in
    one email: changes in a short window make one message per person and edition.

    Opened and filled by ``agenda.services.record_moves`` (one open notice per person and
    edition); closed by ``agenda.services.send_move_notice``, which sets ``sent_at``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="agenda_move_notices",
    )
    edition = models.ForeignKey(
        "gmc.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("first change"), auto_now_add=True)
    due_at = models.DateTimeField(_("to be sent"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice of moved sessions")
        verbose_name_plural = _("notices of moved sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "edition"],
                condition=models.Q(sent_at__isnull=True),
                name="agenda_one_open_move_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.edition}"


class MoveNoticeItem(models.Model):
    """One moved session of a notice, with where and when it was before the first change
    of the window (so a session moved back and forth is not reported)."""

    notice = models.ForeignKey(
        MoveNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="items"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    was_starts_at = models.DateTimeField(_("started"))
    was_ends_at = models.DateTimeField(_("ended"))
    was_room_id = models.BigIntegerField(_("room"), null=True, blank=True)
    was_room_name = models.CharField(_("room name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("moved session")
        verbose_name_plural = _("moved sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "session"], name="agenda_one_item_per_session_per_notice"
            ),
        ]

    def __str__(self) -> str:
        return str(self.session)
