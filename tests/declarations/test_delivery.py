"""The receipt email end to end: the page -> outbox -> real Celery worker -> SMTP."""

import pytest
from django.urls import reverse

from declarations.models import Submission
from tests.conftest import wait_for
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory


@pytest.mark.delivery
def test_receipt_with_the_answers_arrives_once_per_submission(celery_worker, smtp_sink, client):
    call = call_with_topics(edition=EditionFactory(is_current=True, title="GMC delivery"))
    person = UserFactory(full_name="Linh Nguyen")
    RegistrationFactory(edition=call.edition, attendee=person)
    first, second = list(call.topics.all())[:2]
    client.force_login(person)
    url = reverse("declarations:submit")
    data = {
        "quote_consent": "anonymous",
        "action": "submit",
        f"topic_{first.pk}": "Open courses reached rural learners <b>first</b>.",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice, unchanged
    data[f"topic_{second.pk}"] = "Scale and openness."
    assert client.post(url, data).status_code == 302
    assert Submission.objects.get().submit_count == 2

    wait_for(lambda: len(smtp_sink.messages) >= 2, message="the receipts did not arrive")
    # A sentinel message shows that no third receipt is still on its way.
    sentinel = UserFactory(email="sentinel@example.org")
    RegistrationFactory(edition=call.edition, attendee=sentinel)
    client.force_login(sentinel)
    client.post(url, {**data, f"topic_{second.pk}": ""})
    wait_for(lambda: any("sentinel" in m["To"] for m in smtp_sink.messages), message="no sentinel")
    mine = [m for m in smtp_sink.messages if m["To"] == person.email]
    mine.sort(key=lambda m: "updated" in m["Subject"])
    assert [m["Subject"] for m in mine] == [
        "Your input for the declaration of GMC delivery",
        "Your updated input for the declaration of GMC delivery",
    ]
    text = mine[1].get_body(("plain",)).get_content()
    assert "Open courses reached rural learners <b>first</b>." in text
    assert "Scale and openness." in text
    html = mine[1].get_body(("html",)).get_content()
    assert "&lt;b&gt;first&lt;/b&gt;" in html
