"""The organisers' texts written per language (django-modeltranslation): each field
named here gets one column per language in settings.LANGUAGES (``title_es``...), the
original column keeps the English text, and reading ``edition.title`` gives the active
language's text, or the English one where it is missing."""

from django.conf import settings
from django.db import models
from modeltranslation.translator import TranslationOptions, register, translator
from modeltranslation.utils import build_localized_fieldname

from .models import AllianceMember, Edition, NewsArticle, Publication


def texts_in_every_language(obj: models.Model) -> dict[str, str | None]:
    """Each translated text of ``obj`` in each language, by column name (``title_es``):
    to copy a row with all its translations, whatever language is active."""
    fields = translator.get_options_for_model(type(obj)).get_field_names()
    names = [
        build_localized_fieldname(field, code)
        for field in fields
        for code, _name in settings.LANGUAGES
    ]
    return {name: getattr(obj, name) for name in names}


@register(Edition)
class EditionTranslation(TranslationOptions):
    fields = (
        "title",
        "theme",
        "venue",
        "summary",
        "background",
        "aims",
        "expected_outcomes",
        "outcomes",
        "target_audience",
    )


@register(Publication)
class PublicationTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(NewsArticle)
class NewsArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


@register(AllianceMember)
class AllianceMemberTranslation(TranslationOptions):
    fields = ("description",)
