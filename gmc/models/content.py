"""Organiser-edited content of the public site: publications and news."""

from pathlib import PurePath

from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .conference import Edition

PUBLICATION_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "epub", "zip"]


class PublicationQuerySet(models.QuerySet):
    def public(self):
        """Publications of published editions."""
        return self.filter(edition__is_published=True)


class Publication(models.Model):
    """A report, declaration or index released at an edition. Either a file the portal
    serves, a link to where it is published, or only a summary when neither is public."""

    class Kind(models.TextChoices):
        DECLARATION = "declaration", _("Declaration")
        REPORT = "report", _("Report")
        INDEX = "index", _("Index")
        OTHER = "other", _("Other document")

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    published_on = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Leave empty when it is not on record.")
    )
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to="publications/",
        blank=True,
        validators=[FileExtensionValidator(PUBLICATION_EXTENSIONS)],
        help_text=_("Offered for download on the publications page."),
    )
    url = models.URLField(
        _("link"), blank=True, help_text=_("Where the publication can be read, if elsewhere.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-edition__year", "-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publications") + f"#{self.slug}"

    @property
    def download_url(self) -> str:
        return reverse("publication_download", args=[self.slug]) if self.file else ""

    @property
    def file_name(self) -> str:
        return PurePath(self.file.name).name if self.file else ""


class NewsArticleQuerySet(models.QuerySet):
    def public(self, now=None):
        """What anonymous visitors see: published, dated no later than now, of a
        published edition."""
        return self.filter(
            status=NewsArticle.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
            edition__is_published=True,
        )


class NewsArticle(models.Model):
    """A dated article about an edition. Drafts, and articles dated in the future, are
    seen only by organisers (as a preview from the admin)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="news"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences: shown in lists and to search engines."),
    )
    body = models.TextField(_("text"), help_text=_("Paragraphs separated by a blank line."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("Shown as the article's date; the article appears from this moment."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NewsArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="news_public_by_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news_detail", args=[self.slug])

    def is_public(self, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at <= (now or timezone.now())
            and self.edition.is_published
        )
