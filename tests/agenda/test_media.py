"""Recordings and materials of sessions: who sees their addresses, the private files
and their permission check, https links only, the admin's inlines, the edition's
"Recordings" section, and the cached pages that follow every change."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from agenda.models import Material, Recording, Visibility
from registration.models import Registration
from tests.agenda.factories import SessionFactory
from tests.factories import UserFactory
from tests.registration.factories import RegistrationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PUBLIC_VIDEO = "https://video.example.org/opening-en"
HIDDEN_VIDEO = "https://video.example.org/opening-es-registered-only"


@pytest.fixture
def edition(edition):
    edition.working_language = "en"
    edition.interpretation_languages = ["es", "zh-hans"]
    edition.save()
    return edition


@pytest.fixture
def session(edition):
    return SessionFactory(edition=edition, title="Opening ceremony")


@pytest.fixture
def recordings(session):
    return [
        Recording.objects.create(session=session, language="en", url=PUBLIC_VIDEO),
        Recording.objects.create(
            session=session, language="es", url=HIDDEN_VIDEO, visibility=Visibility.REGISTERED
        ),
    ]


def material(session, visibility=Visibility.REGISTERED, title="Slides") -> Material:
    return Material.objects.create(
        session=session,
        title=title,
        file=default_storage.save("materials/slides.pdf", ContentFile(PDF)),
        visibility=visibility,
    )


def visitor(person=None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def registered(edition, **fields):
    person = UserFactory()
    RegistrationFactory(edition=edition, attendee=person, **fields)
    return person


def test_anonymous_visitors_see_that_a_recording_exists_but_never_its_address(
    session, recordings, private_storage
):
    hidden = material(session)
    for path in (session.get_absolute_url(), f"/agenda/{session.edition.year}/"):
        html = visitor().get(path).content.decode()
        assert PUBLIC_VIDEO in html
        assert "Recording with interpretation into Spanish" in html
        assert "Recording in English (original)" in html
        assert HIDDEN_VIDEO not in html
        assert hidden.get_download_url() not in html
    page = visitor().get(session.get_absolute_url()).content.decode()
    assert "Sign in to see them" in page and "for registered participants" in page


def test_only_registered_people_and_organisers_see_registered_only_addresses(
    session, recordings, staff_organiser, private_storage
):
    hidden = material(session)
    waiting = registered(session.edition, status=Registration.Status.WAITING)
    shown_to = [registered(session.edition), waiting, staff_organiser]
    not_shown_to = [
        UserFactory(),
        registered(session.edition, status=Registration.Status.CANCELLED),
        registered(SessionFactory().edition),
    ]
    for person in shown_to + not_shown_to:
        client = visitor(person)
        for path in (session.get_absolute_url(), f"/agenda/{session.edition.year}/"):
            html = client.get(path).content.decode()
            sees = person in shown_to
            assert (HIDDEN_VIDEO in html) is sees, (person, path)
            assert (hidden.get_download_url() in html) is sees, (person, path)
            assert PUBLIC_VIDEO in html


def test_the_shared_copy_never_holds_what_a_registered_visitor_was_shown(session, recordings):
    assert (
        HIDDEN_VIDEO
        in visitor(registered(session.edition)).get(session.get_absolute_url()).content.decode()
    )
    first = visitor().get(session.get_absolute_url())
    second = visitor().get(session.get_absolute_url())
    assert second["Cache-Control"].startswith("public")
    for response in (first, second):
        assert HIDDEN_VIDEO not in response.content.decode()


def test_a_registered_only_file_is_sent_after_the_check(session, private_storage, settings):
    hidden = material(session, title="Opening slides")
    url = hidden.get_download_url()
    response = visitor().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert visitor(UserFactory()).get(url).status_code == 403
    response = visitor(registered(session.edition)).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Opening slides.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private, no-store")
    # Behind nginx the web server sends it, from the internal location.
    settings.DECLARATION_X_ACCEL_PREFIX = "/_private/"
    response = visitor(registered(session.edition)).get(url)
    assert response["X-Accel-Redirect"] == f"/_private/{hidden.file.name}"
    assert response.content == b""


def test_a_public_file_is_anyones_and_a_draft_sessions_nobodys(edition, private_storage):
    shown = material(SessionFactory(edition=edition), visibility=Visibility.PUBLIC)
    response = visitor().get(shown.get_download_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    draft = material(SessionFactory(edition=edition, is_published=False), Visibility.PUBLIC)
    assert visitor().get(draft.get_download_url()).status_code == 404
    link = Material.objects.create(
        session=shown.session, title="Report", link="https://example.org/report"
    )
    assert visitor().get(link.get_download_url()).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_deleted_material_takes_its_file_along(edition, private_storage):
    gone = material(SessionFactory(edition=edition))
    stored = private_storage / gone.file.name
    assert stored.exists()
    with transaction.atomic():
        gone.delete()
        assert stored.exists()  # until the deletion commits
    assert not stored.exists()


@pytest.mark.parametrize(
    "model, field, fields",
    [
        (Recording, "url", {"language": "en", "url": "http://video.example.org/x"}),
        (Recording, "url", {"language": "en", "url": "ftp://video.example.org/x"}),
        (Material, "link", {"title": "Slides", "link": "http://example.org/slides"}),
        (Material, "link", {"title": "Slides", "link": "javascript:alert(1)"}),
    ],
)
def test_links_must_be_https(session, model, field, fields):
    item = model(session=session, **fields)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "Enter an https:// address (a secure link)." in error.value.message_dict[field]
    model(session=session, **{**fields, field: "https://example.org/x"}).full_clean()


def test_a_recording_is_in_one_of_the_editions_languages_once(session, recordings):
    with pytest.raises(ValidationError) as error:
        Recording(session=session, language="fr", url="https://v.example.org/f").full_clean()
    assert "language" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Recording(session=session, language="en", url="https://v.example.org/e").full_clean()
    assert error.value.messages == ["This session already has a recording in that language."]
    Recording(session=session, language="zh-hans", url="https://v.example.org/z").full_clean()


def test_a_material_is_a_file_or_a_link_of_a_kind_slides_come_in(session, private_storage):
    with pytest.raises(ValidationError):
        Material(session=session, title="Nothing").full_clean()
    with pytest.raises(ValidationError) as error:
        Material(
            session=session,
            title="Macros",
            file=SimpleUploadedFile("deck.pptm", b"PK\x03\x04"),
        ).full_clean()
    assert "file" in error.value.message_dict


def admin_form(session, **extra) -> dict:
    day = session.starts_at.astimezone(session.edition.tz)
    end = session.ends_at.astimezone(session.edition.tz)
    data = {
        "edition": session.edition.pk,
        "kind": session.kind,
        "title_en": session.title,
        "slug": session.slug,
        "description_en": session.description,
        "starts_at_0": day.date().isoformat(),
        "starts_at_1": day.strftime("%H:%M"),
        "ends_at_0": end.date().isoformat(),
        "ends_at_1": end.strftime("%H:%M"),
        "is_published": "on",
    }
    for prefix in ("session_speakers", "children", "recordings", "materials"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(extra)
    return data


def test_organisers_add_recordings_and_materials_in_the_sessions_admin(
    client, staff_organiser, session, private_storage
):
    client.force_login(staff_organiser)
    url = f"/admin/agenda/session/{session.pk}/change/"
    page = client.get(url).content.decode()
    # The languages offered are the edition's, the working one named the original.
    assert '<option value="en">English (original)</option>' in page
    assert '<option value="zh-hans">' in page and '<option value="fr">' not in page
    sent = admin_form(
        session,
        **{
            "recordings-TOTAL_FORMS": "1",
            "recordings-0-language": "es",
            "recordings-0-url": "http://video.example.org/plain",
            "recordings-0-visibility": "registered",
            "materials-TOTAL_FORMS": "1",
            "materials-0-title": "Slides",
            "materials-0-file": SimpleUploadedFile("slides.pdf", PDF),
            "materials-0-visibility": "public",
            "materials-0-order": "0",
        },
    )
    response = client.post(url, sent)
    assert response.status_code == 200
    assert "Enter an https:// address (a secure link)." in response.content.decode()
    assert not Recording.objects.exists() and not Material.objects.exists()
    sent["recordings-0-url"] = "https://video.example.org/es"
    sent["materials-0-file"] = SimpleUploadedFile("slides.pdf", PDF)
    response = client.post(url, sent)
    assert response.status_code == 302, response.content.decode()[:3000]
    recording = Recording.objects.get()
    assert (recording.language, recording.visibility) == ("es", "registered")
    stored = Material.objects.get()
    assert stored.file.name.startswith("materials/") and stored.file.name.endswith(".pdf")
    assert (private_storage / stored.file.name).read_bytes() == PDF
    # A link typed without a scheme is taken as https.
    sent = admin_form(
        session,
        **{
            "recordings-TOTAL_FORMS": "1",
            "recordings-INITIAL_FORMS": "1",
            "recordings-0-id": str(recording.pk),
            "recordings-0-session": str(session.pk),
            "recordings-0-language": "es",
            "recordings-0-url": "video.example.org/es-2",
            "recordings-0-visibility": "public",
        },
    )
    assert client.post(url, sent).status_code == 302
    recording.refresh_from_db()
    assert recording.url == "https://video.example.org/es-2"


def test_the_cached_pages_follow_every_change_to_recordings_and_materials(
    session, private_storage
):
    """Each change is made without the admin (which saves the session too): the models
    themselves invalidate the session's page, the programme and the edition's page."""
    edition_page = f"/editions/{session.edition.year}/"
    paths = [session.get_absolute_url(), f"/agenda/{session.edition.year}/"]

    def shown() -> list[str]:
        return [visitor().get(path).content.decode() for path in [*paths, edition_page]]

    before = shown()
    assert all("Recording in English" not in html for html in before)
    assert 'id="recordings"' not in before[2]
    recording = Recording.objects.create(session=session, language="en", url=PUBLIC_VIDEO)
    pages = shown()
    assert all(PUBLIC_VIDEO in html for html in pages[:2])
    assert 'id="recordings"' in pages[2]
    recording.visibility = Visibility.REGISTERED
    recording.save()
    assert all(PUBLIC_VIDEO not in html for html in shown()[:2])
    slides = material(session, visibility=Visibility.PUBLIC, title="Keynote slides")
    assert all("Keynote slides" in html for html in shown()[:2])
    slides.delete()
    recording.delete()
    after = shown()
    assert all("Keynote slides" not in html for html in after)
    assert all("Recording in English" not in html for html in after)
    assert 'id="recordings"' not in after[2]


def test_the_edition_page_lists_the_recorded_sessions_without_links_to_videos(
    session, recordings, edition
):
    SessionFactory(edition=edition, title="Not recorded")
    html = visitor().get(f"/editions/{edition.year}/").content.decode()
    section = html[html.index('id="recordings"') :]
    assert f'href="{session.get_absolute_url()}#recordings"' in section
    assert "English and Spanish" in section
    assert "some for registered participants" in section
    assert "Not recorded" not in html
    assert PUBLIC_VIDEO not in html and HIDDEN_VIDEO not in html
