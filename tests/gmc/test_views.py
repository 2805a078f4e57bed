import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from gmc import outbox


def test_healthz_is_ok_with_database_and_broker(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["broker"] == "ok"


def test_healthz_is_degraded_not_503_when_the_broker_is_down(client, db, settings):
    # The site serves without Redis (tests/gmc/test_redis_faults.py): a 503 here would
    # make the load balancer take every web process out at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    # In a process of its own, whose database is a port where nothing listens.
    code = (
        "from django.test import Client; r = Client().get('/healthz'); "
        "print(r.status_code, r.json()['status'])"
    )
    own = {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    keep = {k: v for k, v in os.environ.items() if k not in own}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **keep,
            "DJANGO_SETTINGS_MODULE": "gmc.settings",
            "DEBUG": "1",
            "GMC_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.split()[-2:] == ["503", "unavailable"], result.stderr


def test_base_layout_is_accessible(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert html.count("<h1") == 1
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_language_switcher_appears_with_a_second_language(client, user, settings):
    client.force_login(user)
    settings.LANGUAGES = [("en", "English")]
    assert 'name="language"' not in client.get("/").content.decode()
    settings.LANGUAGES = [("en", "English"), ("ar", "Arabic")]
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert '<label for="language-select"' in html
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.status_code == 302
    html = client.get("/", follow=True, HTTP_ACCEPT="text/html").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_unknown_page_is_404_in_site_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'id="main"' in response.content.decode()


def test_mail_sink_lists_and_shows_sent_emails(client, db, settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    message = outbox.queue(
        kind="outbox.test", to="reader@example.org", context={"note": "Hi <there>"}
    )
    outbox.deliver(message.pk)
    page = client.get(reverse("mail_sink"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "reader@example.org" in html
    assert "Test message from the GMC portal" in html
    name = next(tmp_path.glob("*.log")).name
    detail = client.get(reverse("mail_sink_message", args=[name, 0]))
    assert detail.status_code == 200
    assert "Hi &lt;there&gt;" in detail.content.decode()
    assert client.get(reverse("mail_sink_message", args=[name, 5])).status_code == 404
    assert client.get(reverse("mail_sink_message", args=["..", 0])).status_code == 404


def test_mail_sink_is_absent_without_debug(client, db, settings):
    settings.DEBUG = False
    assert client.get(reverse("mail_sink")).status_code == 404
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    "remote",
    [
        {"REMOTE_ADDR": "203.0.113.7"},
        {"REMOTE_ADDR": "192.168.1.20"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
        {"REMOTE_ADDR": "not-an-address"},
    ],
)
def test_mail_sink_answers_only_to_this_machine(client, db, settings, tmp_path, remote):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    outbox.deliver(outbox.queue(kind="outbox.test", to="reader@example.org").pk)
    name = next(tmp_path.glob("*.log")).name
    assert client.get(reverse("mail_sink"), REMOTE_ADDR="::1").status_code == 200
    assert client.get(reverse("mail_sink"), **remote).status_code == 404
    message = reverse("mail_sink_message", args=[name, 0])
    assert client.get(message, **remote).status_code == 404


def test_privacy_notice_and_code_of_conduct_are_linked_from_every_page(client, db):
    home = client.get("/").content.decode()
    assert 'href="/privacy/"' in home and 'href="/code-of-conduct/"' in home
    privacy = client.get("/privacy/")
    conduct = client.get("/code-of-conduct/")
    assert privacy.status_code == conduct.status_code == 200
    assert "<h1>Privacy notice</h1>" in privacy.content.decode()
    assert "delete your account" in privacy.content.decode()
    assert "<h1>Code of conduct</h1>" in conduct.content.decode()
