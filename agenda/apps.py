from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from gmc import page_cache

        from . import (
            emails,  # noqa: F401  registers the programme-change email
            receivers,
        )
        from .models import Material, Recording, Room, Session, SessionSpeaker, Speaker

        # What the programme, session, edition, speaker pages and calendar files show.
        page_cache.invalidated_by(Room, Session, SessionSpeaker, Speaker, Recording, Material)
        receivers.connect()
