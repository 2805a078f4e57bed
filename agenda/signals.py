"""Any organiser's save or delete of an agenda object invalidates the cached programme
of the editions it belongs to (see ``agenda.cache``)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gmc.models import Edition

from .cache import invalidate_programme
from .models import Room, Session, SessionSpeaker, Speaker


@receiver([post_save, post_delete], sender=Session)
def _session_changed(sender, instance, **kwargs) -> None:
    # A session published or withdrawn may give or take an edition's programme, which
    # every programme page links to.
    invalidate_programme([instance.edition_id], everywhere=True)


@receiver([post_save, post_delete], sender=Room)
def _room_changed(sender, instance, **kwargs) -> None:
    invalidate_programme([instance.edition_id])


@receiver([post_save, post_delete], sender=SessionSpeaker)
def _session_speaker_changed(sender, instance, **kwargs) -> None:
    edition_id = (
        Session.objects.filter(pk=instance.session_id).values_list("edition_id", flat=True).first()
    )
    invalidate_programme([edition_id])


@receiver(post_save, sender=Speaker)
def _speaker_changed(sender, instance, **kwargs) -> None:
    # A speaker appears in every edition they spoke at. Deleting one deletes their
    # parts, and each of those deletions bumps its edition.
    invalidate_programme(
        Session.objects.filter(session_speakers__speaker=instance)
        .values_list("edition_id", flat=True)
        .distinct()
    )


@receiver(post_save, sender=Edition)
def _edition_changed(sender, instance, **kwargs) -> None:
    # The edition's zone, dates and title are part of its rendered programme, and its
    # year and publication of the links from the others.
    invalidate_programme([instance.pk], everywhere=True)
