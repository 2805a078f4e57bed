from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from . import (
            emails,  # noqa: F401  registers the programme-change email
            signals,  # noqa: F401  connects the cache invalidation receivers
        )
