import pytest
from django.core import mail
from django.urls import reverse

from gmc import email_kinds, outbox
from gmc.models import OutboxMessage
from mailings import wording
from mailings.models import EmailCategory, EmailTemplate
from tests.factories import UserFactory

CONTEXT = {
    "name": "Amina <Otieno>",
    "edition_title": "GMC 2030",
    "event": "Registration closes",
    "when": "March 9, 2030, 5 p.m. (UTC)",
    "zone": "UTC",
    "action_url": "https://gmc.example.org/register/2030/",
    "session_title": "",
    "contact_email": "",
}


def queue_reminder(person) -> OutboxMessage:
    return outbox.queue(kind="reminders.registration_closing", to=person, context=CONTEXT)


def test_built_in_wording_when_no_template_is_set(db):
    email = outbox.render(queue_reminder(UserFactory()))
    assert email.subject == "Registration for GMC 2030 closes on March 9, 2030, 5 p.m. (UTC)"


def test_organisers_template_replaces_the_files_in_the_recipients_language(db):
    EmailTemplate.objects.create(
        kind="reminders.registration_closing",
        language="en",
        subject="Last call: {{ edition_title }}",
        text="Hello {{ name }}, register by {{ when }}: {{ action_url }}",
        html="<p>Hello <b>{{ name }}</b>, register by {{ when }}.</p>",
    )
    EmailTemplate.objects.create(
        kind="reminders.registration_closing",
        language="es",
        subject="Última llamada: {{ edition_title }}",
        text="Hola {{ name }}",
    )
    english = outbox.render(queue_reminder(UserFactory(language="en")))
    spanish = outbox.render(queue_reminder(UserFactory(language="es")))
    # No template in Arabic: the default language's template, not the files.
    arabic = outbox.render(queue_reminder(UserFactory(language="ar")))

    assert english.subject == "Last call: GMC 2030"
    assert english.body.startswith("Hello Amina <Otieno>, register by March 9")
    html = english.alternatives[0][0]
    assert "<b>Amina &lt;Otieno&gt;</b>" in html  # the context is escaped in HTML
    assert "Global MOOC and Online Education Conference" in html  # the site's layout
    assert "unsubscribe" in html  # the link is there although the template left it out
    assert spanish.subject == "Última llamada: GMC 2030"
    assert "<p>Hola Amina &lt;Otieno&gt;" in spanish.alternatives[0][0]  # text as paragraphs
    assert arabic.subject == "Last call: GMC 2030"


def test_delivered_email_uses_the_template(db):
    EmailTemplate.objects.create(
        kind="reminders.registration_closing",
        language="en",
        subject="Custom {{ edition_title }}",
        text="Body",
    )
    message = queue_reminder(UserFactory())
    outbox.deliver(message.pk)
    assert mail.outbox[0].subject == "Custom GMC 2030"


@pytest.fixture
def admin_client(client, staff_organiser):
    client.force_login(staff_organiser)
    return client


def form_data(**fields) -> dict:
    data = {
        "kind": "reminders.registration_closing",
        "language": "en",
        "subject": "Register for {{ edition_title }}",
        "text": "Dear {{ name }}, until {{ when }}.",
        "html": "",
    }
    data.update(fields)
    return data


def test_organiser_saves_a_valid_template(admin_client):
    response = admin_client.post(reverse("admin:mailings_emailtemplate_add"), form_data())
    assert response.status_code == 302
    assert EmailTemplate.objects.get().subject == "Register for {{ edition_title }}"


@pytest.mark.parametrize(
    ("field", "source", "error"),
    [
        ("subject", "Register {% if %}", "Template error"),
        ("text", "Dear {{ name }}{% endif %}", "Template error"),
        ("html", "<p>{% for x in %}</p>", "Template error"),
        ("text", "Dear {{ ticket_code }}", "Unknown variables: ticket_code"),
        ("html", "<p>{{ name|date:'Y' }} {{ secret.key }}</p>", "Unknown variables: secret"),
        ("text", "{{ name|nosuchfilter }}", "Template error"),
    ],
)
def test_template_errors_are_caught_on_save(admin_client, field, source, error):
    response = admin_client.post(
        reverse("admin:mailings_emailtemplate_add"), form_data(**{field: source})
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not EmailTemplate.objects.exists()
    # What the organiser typed is kept.
    assert source.replace("'", "&#x27;").replace("<", "&lt;").replace(">", "&gt;") in (
        response.content.decode()
    )


def test_loops_and_translation_blocks_may_bind_their_own_names(admin_client):
    response = admin_client.post(
        reverse("admin:mailings_emailtemplate_add"),
        form_data(
            kind="declarations.receipt",
            subject="{% load i18n %}{% blocktranslate with t=edition_title %}Got it: {{ t }}"
            "{% endblocktranslate %}",
            text="{% for a in answers %}{{ forloop.counter }}. {{ a.topic }}{% endfor %}",
        ),
    )
    assert response.status_code == 302


def test_add_page_lists_each_emails_variables(admin_client):
    page = admin_client.get(reverse("admin:mailings_emailtemplate_add")).content.decode()
    assert "{{ ticket_url }}" in page
    assert "{{ unsubscribe_url }}" in page
    assert "Reminder: registration closes" in page


def test_change_page_previews_with_sample_data(admin_client):
    template = EmailTemplate.objects.create(
        kind="registration.confirmed",
        language="en",
        subject="Welcome {{ name }}",
        text="Your ticket: {{ ticket_url }}",
        html="<p>Seat at {{ venue }}</p>",
    )
    page = admin_client.get(
        reverse("admin:mailings_emailtemplate_change", args=[template.pk])
    ).content.decode()
    assert "Welcome Amina Otieno" in page
    assert "https://gmc.example.org/registration/ticket/sample-ticket-code/" in page
    frame = admin_client.get(reverse("admin:mailings_emailtemplate_preview", args=[template.pk]))
    assert "Seat at Main hall, Hanoi" in frame.content.decode()  # the framed HTML version
    assert "{{ unsubscribe_url }}" not in page  # a transactional email has none


def test_people_without_permission_cannot_edit_templates(client, db):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:mailings_emailtemplate_add"))
    assert response.status_code == 403


def initial_values(page: str) -> dict[str, str]:
    """The subject input's value and the two textareas' contents of an admin form."""
    import html as html_lib
    import re

    subject = re.search(r'<input[^>]*name="subject"[^>]*value="([^"]*)"', page)
    values = {"subject": html_lib.unescape(subject.group(1)) if subject else ""}
    for name in ("text", "html"):
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
        values[name] = html_lib.unescape(found.group(1)) if found else ""
    return values


@pytest.mark.parametrize("kind", list(email_kinds.KINDS))
def test_the_built_in_wording_is_a_valid_template_that_says_the_same(db, kind):
    """What an organiser starts from passes the check on save and, saved unchanged,
    sends the same words as the files."""
    built_in = wording.file_wording(kind)
    assert built_in["subject"] and built_in["text"] and built_in["html"]
    assert wording.check_template(kind, built_in) == {}
    context = email_kinds.KINDS[kind].sample_context()
    from_files = outbox.render_parts(
        template=kind.replace(".", "/"), context=context, language="en"
    )
    custom = EmailTemplate(kind=kind, language="en", **built_in)
    as_template = outbox.render_parts(
        template=kind.replace(".", "/"), context=context, language="en", custom=custom.wording
    )
    assert as_template[0] == from_files[0]
    # The files carry the unsubscribe link; it is added to a template when it is sent.
    assert as_template[1].split() == from_files[1].split("\n-- \n")[0].split()


def test_a_new_template_starts_from_the_built_in_wording(admin_client):
    add = reverse("admin:mailings_emailtemplate_add")
    page = admin_client.get(add).content.decode()
    assert f'href="{add}?kind=reminders.conference_starting"' in page

    page = admin_client.get(add, {"kind": "reminders.conference_starting"}).content.decode()
    values = initial_values(page)
    assert "starts on {{ when }}" in values["subject"]
    assert "We look forward to seeing you." in values["text"]
    assert "{{ action_url }}" in values["html"]
    assert '<option value="reminders.conference_starting" selected>' in page

    # Saved as it stands, it is accepted.
    response = admin_client.post(
        add, {"kind": "reminders.conference_starting", "language": "en", **values}
    )
    assert response.status_code == 302
    assert EmailTemplate.objects.get().kind == "reminders.conference_starting"


def test_a_new_template_starts_from_the_organisers_last_version(admin_client, settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish")]
    EmailTemplate.objects.create(
        kind="registration.confirmed",
        language="en",
        subject="Welcome {{ name }}",
        text="Your ticket: {{ ticket_url }}",
        html="<p>Seat at {{ venue }}</p>",
    )
    page = admin_client.get(
        reverse("admin:mailings_emailtemplate_add"),
        {"kind": "registration.confirmed", "language": "es"},
    ).content.decode()
    assert initial_values(page) == {
        "subject": "Welcome {{ name }}",
        "text": "Your ticket: {{ ticket_url }}",
        "html": "<p>Seat at {{ venue }}</p>",
    }


def test_every_category_of_an_email_kind_is_one_people_can_choose():
    """The registry names categories by their keys; mailings owns the choices."""
    used = {info.category for info in email_kinds.KINDS.values() if info.category}
    assert used == set(EmailCategory.values)
