import zoneinfo
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name (for example Asia/Ho_Chi_Minh)."),
            params={"value": value},
        )


class OrganisationType(models.TextChoices):
    UNIVERSITY = "university", _("University")
    PLATFORM = "platform", _("Online-learning platform")
    INTERNATIONAL = "international", _("International organisation")
    GOVERNMENT = "government", _("Government agency")
    RESEARCH = "research", _("Research institute")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A university, platform, agency or other body: alliance member, host, or the
    organisation a participant belongs to."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    type = models.CharField(
        _("type"), max_length=20, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AllianceMember(models.Model):
    """Membership of an organisation in the Global MOOC and Online Education Alliance."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="alliance_membership",
    )
    year_joined = models.PositiveSmallIntegerField(
        _("year joined"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the year is not on record."),
    )
    is_active = models.BooleanField(_("active member"), default=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("A few sentences about the member, shown on the alliance page."),
    )

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_joined__gte=2020), name="alliance_joined_from_2020"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("alliance") + f"#{self.organisation.slug}"


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Edition(models.Model):
    """One yearly conference. Exactly one edition is current (a database constraint);
    pages not tied to a year show it. Dates are calendar dates in the edition's time
    zone; moments (registration window, deadlines) are stored aware, in UTC.
    ``gmc.services.make_current_edition`` moves the current flag from one to another."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid (in person and online)")

    # The joining link and its passcode are for registered attendees only: the audit
    # log records that they changed, not what they are (gmc.audit).
    audit_hidden_fields = ("online_joining_details",)

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    dates_provisional = models.BooleanField(
        _("dates are provisional"),
        default=False,
        help_text=_("Shown as “provisional” wherever the dates appear."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("IANA name of the event's zone, e.g. America/Mexico_City."),
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    hosts = models.ManyToManyField(
        Organisation, verbose_name=_("hosts"), blank=True, related_name="hosted_editions"
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        verbose_name=_("co-organisers"),
        blank=True,
        related_name="co_organised_editions",
    )
    working_language = models.CharField(_("working language"), max_length=10, default="en")
    interpretation_languages = models.JSONField(
        _("interpretation languages"),
        default=list,
        blank=True,
        help_text=_("Languages offered for simultaneous interpretation."),
    )
    opening_at = models.DateTimeField(
        _("opening session starts"),
        null=True,
        blank=True,
        help_text=_("Shown in the event's time zone."),
    )
    closing_at = models.DateTimeField(
        _("programme ends"),
        null=True,
        blank=True,
        help_text=_("Optional: when the last session ends."),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    declaration_deadline = models.DateTimeField(
        _("declaration input deadline"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("in-person seats"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. Online attendance is never limited."),
    )
    contact_email = models.EmailField(_("contact address"), blank=True)
    online_joining_details = models.TextField(
        _("online joining details"),
        blank=True,
        help_text=_("Link and instructions for online attendees."),
    )
    online_details_published = models.BooleanField(
        _("joining details published"),
        default=False,
        help_text=_("Registered online attendees see the joining details once this is on."),
    )
    summary = models.TextField(_("summary"), blank=True)
    background = models.TextField(_("background"), blank=True)
    aims = models.TextField(_("aims"), blank=True)
    expected_outcomes = models.TextField(_("expected outcomes"), blank=True)
    outcomes = models.TextField(
        _("outcomes"), blank=True, help_text=_("What the edition achieved.")
    )
    target_audience = models.TextField(_("target audience"), blank=True)
    is_current = models.BooleanField(
        _("current edition"), default=False, help_text=_("Only one edition can be current.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_edition",
                violation_error_message=_("Another edition is already the current one."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date"))
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True),
                name="edition_end_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at"))
                | models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True),
                name="edition_registration_closes_after_opening",
                violation_error_message=_("Registration must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("edition_detail", args=[self.year])

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def local_datetime(self, day, at: time) -> datetime:
        """An aware moment from a calendar day and wall-clock time in the event's zone."""
        return datetime.combine(day, at, tzinfo=self.tz)

    @property
    def starts_at(self) -> datetime | None:
        """The start of the first day in the event's zone (aware)."""
        return self.local_datetime(self.start_date, time.min) if self.start_date else None

    @property
    def offers_in_person(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def offers_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    def registration_state(self, now: datetime | None = None) -> str:
        """'not_open', 'open' or 'closed' at ``now``."""
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_open"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        if self.registration_opens_at is None and self.registration_closes_at is None:
            return "closed"
        return "open"

    def registration_is_open(self, now: datetime | None = None) -> bool:
        return self.registration_state(now) == "open"
