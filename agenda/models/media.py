"""What a session leaves behind: recordings (a video link per language heard) and
materials (slides as a file in the private storage, or a link), each public or for the
edition's registered participants only, as organisers choose.

Organisers add them in the admin, on the session's page (inlines). Registered-only items
are shown to anyone as existing, but their address (or file) only to people registered
for the edition and to organisers: ``agenda.selectors.may_see_registered_media``
decides, and files are sent by ``agenda.views.material_download`` after that check.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The file types slides come in: PDF, and the presentation and document formats that
# cannot carry macros (their macro-enabled twins, .pptm or .docm, are refused).
MATERIAL_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}

# A code of its own: a model form would put its field's "Enter a valid URL." in place of
# a message coded "invalid".
validate_https = URLValidator(
    schemes=["https"], message=_("Enter an https:// address (a secure link)."), code="not_https"
)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    REGISTERED = "registered", _("Registered participants only")


def material_path(instance: Material, filename: str) -> str:
    """A random name under materials/ that says nothing of the file; only its extension
    is kept, for the web server's benefit."""
    suffix = PurePath(filename).suffix.lower()
    return f"materials/{secrets.token_hex(16)}{suffix}"


class Recording(models.Model):
    """The video of a session in one language: the edition's working language (what
    the speakers said) or one of its interpretation languages. One per language."""

    session = models.ForeignKey(
        "agenda.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="recordings",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        help_text=_("The edition's working language, or one of its interpretation languages."),
    )
    url = models.URLField(_("video link"), max_length=500, validators=[validate_https])
    visibility = models.CharField(
        _("who sees it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "language"],
                name="agenda_one_recording_per_language",
                violation_error_message=_(
                    "This session already has a recording in that language."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} ({self.language})"

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    def clean(self) -> None:
        if not self.session_id or not self.language:
            return
        edition = self.session.edition
        offered = [edition.working_language, *(edition.interpretation_languages or [])]
        if self.language not in [code for code in offered if code]:
            raise ValidationError(
                {
                    "language": _(
                        "Choose the edition's working language or one of its "
                        "interpretation languages."
                    )
                }
            )


class Material(models.Model):
    """Slides or another document of a session: a file kept in the private storage
    (sent only through the permission-checked download) or a link."""

    session = models.ForeignKey(
        "agenda.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. Slides"))
    file = models.FileField(
        _("file"),
        upload_to=material_path,
        blank=True,
        max_length=200,
        validators=[FileExtensionValidator(list(MATERIAL_CONTENT_TYPES))],
        help_text=_("PDF, PPTX, ODP, DOCX or ODT; or give a link instead."),
    )
    link = models.URLField(_("link"), max_length=500, blank=True, validators=[validate_https])
    visibility = models.CharField(
        _("who sees it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(file="") & models.Q(link=""))
                | (models.Q(file="") & ~models.Q(link="")),
                name="agenda_material_file_or_link",
                violation_error_message=_("A material is either a file or a link."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def is_link(self) -> bool:
        return bool(self.link)

    @property
    def extension(self) -> str:
        return PurePath(self.file.name).suffix.lower().lstrip(".") if self.file else ""

    @property
    def content_type(self) -> str:
        return MATERIAL_CONTENT_TYPES.get(self.extension, "application/octet-stream")

    @property
    def download_name(self) -> str:
        """The file's name when downloaded: the title, with the file's extension."""
        return f"{self.title}.{self.extension}" if self.extension else self.title

    def get_download_url(self) -> str:
        return reverse("agenda:material", args=[self.pk])

    def clean(self) -> None:
        if bool(self.file) == bool(self.link):
            raise ValidationError(_("Give either a file or a link, not both."))
        limit = settings.AGENDA_MATERIAL_MAX_FILE_MB
        if self.file and self.file.size > limit * 1024 * 1024:
            raise ValidationError(
                {"file": _("The file is larger than %(limit)s MB.") % {"limit": limit}}
            )
