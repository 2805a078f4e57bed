"""What the registration app does when the base announces a change (``gmc.signals``)."""

from gmc.signals import capacity_changed

from . import services


def promote_after_capacity_change(sender, edition_id: int, **kwargs) -> None:
    """More seats: the people waiting longest get them now, in the same transaction."""
    services.promote_from_waitlist(edition_id)


def connect() -> None:
    capacity_changed.connect(promote_after_capacity_change, dispatch_uid="registration.promote")
