"""Documents the portal issues to participants (certificates of attendance, badges,
visa invitation letters): one ``Document`` row per issued document, its PDF in the
private storage, its number from a counter that never goes back.

State changes only through ``documents.services``: ``issue_document`` (creates, with its
number), ``generate_document`` (renders the PDF when what it states changed, and sends
the "ready" email once), ``revoke_document``.

Name badges are not issued one by one: organisers print them in runs of many
(``BadgePrint``, below; ``documents.badges``), and a single badge at the check-in desk
is made in the request and kept nowhere.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from registration.models import Registration

from .badges.layout import SHEETS

# Crockford's base32, as ticket codes (registration.models): nothing read aloud or typed
# from paper is taken for another character. 16 of them are 80 random bits: no one can
# guess or enumerate a code, and the printed short address stays short.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A typed code as codes are stored: capitals, look-alikes mapped, dashes and spaces
    dropped."""
    return "".join(typed.split()).replace("-", "").upper().translate(_LOOK_ALIKES)


def is_well_formed_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def document_path(document: Document, filename: str) -> str:
    """A random name under the private storage: the address of a file says nothing of
    whose it is, and a regenerated PDF never overwrites the one being downloaded."""
    return f"documents/{document.kind}/{secrets.token_hex(16)}.pdf"


class DocumentCounter(models.Model):
    """The last number given to a kind of document in a year. Incremented under a row
    lock (``services.allocate_number``) and never decremented: a number survives its
    document's deletion or revocation and is never given again."""

    kind = models.CharField(_("kind"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_counter_per_kind_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class DocumentQuerySet(models.QuerySet):
    def of_kind(self, kind: str) -> DocumentQuerySet:
        return self.filter(kind=kind)

    def valid(self) -> DocumentQuerySet:
        """Not revoked."""
        return self.filter(revoked_at__isnull=True)

    def ready(self) -> DocumentQuerySet:
        """Valid and with its PDF made."""
        return self.valid().exclude(file="")


class Document(models.Model):
    """One issued document of one registration. ``number`` is what the paper shows
    (``GMC-2025-C-00017``); ``code`` is the secret of its public verification address.
    ``stated_name`` and ``issued_at`` are what the verification page confirms: what the
    PDF states, nothing more. ``fingerprint`` is a hash of everything the PDF shows, so
    the worker renders again only when that changed."""

    kind = models.CharField(_("kind"), max_length=30)
    registration = models.ForeignKey(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    edition = models.ForeignKey(
        "gmc.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    code = models.CharField(
        _("verification code"),
        max_length=CODE_LENGTH,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    stated_name = models.CharField(_("name on the document"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    file = models.FileField(_("PDF"), upload_to=document_path, blank=True, max_length=200)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, editable=False)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("PDF made"), null=True, blank=True)
    notified_at = models.DateTimeField(_("holder told"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revoking"), max_length=1000, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One valid document of a kind per registration; a revoked one may be
            # followed by a new one (with a new number).
            models.UniqueConstraint(
                fields=["kind", "registration"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_valid_document_of_a_kind_per_registration",
                violation_error_message=_("This registration already has this document."),
            ),
        ]
        indexes = [models.Index(fields=["edition", "kind"], name="documents_of_edition")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_ready(self) -> bool:
        return bool(self.file) and not self.is_revoked

    @property
    def slug(self) -> str:
        """The kind's name in addresses (``documents:download``)."""
        from .kinds import kind

        return kind(self.kind).slug

    @property
    def kind_label(self) -> str:
        from .kinds import kind

        return str(kind(self.kind).label)

    def get_download_url(self) -> str:
        from .kinds import kind

        return reverse("documents:download", args=[self.edition.year, kind(self.kind).slug])

    def get_verification_url(self) -> str:
        """The verification page's path without a language prefix: the one printed on
        the document, the same in every language (it opens in the reader's)."""
        with translation.override(settings.LANGUAGE_CODE):
            return reverse("documents:verify", args=[self.code])


# --- certificates of attendance ------------------------------------------------------------

IMAGE_EXTENSIONS = ["png", "jpg", "jpeg"]


def design_image_path(instance, filename: str) -> str:
    """A random name in the private storage, keeping only the image's extension."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    if suffix not in IMAGE_EXTENSIONS:
        suffix = "png"
    return f"documents/designs/{secrets.token_hex(16)}.{suffix}"


class CertificateDesign(models.Model):
    """What the organisers set for an edition's certificates of attendance: a wording
    per language (django-modeltranslation: ``documents/translation.py``), the
    signatories and the logos. Saving it has the worker make every certificate of the
    edition again (``documents.receivers``); their numbers stay."""

    edition = models.OneToOneField(
        "gmc.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="certificate_design",
    )
    wording = models.TextField(
        _("wording"),
        max_length=1000,
        blank=True,
        help_text=_(
            "A sentence or two printed under the details of the conference, e.g. what "
            "the programme covered. Written per language; empty languages use English."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate design")
        verbose_name_plural = _("certificate designs")
        ordering = ["-edition__year"]

    def __str__(self) -> str:
        return str(self.edition)


class Signatory(models.Model):
    """A person who signs the certificates: name, title and an image of the signature."""

    design = models.ForeignKey(
        CertificateDesign,
        verbose_name=_("certificate design"),
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=200, blank=True)
    signature = models.ImageField(
        _("signature image"),
        upload_to=design_image_path,
        blank=True,
        max_length=200,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
        help_text=_("PNG or JPEG, on a white or transparent background."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["design", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Logo(models.Model):
    """A logo printed at the top of the certificates (a host's, the alliance's)."""

    design = models.ForeignKey(
        CertificateDesign,
        verbose_name=_("certificate design"),
        on_delete=models.CASCADE,
        related_name="logos",
    )
    image = models.ImageField(
        _("image"),
        upload_to=design_image_path,
        max_length=200,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
        help_text=_("PNG or JPEG; printed 20 mm high."),
    )
    description = models.CharField(
        _("description"), max_length=120, help_text=_("Whose logo it is, for screen readers.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")
        ordering = ["design", "order", "pk"]

    def __str__(self) -> str:
        return self.description


class AttendedRegistration(Registration):
    """The registrations of people who attended, as the organisers' page of certificates
    of attendance lists them (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")


# --- name badges ------------------------------------------------------------------------

PAPER_CHOICES = [(sheet.key, sheet.label) for sheet in SHEETS.values()]


def badge_print_path(badge_print: BadgePrint, filename: str) -> str:
    """A random name under the private storage: the address of a sheet says nothing of
    whose badges it holds."""
    return f"badges/{badge_print.edition.year}/{secrets.token_hex(16)}.pdf"


class BadgePrint(models.Model):
    """One print run of name badges: the registrations chosen (their ids, fixed when it
    is asked for), the paper, and the PDF a worker makes of them, kept in the private
    storage for organisers to download.

    State changes only through ``documents.badges.services``: ``request_badge_print``
    (creates it, PENDING, and hands it to a worker), ``render_badge_print`` (PENDING ->
    READY with its file, or FAILED), ``retry_badge_print`` (FAILED -> PENDING, or a
    PENDING one handed to a worker again)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be made")

    class Selection(models.TextChoices):
        EDITION = "edition", _("Everyone confirmed in person")
        NOT_CHECKED_IN = "not_checked_in", _("Everyone confirmed in person, not checked in yet")
        FILTER = "filter", _("The registrations list as filtered")
        CHOSEN = "chosen", _("Registrations chosen in the list")

    edition = models.ForeignKey(
        "gmc.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="+"
    )
    selection = models.CharField(_("which badges"), max_length=20, choices=Selection.choices)
    registration_ids = models.JSONField(_("registrations"), default=list, editable=False)
    filter_query = models.CharField(
        _("filters of the list"),
        max_length=1000,
        blank=True,
        help_text=_("The registrations list's filters and search, for a run of the list."),
    )
    paper = models.CharField(_("paper"), max_length=10, choices=PAPER_CHOICES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    badge_count = models.PositiveIntegerField(_("badges"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    file = models.FileField(_("PDF"), upload_to=badge_print_path, blank=True, max_length=200)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge print run")
        verbose_name_plural = _("badge print runs")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.edition.year}: {self.get_selection_display()} ({self.badge_count})"

    def get_absolute_url(self) -> str:
        return reverse("documents:badge_print", args=[self.pk])

    def get_download_url(self) -> str:
        return reverse("documents:badge_print_download", args=[self.pk])


# Visa invitation letter requests live in their own module (documents/visa/), imported
# here so that Django finds their models in this app.
from .visa.models import VisaAccessLog, VisaRequest  # noqa: E402, F401
