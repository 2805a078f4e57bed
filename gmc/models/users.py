from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .conference import OrganisationType


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: attendee, contributor or organiser.

    People sign in with their email address; there is no username.
    """

    email = models.EmailField(_("email address"), unique=True)
    # The name in parts, as the person writes it in their own script. ``full_name`` is
    # kept from them by set_name(): it is what tickets, emails and lists show.
    given_name = models.CharField(_("given name(s)"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    badge_name = models.CharField(
        _("name on the badge"),
        max_length=100,
        blank=True,
        help_text=_("As it should be printed and shown; empty for given and family names."),
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    job_title = models.CharField(_("title or role"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "gmc.Organisation",
        verbose_name=_("known organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text=_("Set when the organisation typed matches one the portal knows."),
    )
    organisation_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganisationType.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        help_text=_("Emails are written in this language when it is available."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("An IANA name such as Europe/Paris."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def set_name(self, given_name: str, family_name: str, badge_name: str = "") -> None:
        """Set the name parts and the full name derived from them (no save)."""
        self.given_name = given_name.strip()
        self.family_name = family_name.strip()
        self.badge_name = badge_name.strip()
        self.full_name = self.badge_name or " ".join(
            part for part in (self.given_name, self.family_name) if part
        )

    @property
    def has_name(self) -> bool:
        return bool(self.full_name.strip())

    @property
    def display_name(self) -> str:
        """The name to show wherever a name belongs; never the email address."""
        return self.full_name.strip() or str(_("Participant"))

    @property
    def sort_name(self) -> str:
        """Family name first, for lists sorted the way organisers expect."""
        return " ".join(p for p in (self.family_name, self.given_name) if p) or self.full_name

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.given_name or self.display_name
