"""The organisers' texts of certificates, written per language (django-modeltranslation,
as ``gmc/translation.py``)."""

from modeltranslation.translator import TranslationOptions, register

from .models import CertificateDesign, Logo, Signatory


@register(CertificateDesign)
class CertificateDesignTranslation(TranslationOptions):
    fields = ("wording",)


@register(Signatory)
class SignatoryTranslation(TranslationOptions):
    fields = ("title",)


@register(Logo)
class LogoTranslation(TranslationOptions):
    fields = ("description",)
