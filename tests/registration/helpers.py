from gmc import outbox
from gmc.models import OutboxMessage
from registration import services
from tests.factories import UserFactory


def kinds_for(user) -> list[str]:
    """The kinds of email queued for a person, oldest first."""
    return list(
        OutboxMessage.objects.filter(to_email=user.email)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


def deliver_pending() -> None:
    """Send every pending outbox message now, as the worker would."""
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).order_by("pk")
    for pk in pending.values_list("pk", flat=True):
        outbox.deliver(pk)


def register(edition, user=None, attendance="in_person", **kwargs):
    return services.register_attendee(
        edition.pk,
        attendee=user or UserFactory(),
        attendance=attendance,
        consent=kwargs.pop("consent", True),
        **kwargs,
    )
