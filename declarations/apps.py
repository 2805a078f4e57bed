from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Declaration input")

    def ready(self) -> None:
        # Importing ``emails`` registers the receipt email's kind.
        from . import emails, receivers  # noqa: F401

        receivers.connect()
