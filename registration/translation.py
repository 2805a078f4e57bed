"""The registration questions' wording written per language: see gmc/translation.py.
Their choices stay one list for every language: an answer keeps the choice's text, and
the organisers' lists and exports group answers by it."""

from modeltranslation.translator import TranslationOptions, register

from .models import Question


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text")
