"""The registration questions' wording and their choices' wording, written per
language: see gmc/translation.py. An answer keeps a choice's key, not its wording, so
the same choice picked in any language is one answer."""

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Question


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)
