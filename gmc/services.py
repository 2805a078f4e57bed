"""Writes on the site-wide models: one function per state change."""

from django.db import transaction
from django.utils.translation import gettext as _

from gmc import page_cache
from gmc.errors import RefusedMove
from gmc.models import Edition


class EditionError(RefusedMove):
    """A refused change of an edition; the message is shown to the organiser."""

    code = "edition.refused"


@transaction.atomic
def make_current_edition(edition_id: int) -> Edition:
    """Make one edition the current one (the one every page not tied to a year shows)
    and the previous current edition an ordinary one.

    Locks every edition row, in primary-key order, so two organisers switching at once
    are serialised and the database's one-current-edition constraint never fires.
    Refuses an unpublished edition (visitors would see none). Repeating it is a no-op.
    """
    editions = {
        edition.pk: edition for edition in Edition.objects.select_for_update().order_by("pk")
    }
    edition = editions.get(edition_id)
    if edition is None:
        raise Edition.DoesNotExist(f"No edition with id {edition_id}.")
    if not edition.is_published:
        raise EditionError(_("Publish the edition before making it the current one."))
    if edition.is_current:
        return edition
    # The old one first: the unique index is checked at each statement.
    Edition.objects.filter(is_current=True).update(is_current=False)
    edition.is_current = True
    edition.save(update_fields=["is_current", "updated_at"])
    # The update() above sends no signal: every public page names the current edition.
    page_cache.invalidate()
    return edition
