"""Organisers write each registration question in the languages they choose; a person
reads it in the page's language, or in English where it is not written."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from registration.models import Question
from tests.factories import UserFactory
from tests.registration.factories import QuestionFactory


def register_page(client, edition, prefix=""):
    return client.get(f"{prefix}/register/{edition.year}/").content.decode()


def test_a_question_reads_in_the_pages_language_and_falls_back_to_english(client, user, edition):
    QuestionFactory(
        edition=edition,
        label="Which workshop will you join?",
        label_es="¿En qué taller participará?",
        help_text="Pick one.",
    )
    client.force_login(user)
    spanish = register_page(client, edition, "/es")
    assert "¿En qué taller participará?" in spanish
    assert "Which workshop will you join?" not in spanish
    assert "Pick one." in spanish  # not written in Spanish: the English help
    assert "Which workshop will you join?" in register_page(client, edition)


@pytest.mark.django_db(transaction=True)
def test_questions_written_before_keep_their_wording_as_english():
    executor = MigrationExecutor(connection)
    before = [("registration", "0003_organiser_confirmation_in_person_questions")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    edition = old_apps.get_model("gmc", "Edition").objects.create(year=2031, title="GMC 2031")
    old = old_apps.get_model("registration", "Question").objects.create(
        edition_id=edition.pk, label="Dietary needs?", help_text="If any."
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    question = Question.objects.get(pk=old.pk)
    assert (question.label_en, question.help_text_en, question.label_es) == (
        "Dietary needs?",
        "If any.",
        None,
    )
    with translation.override("es"):
        assert Question.objects.get(pk=old.pk).label == "Dietary needs?"


def test_the_admin_offers_the_question_in_each_language(client, edition):
    sync_organiser_group()
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    question = QuestionFactory(edition=edition, label="Which workshop?")
    client.force_login(organiser)
    html = client.get(f"/admin/registration/question/{question.pk}/change/").content.decode()
    for code in ("en", "es", "fr", "zh_hans", "ru", "ar", "vi"):
        assert f'name="label_{code}"' in html
