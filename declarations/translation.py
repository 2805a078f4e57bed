"""The declaration call's texts written per language: see gmc/translation.py."""

from modeltranslation.translator import TranslationOptions, register

from .models import Call, Topic


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("introduction",)


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("title", "guiding_question", "help_text")
