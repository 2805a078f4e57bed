from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        from . import (
            emails,  # noqa: F401  registers the emails about a registration
            receivers,
        )
        from .folding import register_sqlite_function

        receivers.connect()

        # The check-in search compares names without accents on SQLite too.
        connection_created.connect(register_sqlite_function, dispatch_uid="registration.fold")
