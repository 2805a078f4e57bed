"""An account email end to end: allauth -> outbox -> real Celery worker -> SMTP."""

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.conftest import wait_for

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid.uuid4().hex}",
        }
    }


@pytest.mark.delivery
def test_signup_verification_arrives_over_smtp_and_verifies(celery_worker, smtp_sink, client):
    response = client.post(
        reverse("account_signup"),
        {"email": "arrives@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302

    wait_for(lambda: smtp_sink.messages, message="the verification email did not arrive")
    [message] = smtp_sink.messages
    assert message["To"] == "arrives@example.org"
    body = message.get_body(("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body).group(1)

    client.post(path)

    assert EmailAddress.objects.get(email="arrives@example.org").verified
