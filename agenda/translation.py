"""The programme's texts written per language: see gmc/translation.py."""

from modeltranslation.translator import TranslationOptions, register

from .models import Session, Speaker


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description", "theme")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("title", "bio")
