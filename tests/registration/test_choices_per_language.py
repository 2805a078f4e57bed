"""The choices of a registration question are written per language and kept by key: a
person reads them in the page's language (English where a choice is not written), the
answer is the choice's key, so organisers' statistics, exports and check-in page show
one answer in their own language whatever language the person registered in; answers
given before keys existed keep their meaning; a value that is not a choice on offer is
refused without losing what was typed."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from registration import services
from registration.models import (
    Answer,
    Choice,
    Question,
    Registration,
    choice_key,
    new_ticket_code,
)
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory, UserFactory

from .factories import ChoiceFactory, QuestionFactory
from .helpers import register
from .test_admin import csv_rows, export
from .test_views import CHECKIN, STATS, form_data


@pytest.fixture(autouse=True)
def english_after_each_test(english_afterwards):
    pass


@pytest.fixture
def dinner(edition):
    """An in-person choice question written in English, Spanish, French and (all but
    one choice) Arabic."""
    question = QuestionFactory(
        edition=edition,
        kind=Question.Kind.CHOICE,
        in_person_only=True,
        label="Dinner menu",
        label_es="Menú de la cena",
        label_fr="Menu du dîner",
        label_ar="قائمة العشاء",
    )
    ChoiceFactory(
        question=question,
        key="fish",
        label="Fish",
        label_es="Pescado",
        label_fr="Poisson",
        label_ar="سمك",
        order=1,
    )
    ChoiceFactory(
        question=question,
        key="vegetarian",
        label="Vegetarian",
        label_es="Vegetariano",
        label_fr="Végétarien",
        order=2,
    )
    return question


def register_page(client, edition, language: str) -> str:
    return client.get(f"/{language}/register/{edition.year}/").content.decode()


def register_through_the_form(client, edition, language: str, **answers):
    person = UserFactory(language=language)
    client.force_login(person)
    response = client.post(f"/{language}/register/{edition.year}/", form_data(edition, **answers))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Registration.objects.get(attendee=person)


def french_organiser(staff_organiser):
    staff_organiser.language = "fr"
    staff_organiser.save(update_fields=["language"])
    return staff_organiser


def question_organiser():
    sync_organiser_group()
    person = UserFactory(is_staff=True)
    person.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return person


# --- the attendee's page -----------------------------------------------------------------


def test_choices_read_in_the_pages_language_with_english_for_a_choice_not_written(
    client, user, edition, dinner
):
    client.force_login(user)
    arabic = register_page(client, edition, "ar")
    assert "سمك" in arabic and "Fish" not in arabic
    assert "Vegetarian" in arabic  # no Arabic wording: the English one
    spanish = register_page(client, edition, "es")
    assert "Pescado" in spanish and "Vegetariano" in spanish
    # Whatever the wording, the value sent is the key.
    for html in (arabic, spanish):
        assert f'name="{dinner.field_name}" value="fish"' in html
        assert f'name="{dinner.field_name}" value="vegetarian"' in html


def test_an_answer_in_arabic_and_one_in_spanish_are_one_answer_for_the_organisers(
    client, edition, dinner, staff_organiser
):
    in_arabic = register_through_the_form(client, edition, "ar", **{dinner.field_name: "fish"})
    in_spanish = register_through_the_form(client, edition, "es", **{dinner.field_name: "fish"})
    register_through_the_form(client, edition, "es", **{dinner.field_name: "vegetarian"})
    assert Answer.objects.get(registration=in_arabic).value == "fish"
    assert Answer.objects.get(registration=in_spanish).value == "fish"

    organiser = french_organiser(staff_organiser)
    client.force_login(organiser)
    # The statistics: one bar for the choice, in the organiser's language.
    stats = client.get(f"/fr{STATS}")
    (chart,) = stats.context["stats"].answers
    assert [(bar.label, bar.value) for bar in chart.bars] == [("Poisson", 2), ("Végétarien", 1)]
    html = stats.content.decode()
    assert '<td>Poisson</td><td class="text-end">2</td>' in html
    assert "Menu du dîner" in html and "سمك" not in html and "Pescado" not in html

    # The export: the same words on both rows, in the organiser's language.
    rows = csv_rows(export(client, "csv"))
    column = rows[0].index("Menu du dîner")
    by_code = {row[1]: row[column] for row in rows[1:]}
    assert by_code[in_arabic.ticket_code] == by_code[in_spanish.ticket_code] == "Poisson"

    # The check-in page, looked up by ticket code.
    for registration in (in_arabic, in_spanish):
        page = client.get(f"/fr{CHECKIN}", {"q": registration.ticket_code}).content.decode()
        assert (
            '<dt class="fw-normal">Menu du dîner</dt><dd class="fw-bold mb-1">Poisson</dd>' in page
        )


def test_multiple_choices_count_once_each_in_the_statistics(client, edition, staff_organiser):
    topics = QuestionFactory(
        edition=edition, kind=Question.Kind.MULTIPLE, choices="Policy\nResearch\nPractice"
    )
    register(edition, answers={topics.pk: ["policy", "research"]})
    register(edition, answers={topics.pk: ["research"]})
    cancelled = register(edition, answers={topics.pk: ["practice"]})
    services.cancel_registration(cancelled.pk, by=None)
    client.force_login(staff_organiser)
    (chart,) = client.get(STATS).context["stats"].answers
    # Of active registrations: the cancelled one's answer is not counted.
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("Policy", 1),
        ("Research", 2),
        ("Practice", 0),
    ]


# --- refusals ----------------------------------------------------------------------------


def test_a_forged_choice_is_refused_and_nothing_typed_is_lost(client, user, edition, dinner):
    note = QuestionFactory(edition=edition, label="Anything else?")
    client.force_login(user)
    response = client.post(
        f"/es/register/{edition.year}/",
        form_data(
            edition,
            accessibility_needs="Induction loop, please",
            **{dinner.field_name: "lobster", note.field_name: "Arriving late on Tuesday"},
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[dinner.field_name]
    assert errors == [
        "“lobster” no es una de las opciones ofrecidas. Elija una de las opciones mostradas."
    ]
    html = response.content.decode()
    assert "Induction loop, please" in html and "Arriving late on Tuesday" in html
    assert not Registration.objects.exists()


def test_the_service_refuses_a_choice_not_offered_and_saves_nothing(edition, dinner):
    with pytest.raises(services.RegistrationError) as refused:
        register(edition, answers={dinner.pk: "Fish"})  # the wording, not the key
    assert refused.value.field == dinner.field_name
    assert refused.value.code == "registration.not_a_choice"
    assert not Registration.objects.exists() and not Answer.objects.exists()


def test_a_withdrawn_choice_is_no_longer_offered_but_stays_with_those_who_picked_it(
    client, user, edition, dinner
):
    registration = register(edition, user, answers={dinner.pk: "vegetarian"})
    Choice.objects.filter(question=dinner, key="vegetarian").update(offered=False)

    # Offered to nobody new...
    newcomer = UserFactory()
    client.force_login(newcomer)
    assert 'value="vegetarian"' not in register_page(client, edition, "en")
    with pytest.raises(services.RegistrationError):
        register(edition, newcomer, answers={dinner.pk: "vegetarian"})

    # ...kept by the person who picked it, who may save their registration unchanged.
    client.force_login(user)
    edit = reverse("registration:edit", args=[edition.year])
    assert 'value="vegetarian"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        form_data(edition, consent=None, **{dinner.field_name: "vegetarian"}),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Answer.objects.get(registration=registration).display_value == "Vegetarian"


# --- the organisers' admin ---------------------------------------------------------------


def test_the_admin_edits_each_choice_in_each_language(client, dinner):
    client.force_login(question_organiser())
    html = client.get(f"/admin/registration/question/{dinner.pk}/change/").content.decode()
    for code in ("en", "es", "fr", "zh_hans", "ru", "ar", "vi"):
        assert f'name="choices-0-label_{code}"' in html


def test_rewording_a_choice_keeps_what_past_answers_mean(client, edition, dinner):
    registration = register(edition, answers={dinner.pk: "fish"})
    client.force_login(question_organiser())
    url = f"/admin/registration/question/{dinner.pk}/change/"
    data = admin_form_data(client.get(url))
    (prefix,) = [
        name.removesuffix("label_en")
        for name, value in data.items()
        if re.fullmatch(r"choices-\d-label_en", name) and value == "Fish"
    ]
    data[f"{prefix}label_en"] = "Grilled fish"
    data[f"{prefix}key"] = "grilled-fish"  # a key cannot be changed: ignored
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert Choice.objects.get(question=dinner, order=1).key == "fish"
    answer = Answer.objects.get(registration=registration)
    assert (answer.value, answer.display_value) == ("fish", "Grilled fish")


def test_new_choices_get_keys_from_their_english_wording(client, edition, dinner):
    client.force_login(question_organiser())
    url = f"/admin/registration/question/{dinner.pk}/change/"
    data = admin_form_data(client.get(url))
    # The same English wording as a choice before it: the key is told apart.
    data.update({"choices-2-label_en": "Fish", "choices-2-label_ar": "سمك مشوي"})
    data["choices-2-order"] = "3"
    data.update({"choices-3-label_en": "Vegan meal", "choices-3-order": "4"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert list(dinner.choices.values_list("key", flat=True)) == [
        "fish",
        "vegetarian",
        "fish-2",
        "vegan-meal",
    ]


def test_a_choice_that_answers_picked_is_withdrawn_not_deleted(client, edition, dinner):
    register(edition, answers={dinner.pk: "vegetarian"})
    client.force_login(question_organiser())
    url = f"/admin/registration/question/{dinner.pk}/change/"
    data = admin_form_data(client.get(url))
    data["choices-1-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1 answer picked “Vegetarian”: untick “offered”" in response.content.decode()
    assert dinner.choices.count() == 2


def test_a_choice_question_needs_two_choices_on_offer(client, edition, dinner):
    client.force_login(question_organiser())
    url = f"/admin/registration/question/{dinner.pk}/change/"
    data = admin_form_data(client.get(url))
    data.pop("choices-1-offered")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Offer at least two choices for this question." in response.content.decode()
    assert dinner.choices.filter(offered=True).count() == 2


# --- answers given before choices had keys -----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_answers_kept_as_text_are_migrated_to_the_choices_keys():
    executor = MigrationExecutor(connection)
    before = [("registration", "0004_questions_per_language")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    # Editions are as they are now; registrations, questions and answers as they were.
    edition = EditionFactory(year=2031)
    old_question = old.get_model("registration", "Question").objects
    track = old_question.create(
        edition_id=edition.pk, label="Track", kind="choice", choices="Policy\nResearch\n"
    )
    topics = old_question.create(
        edition_id=edition.pk, label="Topics", kind="multiple", choices="Open data\nAI"
    )

    def answer(question, value):
        # The registration as its table was then (later migrations add columns to it).
        registration = old.get_model("registration", "Registration").objects.create(
            edition_id=edition.pk,
            attendee_id=UserFactory().pk,
            attendance="in_person",
            status="confirmed",
            consent_at=timezone.now(),
            ticket_code=new_ticket_code(),
        )
        return old.get_model("registration", "Answer").objects.create(
            registration_id=registration.pk, question_id=question.pk, value=value
        )

    exact = answer(track, "Research")
    loose = answer(track, "  policy ")  # spaces and letter case aside, the same choice
    reworded = answer(track, "Policy research")  # the wording was changed since
    several = answer(topics, "Open data\nAI\nRobotics")

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    question = Question.objects.get(pk=track.pk)
    assert [(c.key, c.label_en, c.label_es) for c in question.choices.all()] == [
        ("policy", "Policy", None),
        ("research", "Research", None),
    ]
    stored = {a.pk: a for a in Answer.objects.select_related("question")}
    assert stored[exact.pk].value == "research"
    assert stored[loose.pk].value == "policy"
    # An answer matching no choice stays as it was, readable as before.
    assert stored[reworded.pk].value == "Policy research"
    assert stored[several.pk].value == "open-data\nai\nRobotics"
    with translation.override("en"):
        assert stored[several.pk].display_value == "Open data; AI; Robotics"
        assert stored[reworded.pk].display_value == "Policy research"
    # Written in Spanish afterwards, the old answers read in Spanish.
    Choice.objects.filter(question=question, key="research").update(label_es="Investigación")
    with translation.override("es"):
        assert Answer.objects.get(pk=exact.pk).display_value == "Investigación"


@pytest.mark.parametrize(
    ("wording", "taken", "key"),
    [
        ("Digital equity and inclusion", set(), "digital-equity-and-inclusion"),
        (
            "Digital equity and inclusion",
            {"digital-equity-and-inclusion"},
            "digital-equity-and-inclusion-2",
        ),
        (
            "Artificial intelligence and the future of learning",
            set(),
            "artificial-intelligence-and-the-future-of",
        ),
        ("素食", set(), "choice"),
        ("素食", {"choice"}, "choice-2"),
    ],
)
def test_a_new_key_is_made_from_the_wording_within_its_length(wording, taken, key):
    assert choice_key(wording, taken) == key
    assert len(choice_key(wording * 3, taken)) <= Choice.KEY_LENGTH
