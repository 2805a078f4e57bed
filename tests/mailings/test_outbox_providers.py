"""mailings answers the outbox's questions: a batch sent through the outbox uses the
organisers' wording and leaves out whoever declined the category."""

from django.core import mail

from gmc import outbox, outbox_hooks
from gmc.models import OutboxMessage
from mailings import preferences, selectors
from mailings.models import EmailCategory, EmailTemplate
from tests.factories import UserFactory


def test_mailings_registers_its_providers_with_the_outbox():
    registered = outbox_hooks.current()
    assert registered.custom_wording == selectors.custom_wording
    assert registered.is_opted_out == preferences.is_opted_out
    assert registered.unsubscribe_url == preferences.unsubscribe_url


def test_a_batch_uses_organisers_wording_and_suppresses_who_declined_since(db):
    EmailTemplate.objects.create(
        kind="messages.broadcast",
        language="en",
        subject="[GMC] {{ subject }}",
        text="{{ body }}",
    )
    keen, tired = UserFactory(language="en"), UserFactory(language="en")
    context = {"subject": "Rooms", "body": "The rooms changed.", "name": "A", "greeting": True}
    outbox.queue_many(
        kind="messages.broadcast",
        messages=[
            outbox.Outgoing(key=f"batch|{person.pk}", to=person, context=context)
            for person in (keen, tired)
        ],
    )
    preferences.unsubscribe(tired.pk, EmailCategory.ANNOUNCEMENTS)
    outbox.deliver_many(list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)))

    assert [(m.to, m.subject) for m in mail.outbox] == [([keen.email], "[GMC] Rooms")]
    link = preferences.unsubscribe_url(keen.pk, EmailCategory.ANNOUNCEMENTS)
    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert OutboxMessage.objects.get(to_email=tired.email).status == (
        OutboxMessage.Status.SUPPRESSED
    )
