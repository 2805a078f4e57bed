"""The admin of the organisers' texts written per language (gmc/translation.py and
its peers in the apps): one field per language in the form, and a list column naming
the languages a row is written in."""

from django.conf import settings
from django.contrib import admin
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname


def languages_written(obj) -> list[str]:
    """The codes of the languages in which at least one of ``obj``'s translated texts
    is filled, in the order of settings.LANGUAGES."""
    fields = translator.get_options_for_model(type(obj)).get_field_names()
    return [
        code
        for code, _name in settings.LANGUAGES
        if any(getattr(obj, build_localized_fieldname(field, code), None) for field in fields)
    ]


class WrittenInEnglishColumn:
    """Saving writes the original column from the English field, whichever language
    the organiser reads the admin in: the original column stays the English text."""

    def save_model(self, request, obj, form, change):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save_formset(request, form, formset, change)


class FieldsInTheirLanguage:
    """Each language's field says its language and direction (``lang``, ``dir``): an
    English title reads left to right in the Arabic admin, from its first word, and an
    Arabic one right to left in the English admin. For TranslationAdmin and its inlines."""

    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        language = getattr(db_field, "language", None)
        if language:
            bidi = translation.get_language_info(language)["bidi"]
            self._get_widget_from_field(field).attrs.update(
                {"lang": language, "dir": "rtl" if bidi else "ltr"}
            )


class TranslatedAdmin(FieldsInTheirLanguage, WrittenInEnglishColumn, TranslationAdmin):
    """A model admin with one field per language for each translated text."""

    def get_list_display(self, request):
        return [*super().get_list_display(request), "translations"]

    @admin.display(description=_("written in"))
    def translations(self, obj) -> str:
        return ", ".join(languages_written(obj))
