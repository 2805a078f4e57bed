"""The organisers' texts written per language (django-modeltranslation): each field
named here gets one column per language in settings.LANGUAGES (``title_es``...), the
original column keeps the English text, and reading ``edition.title`` gives the active
language's text, or the English one where it is missing."""

from modeltranslation.translator import TranslationOptions, register

from .models import Edition, NewsArticle, Publication


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
