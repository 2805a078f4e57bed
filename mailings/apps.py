from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Email to participants")

    def ready(self) -> None:
        from gmc import outbox_hooks

        # Importing ``emails`` and ``reminders`` registers the kinds of their emails.
        from . import emails, preferences, receivers, reminders, selectors  # noqa: F401

        receivers.connect()
        # The outbox sends organisers' wording and respects people's choices through
        # these; it cannot import this app itself.
        outbox_hooks.register(
            outbox_hooks.Providers(
                custom_wording=selectors.custom_wording,
                is_opted_out=preferences.is_opted_out,
                unsubscribe_url=preferences.unsubscribe_url,
            )
        )
