"""The Content-Security-Policy and the Permissions-Policy on every kind of response, and
page templates the policy can live with (no inline script, style or event handler)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from gmc import outbox
from mailings.models import EmailTemplate
from tests.factories import EditionFactory, PublicationFactory, UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [source, ...]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        if part.strip():
            name, *sources = part.split()
            assert name not in directives, f"{name} twice in {header!r}"
            directives[name] = sources
    return directives


def assert_strict_policy(response) -> None:
    csp = policy(response)
    where = response.request["PATH_INFO"]
    assert csp["default-src"] == ["'self'"], where
    assert csp["script-src"] == ["'self'"], where
    assert csp["style-src"] == ["'self'"], where
    for sources in csp.values():
        assert "'unsafe-inline'" not in sources, where
        assert "'unsafe-eval'" not in sources, where
        assert "*" not in sources, where
    assert csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] == ["'none'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["form-action"] == ["'self'"], where


def permissions(response) -> dict[str, str]:
    """The response's Permissions-Policy as {feature: allowlist}."""
    header = response.headers.get("Permissions-Policy")
    assert header, f"no Permissions-Policy on {response.request['PATH_INFO']}"
    return dict(item.strip().split("=", 1) for item in header.split(","))


def assert_no_powerful_features(response) -> None:
    features = permissions(response)
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", (response.request["PATH_INFO"], feature)


@pytest.fixture
def current_edition(db):
    return EditionFactory(is_current=True)


@pytest.fixture
def publication_with_file(db, private_storage):
    publication = PublicationFactory()
    publication.file.save("report.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return publication


def test_every_kind_of_response_carries_both_policies(
    client, organiser, current_edition, publication_with_file
):
    responses = {
        "public page": client.get("/"),
        "not found": client.get("/no-such-page/"),
        "redirect to sign in": client.get("/register/me/"),
        "admin sign-in (to the account sign-in)": client.get("/admin/login/"),
        "account sign-in": client.get(reverse("account_login")),
        "JSON": client.get("/healthz"),
        "file download": client.get(
            reverse("publication_download", args=[publication_with_file.slug])
        ),
    }
    client.force_login(organiser)
    responses["admin index"] = client.get("/admin/")
    responses["admin change list"] = client.get("/admin/registration/registration/")

    expected = {
        "public page": 200,
        "not found": 404,
        "redirect to sign in": 302,
        "admin sign-in (to the account sign-in)": 302,
        "account sign-in": 200,
        "JSON": 200,
        "file download": 200,
        "admin index": 200,
        "admin change list": 200,
    }
    assert {kind: r.status_code for kind, r in responses.items()} == expected
    assert responses["file download"]["Content-Disposition"].startswith("attachment")
    for response in responses.values():
        assert_strict_policy(response)
        assert_no_powerful_features(response)


def test_only_the_checkin_page_may_use_the_camera(client, staff_organiser, current_edition):
    client.force_login(staff_organiser)
    checkin = client.get(reverse("registration:checkin"))
    stats = client.get(reverse("registration:stats"))
    assert checkin.status_code == stats.status_code == 200

    assert permissions(checkin)["camera"] == "(self)"
    assert_strict_policy(checkin)
    assert permissions(stats)["camera"] == "()"
    # Everything else stays off on the check-in page too.
    without_camera = {k: v for k, v in permissions(checkin).items() if k != "camera"}
    assert without_camera == {k: v for k, v in permissions(stats).items() if k != "camera"}
    assert set(without_camera.values()) == {"()"}


def test_people_who_cannot_check_in_never_get_the_camera(client, current_edition):
    client.force_login(UserFactory())
    refused = client.get(reverse("registration:checkin"))
    assert refused.status_code == 403
    assert permissions(refused)["camera"] == "()"


def test_email_previews_are_framed_from_their_own_sandboxed_address(admin_client):
    template = EmailTemplate.objects.create(
        kind="registration.confirmed",
        language="en",
        subject="Welcome {{ name }}",
        text="Your ticket: {{ ticket_url }}",
        html='<p style="color:#0b4f8a">Seat at {{ venue }}</p>',
    )
    page = admin_client.get(reverse("admin:mailings_emailtemplate_change", args=[template.pk]))
    frame_url = reverse("admin:mailings_emailtemplate_preview", args=[template.pk])
    assert f'sandbox="" src="{frame_url}"' in page.content.decode()
    assert_strict_policy(page)

    frame = admin_client.get(frame_url)
    assert frame.status_code == 200
    assert '<p style="color:#0b4f8a">Seat at Main hall, Hanoi</p>' in frame.content.decode()
    csp = policy(frame)
    # Inline styles, as in every email, but never a script, and only inside this site.
    assert csp["default-src"] == ["'none'"]
    assert "script-src" not in csp
    assert csp["style-src"] == ["'unsafe-inline'"]
    assert csp["sandbox"] == []
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["form-action"] == csp["base-uri"] == ["'none'"]
    assert frame["X-Frame-Options"] == "SAMEORIGIN"


def test_email_preview_frames_are_for_organisers_only(client, db):
    template = EmailTemplate.objects.create(
        kind="registration.confirmed", language="en", subject="S", text="T", html="<p>H</p>"
    )
    url = reverse("admin:mailings_emailtemplate_preview", args=[template.pk])
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403


def test_development_mail_sink_frames_the_html_part_the_same_way(client, db, settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    message = outbox.queue(kind="outbox.test", to="reader@example.org", context={"note": "Hi"})
    outbox.deliver(message.pk)
    name = next(tmp_path.glob("*.log")).name
    page = client.get(reverse("mail_sink_message", args=[name, 0]))
    frame_url = reverse("mail_sink_message_html", args=[name, 0])
    assert f'sandbox="" src="{frame_url}"' in page.content.decode()
    assert_strict_policy(page)

    frame = client.get(frame_url)
    assert frame.status_code == 200
    assert "Test message from the GMC portal" in frame.content.decode()
    assert policy(frame)["sandbox"] == []
    assert policy(frame)["frame-ancestors"] == ["'self'"]
    assert client.get(reverse("mail_sink_message_html", args=[name, 5])).status_code == 404


# --- templates the policy can live with ------------------------------------------------

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
DATA_SCRIPT = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_code(source: str) -> list[str]:
    """What a strict Content-Security-Policy would block in a page template's source."""
    found = []
    for attributes, body in SCRIPT.findall(source):
        if body.strip() and not DATA_SCRIPT.search(attributes):
            found.append(f"inline <script>: {body.strip()[:60]!r}")
    for pattern, what in (
        (STYLE_ATTRIBUTE, "style attribute"),
        (HANDLER_ATTRIBUTE, "event handler attribute"),
        (STYLE_ELEMENT, "<style> element"),
        (JAVASCRIPT_URL, "javascript: URL"),
    ):
        for match in pattern.finditer(source):
            line = source[: match.start()].count("\n") + 1
            found.append(f"{what} on line {line}")
    return found


def page_templates() -> list[Path]:
    return sorted(
        path for path in TEMPLATES.rglob("*.html") if (TEMPLATES / "emails") not in path.parents
    )


def test_page_templates_have_no_inline_script_style_or_handler():
    assert len(page_templates()) > 20
    found = [
        f"{path.relative_to(TEMPLATES)}: {problem}"
        for path in page_templates()
        for problem in inline_code(path.read_text())
    ]
    assert not found, "\n".join(["Blocked by the Content-Security-Policy:", *found])


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">\n  go();\n</script>',
        '<div style="color: red">',
        '<button onclick="go()">',
        "<a href=\"#\" onMouseOver='go()'>",
        "<style>p { color: red }</style>",
        '<a href="javascript:go()">',
    ],
)
def test_the_template_check_catches(source):
    assert inline_code(source)


@pytest.mark.parametrize(
    "source",
    [
        '<script src="/static/agenda/zone.js" defer></script>',
        '<script type="application/json" id="data">{"a": 1}</script>',
        "{{ value|json_script:'data' }}",
        '<p class="display-style">online=yes</p>',
        '<svg><polyline stroke="#666" fill="none"></polyline></svg>',
    ],
)
def test_the_template_check_lets_through(source):
    assert not inline_code(source)
