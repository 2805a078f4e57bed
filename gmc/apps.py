from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GmcConfig(AppConfig):
    name = "gmc"
    verbose_name = _("Conference")
