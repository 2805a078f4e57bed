from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        # Each kind's module registers the kind (documents.kinds) and its email.
        from . import certificates, checks, emails, receivers  # noqa: F401

        receivers.connect()

        from registration import extensions

        # The check-in desk prints a late registrant's badge from their row.
        extensions.add_row_template("documents/badges/checkin_button.html")

        # Visa invitation letters: their kind, emails, receivers and registration hooks.
        from .visa import wiring

        wiring.connect()
