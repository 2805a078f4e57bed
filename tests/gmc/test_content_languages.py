"""Organisers' texts written per language: the admin's fields and list column, the
English fallback on public pages and in emails, the migration that keeps the texts
written before as English, and the demo's Spanish and Vietnamese texts."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from declarations.emails import receipt_context
from declarations.models import Call, Topic
from gmc.models import Edition, NewsArticle
from registration.emails import email_context
from tests.declarations.factories import AnswerFactory, SubmissionFactory, TopicFactory
from tests.factories import EditionFactory, NewsArticleFactory, UserFactory
from tests.gmc.test_admin import edition_form_data
from tests.registration.factories import RegistrationFactory


@pytest.fixture(autouse=True)
def english_after_each_test(english_afterwards):
    pass


def english_column(table: str, column: str, pk: int) -> str:
    """The original column as stored, past the per-language reading of the model."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


# --- the admin ---


def test_admin_form_has_a_field_per_language(client, staff_organiser):
    edition = EditionFactory(year=2026)
    client.force_login(staff_organiser)
    html = client.get(f"/admin/gmc/edition/{edition.pk}/change/").content.decode()
    for column in ("title_en", "title_es", "title_zh_hans", "title_ar", "aims_vi"):
        assert f'name="{column}"' in html
    # The original fields are not edited twice.
    assert 'name="title"' not in html


def test_admin_saves_each_language_and_keeps_english_in_the_original_column(
    client, staff_organiser
):
    edition = EditionFactory(year=2026, time_zone="Asia/Ho_Chi_Minh")
    client.force_login(staff_organiser)
    data = edition_form_data(
        title_en="GMC 2026",
        title_es="Conferencia GMC 2026",
        aims_en="Share what works.",
        aims_vi="Chia sẻ những gì hiệu quả.",
    )
    # An organiser reading the admin in Spanish.
    response = client.post(
        f"/admin/gmc/edition/{edition.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    edition.refresh_from_db()
    assert (edition.title_en, edition.title_es, edition.title_fr) == (
        "GMC 2026",
        "Conferencia GMC 2026",
        None,
    )
    assert edition.aims_vi == "Chia sẻ những gì hiệu quả."
    assert english_column("gmc_edition", "title", edition.pk) == "GMC 2026"
    assert english_column("gmc_edition", "aims", edition.pk) == "Share what works."


def test_admin_list_names_the_languages_written(client, staff_organiser):
    NewsArticleFactory(title="Registration opens", title_es="Abre la inscripción", title_vi="")
    NewsArticleFactory(title="Programme online", summary_ar="البرنامج متاح")
    client.force_login(staff_organiser)
    html = client.get("/admin/gmc/newsarticle/").content.decode()
    cells = re.findall(r'<td class="field-translations">(.*?)</td>', html)
    assert sorted(cells) == ["en, ar", "en, es"]


def test_admin_add_news_in_two_languages(client, staff_organiser):
    edition = EditionFactory()
    client.force_login(staff_organiser)
    response = client.post(
        "/admin/gmc/newsarticle/add/",
        {
            "edition": edition.pk,
            "title_en": "Programme published",
            "title_es": "Programa publicado",
            "slug": "programme-published",
            "summary_en": "The programme is online.",
            "body_en": "Read it.",
            "body_es": "Léalo.",
            "status": NewsArticle.Status.PUBLISHED,
            "published_at_0": "2026-01-05",
            "published_at_1": "10:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    article = NewsArticle.objects.get(slug="programme-published")
    with translation.override("es"):
        assert (article.title, article.summary, article.body) == (
            "Programa publicado",
            "The programme is online.",
            "Léalo.",
        )


def test_call_admin_edits_topics_per_language(client, staff_organiser):
    topic = TopicFactory(title="Role and impact")
    client.force_login(staff_organiser)
    html = client.get(f"/admin/declarations/call/{topic.call_id}/change/").content.decode()
    assert 'name="topics-0-title_vi"' in html
    assert 'name="topics-0-guiding_question_es"' in html
    assert 'name="introduction_ar"' in html


# --- public pages: the active language, else English ---


def test_edition_page_in_spanish_falls_back_to_english_where_empty(client, db, language_formats):
    edition = EditionFactory(
        year=2026,
        title="Global conference 2026",
        title_es="Conferencia mundial 2026",
        aims="Aims in English.",
        aims_es="",
    )
    url = reverse("edition_detail", args=[edition.year])
    spanish = client.get(f"/es{url}").content.decode()
    assert "Conferencia mundial 2026" in spanish
    assert "Aims in English." in spanish
    english = client.get(url).content.decode()
    assert "Global conference 2026" in english
    assert "Conferencia mundial 2026" not in english


def test_model_reads_the_active_language_with_english_fallback(db):
    EditionFactory(year=2026, title="GMC 2026", title_vi="Hội nghị GMC 2026", theme="Open")
    with translation.override("vi"):
        edition = Edition.objects.get(year=2026)
        assert (edition.title, edition.theme) == ("Hội nghị GMC 2026", "Open")
    with translation.override("fr"):
        assert Edition.objects.get(year=2026).title == "GMC 2026"


# --- emails: the recipient's language ---


def test_registration_email_shows_the_title_in_the_attendees_language(db, language_formats):
    edition = EditionFactory(title="GMC 2026", title_es="CMG 2026", venue="Main hall")
    spanish = RegistrationFactory(edition=edition, attendee=UserFactory(language="es"))
    russian = RegistrationFactory(edition=edition, attendee=UserFactory(language="ru"))
    # Built while another language is active, as a worker or an organiser's request may.
    with translation.override("vi"):
        assert email_context(spanish)["edition_title"] == "CMG 2026"
        assert email_context(russian)["edition_title"] == "GMC 2026"


def test_receipt_shows_topics_in_the_contributors_language(db):
    topic = TopicFactory(title="Role and impact", title_es="Papel e impacto")
    submission = SubmissionFactory(call=topic.call, contributor=UserFactory(language="es"))
    AnswerFactory(submission=submission, topic=topic, text="Una respuesta.")
    with translation.override("en"):
        context = receipt_context(submission)
    assert context["answers"] == [{"topic": "Papel e impacto", "text": "Una respuesta."}]


# --- the migration ---


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_the_texts_written_before_as_english():
    executor = MigrationExecutor(connection)
    before = [("gmc", "0013_messaging_moves_to_mailings")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_edition = old_apps.get_model("gmc", "Edition").objects.create(
        year=2030, title="GMC 2030", aims="Aims written before."
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    edition = Edition.objects.get(pk=old_edition.pk)
    assert (edition.title_en, edition.aims_en, edition.title_es) == (
        "GMC 2030",
        "Aims written before.",
        None,
    )
    with translation.override("es"):
        assert Edition.objects.get(pk=old_edition.pk).title == "GMC 2030"


# --- the demo ---


def test_demo_has_the_2026_texts_and_the_call_in_spanish_and_vietnamese(demo):
    edition = Edition.objects.get(year=2026)
    for language in ("es", "vi"):
        for field in ("summary", "background", "target_audience"):
            assert getattr(edition, f"{field}_{language}"), (field, language)
    call = Call.objects.get(edition=edition)
    assert call.introduction_es.startswith("Los organizadores")
    assert call.introduction_vi.startswith("Ban tổ chức")
    with translation.override("es"):
        titles = [t.title for t in Topic.objects.filter(call=call).order_by("order")]
        # The conference's proper name is not translated: the English title is read.
        assert Edition.objects.get(year=2026).title == edition.title_en
    assert titles == [
        "Papel e impacto",
        "Características y ventajas",
        "Visión y recomendaciones",
        "Muestra de buenas prácticas",
    ]
    with translation.override("vi"):
        assert Topic.objects.get(call=call, order=1).title == "Vai trò và tác động"


def test_demo_translations_survive_a_second_load(demo):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Edition.objects.get(year=2026).summary_vi.startswith("Kỳ hội nghị năm 2026")
    assert Edition.objects.get(year=2026).summary_en.startswith("The 2026 edition")
