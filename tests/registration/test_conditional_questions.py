"""Registration questions asked only after given answers, or of one way of attending.

Organisers set the condition on the question in the admin, which refuses conditions
that cannot work (a circle, another edition's question, a question without choices, a
later question). The form counts only the questions that apply to what was sent: those
are required when the organisers made them so, the others' answers are discarded even
when posted, along chains of conditions. Without JavaScript every question shows with a
note saying when it applies; nothing typed is lost when the form comes back. The same
rule decides what is stored when a registration changes later, and what the admin,
the check-in page, the exports and the statistics show and count.
"""

import re

import pytest
from django.urls import reverse

from registration import services
from registration.models import Answer, Question, Registration
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory, UserFactory

from .factories import QuestionFactory
from .helpers import register
from .test_admin import csv_rows, export
from .test_choices_per_language import question_organiser
from .test_views import CHECKIN, STATS, form_data

REGISTER = reverse("registration:register")


@pytest.fixture(autouse=True)
def english_after_each_test(english_afterwards):
    pass


@pytest.fixture
def workshops(edition):
    """Will you join a workshop? (yes/no) -> Which workshop? (required, shown for yes)
    -> Bring a laptop? (required, shown for the coding workshop only)."""
    joins = QuestionFactory(
        edition=edition,
        kind=Question.Kind.YES_NO,
        label="Will you join a workshop?",
        label_es="¿Participará en un taller?",
        order=1,
    )
    which = QuestionFactory(
        edition=edition,
        kind=Question.Kind.CHOICE,
        label="Which workshop?",
        choices={"coding": "Coding for teachers", "design": "Course design"},
        depends_on=joins,
        shown_for=["yes"],
        required=True,
        order=2,
    )
    laptop = QuestionFactory(
        edition=edition,
        kind=Question.Kind.YES_NO,
        label="Will you bring a laptop?",
        depends_on=which,
        shown_for=["coding"],
        required=True,
        order=3,
    )
    return joins, which, laptop


def checked(html: str, name: str) -> list[str]:
    """The values of the ticked boxes and buttons named ``name`` on a page."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [
        re.search(r'value="([^"]*)"', tag)[1] for tag in inputs if re.search(r"\schecked", tag)
    ]


def answers_of(registration) -> dict[str, str]:
    return {a.question.label: a.value for a in registration.answers.select_related("question")}


def post_register(client, edition, **answers):
    return client.post(REGISTER, form_data(edition, **answers))


# --- the form -------------------------------------------------------------------------


def test_a_hidden_required_question_is_not_required(client, user, edition, workshops):
    joins, _which, _laptop = workshops
    client.force_login(user)
    response = post_register(client, edition, **{joins.field_name: "no"})
    assert response.status_code == 302, response.context["form"].errors
    assert answers_of(Registration.objects.get(attendee=user)) == {joins.label: "no"}


def test_a_visible_required_question_is_required_and_the_form_keeps_what_was_typed(
    client, user, edition, workshops
):
    joins, which, _laptop = workshops
    client.force_login(user)
    response = post_register(
        client, edition, accessibility_needs="Front row, please", **{joins.field_name: "yes"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {which.field_name: ["This question applies to you: please answer it."]}
    html = response.content.decode()
    assert "Front row, please" in html
    assert checked(html, joins.field_name) == ["yes"]
    assert not Registration.objects.exists()


def test_values_posted_for_hidden_questions_are_discarded(client, user, edition, workshops):
    joins, which, laptop = workshops
    client.force_login(user)
    response = post_register(
        client,
        edition,
        **{joins.field_name: "no", which.field_name: "coding", laptop.field_name: "yes"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(attendee=user)
    assert answers_of(registration) == {joins.label: "no"}


def test_a_forged_value_for_a_hidden_question_is_ignored_not_refused(
    client, user, edition, workshops
):
    _joins, which, _laptop = workshops
    client.force_login(user)
    response = post_register(client, edition, **{which.field_name: "not-a-workshop"})
    assert response.status_code == 302
    assert not Answer.objects.filter(question=which).exists()


def test_a_chain_follows_each_link(client, edition, workshops):
    joins, which, laptop = workshops

    def attempt(answers: dict):
        person = UserFactory()
        client.force_login(person)
        response = post_register(client, edition, **{q.field_name: v for q, v in answers.items()})
        return person, response

    # Yes, coding: the laptop question applies and is required.
    _person, response = attempt({joins: "yes", which: "coding"})
    assert list(response.context["form"].errors) == [laptop.field_name]
    # Yes, design: it does not apply.
    person, response = attempt({joins: "yes", which: "design", laptop: "yes"})
    assert response.status_code == 302
    assert answers_of(Registration.objects.get(attendee=person)) == {
        joins.label: "yes",
        which.label: "design",
    }
    # No: neither the workshop nor the laptop apply, even with the coding workshop sent.
    person, response = attempt({joins: "no", which: "coding", laptop: "yes"})
    assert response.status_code == 302
    assert answers_of(Registration.objects.get(attendee=person)) == {joins.label: "no"}
    # Yes, coding, a laptop: all three kept.
    person, response = attempt({joins: "yes", which: "coding", laptop: "no"})
    assert answers_of(Registration.objects.get(attendee=person)) == {
        joins.label: "yes",
        which.label: "coding",
        laptop.label: "no",
    }


def test_questions_for_one_way_of_attending(client, edition):
    dinner = QuestionFactory(
        edition=edition, kind="yes_no", label="Dinner?", attendance="in_person", required=True
    )
    stream = QuestionFactory(
        edition=edition, kind="yes_no", label="Captions?", attendance="online", required=True
    )
    in_person, online = UserFactory(), UserFactory()

    client.force_login(in_person)
    refused = post_register(client, edition, **{stream.field_name: "yes"})
    assert list(refused.context["form"].errors) == [dinner.field_name]
    post_register(client, edition, **{dinner.field_name: "yes", stream.field_name: "yes"})
    assert answers_of(Registration.objects.get(attendee=in_person)) == {"Dinner?": "yes"}

    client.force_login(online)
    refused = post_register(client, edition, attendance="online", **{dinner.field_name: "yes"})
    assert list(refused.context["form"].errors) == [stream.field_name]
    post_register(
        client,
        edition,
        attendance="online",
        dietary_needs="Vegan",
        **{dinner.field_name: "yes", stream.field_name: "no"},
    )
    registration = Registration.objects.get(attendee=online)
    assert answers_of(registration) == {"Captions?": "no"}
    assert registration.dietary_needs == ""


def test_a_question_after_an_in_person_question_follows_the_attendance(client, edition):
    dinner = QuestionFactory(
        edition=edition, kind="yes_no", label="Dinner?", attendance="in_person", order=1
    )
    guest = QuestionFactory(
        edition=edition,
        label="Your guest's name",
        depends_on=dinner,
        shown_for=["yes"],
        required=True,
        order=2,
    )
    person = UserFactory()
    client.force_login(person)
    response = post_register(
        client,
        edition,
        attendance="online",
        **{dinner.field_name: "yes", guest.field_name: "Ana"},
    )
    assert response.status_code == 302
    assert not Registration.objects.get(attendee=person).answers.exists()


def test_without_javascript_every_question_shows_with_when_it_applies(
    client, user, edition, workshops
):
    joins, which, _laptop = workshops
    client.force_login(user)
    html = client.get(REGISTER).content.decode()
    for question in workshops:
        assert question.label in html
    assert (
        "Only if you answered “<bdi>Yes</bdi>” to “<bdi>Will you join a workshop?</bdi>”." in html
    )
    assert (
        "Only if you answered “<bdi>Coding for teachers</bdi>” to “<bdi>Which workshop?</bdi>”."
        in html
    )
    # The browser does not insist on a question that may not apply; the server asks.
    assert not re.search(rf'name="{which.field_name}"[^>]*required', html)
    assert re.search(r'name="consent"[^>]*required', html)
    # The conditions, for the script that shows and hides the questions.
    assert (
        f'data-asked-when="" data-depends-on="{joins.field_name}" '
        f'data-field="{which.field_name}" data-shown-for="yes"' in html
    )
    assert 'data-asked-when="" data-attendance="in_person" data-field="dietary_needs"' in html
    assert "registration/conditions" in html and "<script>" not in html


def test_the_note_names_each_answer_that_shows_a_question(client, user, edition):
    track = QuestionFactory(
        edition=edition, kind="choice", label="Track", choices="Policy\nResearch\nPractice"
    )
    QuestionFactory(
        edition=edition,
        label="Your paper",
        depends_on=track,
        shown_for=["policy", "research"],
        order=1,
    )
    client.force_login(user)
    html = client.get(f"/es{REGISTER}").content.decode()
    assert (
        "Solo si respondió “<bdi>Policy</bdi>” o “<bdi>Research</bdi>” a “<bdi>Track</bdi>”."
        in (html)
    )


def test_without_javascript_a_form_sent_back_keeps_answers_that_do_not_apply_yet(
    client, user, edition, workshops
):
    """Someone without JavaScript picks a workshop but forgets to say yes, and the form
    comes back for another reason: the pick is still there, to keep with a yes."""
    joins, which, _laptop = workshops
    client.force_login(user)
    response = post_register(client, edition, consent=None, **{which.field_name: "design"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["consent"]
    html = response.content.decode()
    assert checked(html, which.field_name) == ["design"]
    # Now with a yes: the workshop is kept.
    response = post_register(
        client, edition, **{joins.field_name: "yes", which.field_name: "design"}
    )
    assert response.status_code == 302
    assert answers_of(Registration.objects.get(attendee=user))[which.label] == "design"


def test_editing_a_registration_follows_the_same_rules(client, user, edition, workshops):
    joins, which, laptop = workshops
    registration = register(
        edition, user, answers={joins.pk: "yes", which.pk: "coding", laptop.pk: "yes"}
    )
    assert len(answers_of(registration)) == 3
    client.force_login(user)
    url = reverse("registration:edit", args=[edition.year])
    html = client.get(url).content.decode()
    assert f'data-depends-on="{which.field_name}"' in html
    # Still yes, now the design workshop: the laptop no longer applies and is dropped.
    response = client.post(
        url,
        form_data(
            edition,
            consent=None,
            **{joins.field_name: "yes", which.field_name: "design", laptop.field_name: "yes"},
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert answers_of(registration) == {joins.label: "yes", which.label: "design"}
    # Back to coding: the laptop applies again and is required.
    response = client.post(
        url,
        form_data(edition, consent=None, **{joins.field_name: "yes", which.field_name: "coding"}),
    )
    assert list(response.context["form"].errors) == [laptop.field_name]


# --- the services ---------------------------------------------------------------------


def test_the_service_stores_only_answers_that_apply(edition, workshops):
    joins, which, laptop = workshops
    registration = register(
        edition, answers={joins.pk: "no", which.pk: "design", laptop.pk: "not even a choice"}
    )
    assert answers_of(registration) == {joins.label: "no"}


def test_changing_an_answer_later_drops_the_answers_it_hid(edition, workshops):
    joins, which, laptop = workshops
    registration = register(
        edition, answers={joins.pk: "yes", which.pk: "coding", laptop.pk: "yes"}
    )
    services.update_registration(
        registration.pk, by=registration.attendee, answers={joins.pk: "no"}
    )
    assert answers_of(registration) == {joins.label: "no"}


def test_an_organiser_changing_the_attendance_drops_the_answers_it_hid(client, organiser, edition):
    stream = QuestionFactory(
        edition=edition, kind="yes_no", label="Captions?", attendance="online"
    )
    dinner = QuestionFactory(edition=edition, kind="yes_no", label="Dinner?", in_person_only=True)
    registration = register(edition, answers={dinner.pk: "yes"})
    client.force_login(organiser)
    response = client.post(
        reverse("admin:registration_registration_change", args=[registration.pk]),
        {
            "attendance": "online",
            "interpretation_language": "",
            "accessibility_needs": "",
            "dietary_needs": "",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert answers_of(registration) == {}
    services.update_registration(registration.pk, by=organiser, answers={stream.pk: "yes"})
    assert answers_of(registration) == {"Captions?": "yes"}


# --- what organisers see and count ------------------------------------------------------


@pytest.fixture
def kept_from_before(edition, workshops):
    """Two people who picked a workshop before the organisers asked first whether people
    join one: the workshop question now depends on a question they never answered, or
    answered no."""
    joins, which, _laptop = workshops
    Question.objects.filter(pk=which.pk).update(depends_on=None, shown_for=[])
    unasked = register(
        edition, UserFactory(full_name="Unasked Person"), answers={which.pk: "design"}
    )
    said_no = register(
        edition, UserFactory(full_name="Said No"), answers={joins.pk: "no", which.pk: "design"}
    )
    said_yes = register(
        edition, UserFactory(full_name="Said Yes"), answers={joins.pk: "yes", which.pk: "design"}
    )
    Question.objects.filter(pk=which.pk).update(depends_on=joins, shown_for=["yes"])
    assert Answer.objects.filter(question=which).count() == 3
    return unasked, said_no, said_yes


def test_statistics_count_only_answers_that_apply(client, staff_organiser, kept_from_before):
    client.force_login(staff_organiser)
    charts = {c.question.label: c.bars for c in client.get(STATS).context["stats"].answers}
    assert [(bar.label, bar.value) for bar in charts["Which workshop?"]] == [
        ("Coding for teachers", 0),
        ("Course design", 1),
    ]
    assert [(bar.label, bar.value) for bar in charts["Will you join a workshop?"]] == [
        ("Yes", 1),
        ("No", 1),
    ]


def test_exports_leave_out_answers_that_do_not_apply(client, staff_organiser, kept_from_before):
    unasked, said_no, said_yes = kept_from_before
    client.force_login(staff_organiser)
    rows = csv_rows(export(client, "csv"))
    column = rows[0].index("Which workshop?")
    by_code = {row[1]: row[column] for row in rows[1:]}
    assert by_code == {
        unasked.ticket_code: "",
        said_no.ticket_code: "",
        said_yes.ticket_code: "Course design",
    }


def test_the_admin_shows_only_answers_that_apply(client, kept_from_before):
    unasked, said_no, said_yes = kept_from_before
    client.force_login(question_organiser())

    def shown(registration) -> list[str]:
        url = reverse("admin:registration_registration_change", args=[registration.pk])
        (inline,) = client.get(url).context["inline_admin_formsets"]
        return [form.instance.question.label for form in inline.formset.forms]

    assert shown(said_yes) == ["Will you join a workshop?", "Which workshop?"]
    assert shown(said_no) == ["Will you join a workshop?"]
    assert shown(unasked) == []


def test_the_check_in_page_shows_only_door_answers_that_apply(client, staff_organiser, edition):
    dinner = QuestionFactory(
        edition=edition, kind="yes_no", label="Dinner?", in_person_only=True, order=1
    )
    menu = QuestionFactory(
        edition=edition,
        kind="choice",
        label="Menu",
        choices="Fish\nVegetarian",
        in_person_only=True,
        order=2,
    )
    attending = register(
        edition, UserFactory(full_name="Dinner Guest"), answers={dinner.pk: "yes", menu.pk: "fish"}
    )
    skipping = register(
        edition,
        UserFactory(full_name="Dinner Skipper"),
        answers={dinner.pk: "no", menu.pk: "fish"},
    )
    Question.objects.filter(pk=menu.pk).update(depends_on=dinner, shown_for=["yes"])
    client.force_login(staff_organiser)

    def door(registration) -> str:
        return client.get(CHECKIN, {"q": registration.ticket_code}).content.decode()

    assert '<dt class="fw-normal">Menu</dt><dd class="fw-bold mb-1">Fish</dd>' in door(attending)
    assert '<dt class="fw-normal">Menu</dt>' not in door(skipping)
    assert '<dt class="fw-normal">Dinner?</dt><dd class="fw-bold mb-1">No</dd>' in door(skipping)


# --- the organisers' admin --------------------------------------------------------------


def question_url(question=None) -> str:
    if question is None:
        return reverse("admin:registration_question_add")
    return reverse("admin:registration_question_change", args=[question.pk])


def post_condition(client, question, ticked: list[str], **changes):
    url = question_url(question)
    data = admin_form_data(client.get(url))
    data["depends_on"] = ticked
    data.update(changes)
    return client.post(url, data)


def errors_of(response) -> dict:
    assert response.status_code == 200, "the change was saved"
    return response.context["adminform"].form.errors


def test_the_admin_offers_the_answers_of_earlier_questions_of_the_edition(
    client, edition, workshops
):
    joins, which, laptop = workshops
    QuestionFactory(edition=edition, label="Words only", order=0)
    QuestionFactory(
        edition=EditionFactory(year=edition.year - 1), kind="yes_no", label="Last year", order=0
    )
    client.force_login(question_organiser())
    form = client.get(question_url(which)).context["adminform"].form
    offered = form.fields["depends_on"].choices
    # Only questions with choices, of the edition, before this one (not the laptop
    # question, which depends on it).
    assert offered == [
        ("Will you join a workshop?", [(f"{joins.pk}:yes", "Yes"), (f"{joins.pk}:no", "No")])
    ]
    assert form.initial["depends_on"] == [f"{joins.pk}:yes"]
    html = client.get(question_url(laptop)).content.decode()
    assert "<legend>Which workshop?</legend>" in html
    assert f'value="{which.pk}:coding"' in html and f'value="{which.pk}:design"' in html


def test_an_organiser_sets_a_condition_in_the_admin(client, edition, workshops):
    _joins, which, _laptop = workshops
    snacks = QuestionFactory(edition=edition, label="Snacks?", order=5)
    client.force_login(question_organiser())
    response = post_condition(client, snacks, [f"{which.pk}:coding", f"{which.pk}:design"])
    assert response.status_code == 302, errors_of(response)
    snacks.refresh_from_db()
    assert (snacks.depends_on, snacks.shown_for) == (which, ["coding", "design"])
    # Unticking every answer asks the question of everyone again.
    response = post_condition(client, snacks, [])
    assert response.status_code == 302
    snacks.refresh_from_db()
    assert (snacks.depends_on, snacks.shown_for) == (None, [])


def test_a_new_question_with_a_condition(client, edition, workshops):
    joins, _which, _laptop = workshops
    client.force_login(question_organiser())
    # An edition that is no number in the address is no error either.
    assert client.get(question_url(), {"edition": "2026x"}).status_code == 200
    response = client.get(question_url(), {"edition": edition.pk})
    data = admin_form_data(response)
    data.update(
        {
            "edition": edition.pk,
            "label_en": "Your workshop partner",
            "kind": "text",
            "order": "9",
            "depends_on": [f"{joins.pk}:yes"],
            "choices-TOTAL_FORMS": "0",
        }
    )
    response = client.post(question_url(), data)
    assert response.status_code == 302, errors_of(response)
    question = Question.objects.get(label="Your workshop partner")
    assert (question.depends_on, question.shown_for) == (joins, ["yes"])


def test_the_admin_refuses_a_circle(client, edition, workshops):
    joins, _which, laptop = workshops
    client.force_login(question_organiser())
    errors = errors_of(post_condition(client, joins, [f"{laptop.pk}:yes"]))
    assert errors["depends_on"] == [
        "This would make a circle: “Will you bring a laptop?” is itself asked only after an "
        "answer to this question (“Will you bring a laptop?” → “Which workshop?” → “Will "
        "you join a workshop?”). Remove one of the two conditions."
    ]
    errors = errors_of(post_condition(client, joins, [f"{joins.pk}:yes"]))
    assert errors["depends_on"] == ["A question cannot depend on its own answers."]
    joins.refresh_from_db()
    assert joins.depends_on is None


def test_the_admin_refuses_a_question_of_another_edition(client, edition):
    older = QuestionFactory(
        edition=EditionFactory(year=2024), kind="yes_no", label="Came in 2024?"
    )
    question = QuestionFactory(edition=edition, label="Anything else?", order=3)
    client.force_login(question_organiser())
    errors = errors_of(post_condition(client, question, [f"{older.pk}:yes"]))
    assert errors["depends_on"] == [
        "“Came in 2024?” is a question of the 2024 edition: a question can only depend on "
        "a question of its own edition."
    ]
    # Nor may a question move to another edition than the one it depends on...
    joins = QuestionFactory(edition=edition, kind="yes_no", label="Joins?", order=1)
    Question.objects.filter(pk=question.pk).update(depends_on=joins, shown_for=["yes"])
    question.refresh_from_db()
    errors = errors_of(
        post_condition(client, question, [f"{joins.pk}:yes"], edition=older.edition_id)
    )
    assert "is a question of the" in errors["depends_on"][0]
    # ...or leave behind the questions depending on it.
    errors = errors_of(post_condition(client, joins, [], edition=older.edition_id))
    assert errors["edition"] == [
        "“Anything else?” depends on this question's answers and belongs to its edition: "
        "remove its condition before moving this question."
    ]


def test_the_admin_refuses_a_question_without_choices(client, edition):
    words = QuestionFactory(edition=edition, label="Your field of work", order=1)
    question = QuestionFactory(edition=edition, label="Anything else?", order=2)
    client.force_login(question_organiser())
    errors = errors_of(post_condition(client, question, [f"{words.pk}:research"]))
    assert errors["depends_on"] == [
        "“Your field of work” is answered in words: a question can only depend on a question "
        "with choices (one choice, multiple choice, or yes or no)."
    ]


def test_the_admin_refuses_to_take_the_choices_from_a_question_others_depend_on(
    client, edition, workshops
):
    joins, _which, _laptop = workshops
    client.force_login(question_organiser())
    url = question_url(joins)
    data = admin_form_data(client.get(url))
    data["kind"] = "text"
    errors = errors_of(client.post(url, data))
    assert errors["kind"] == [
        "“Which workshop?” is shown for answers this question would no longer have: change "
        "its condition first."
    ]
    joins.refresh_from_db()
    assert joins.kind == "yes_no"


def test_the_admin_refuses_a_condition_on_a_later_question(client, edition, workshops):
    _joins, _which, _laptop = workshops
    later = QuestionFactory(edition=edition, kind="yes_no", label="Later?", order=7)
    first = QuestionFactory(edition=edition, label="First", order=0)
    client.force_login(question_organiser())
    errors = errors_of(post_condition(client, first, [f"{later.pk}:yes"]))
    assert errors["order"] == [
        "“Later?” comes after this question on the form (order 7, this one 0): give this "
        "question a higher order than the question it depends on."
    ]


def test_the_admin_refuses_answers_of_two_questions_or_none_that_exist(client, edition, workshops):
    joins, which, _laptop = workshops
    question = QuestionFactory(edition=edition, label="Anything else?", order=9)
    client.force_login(question_organiser())
    errors = errors_of(post_condition(client, question, [f"{joins.pk}:yes", f"{which.pk}:coding"]))
    assert errors["depends_on"] == [
        "Tick answers of one question only: a question is asked after the answers to one "
        "other question."
    ]
    errors = errors_of(post_condition(client, question, [f"{joins.pk}:maybe"]))
    assert errors["depends_on"] == ["“maybe” is not an answer of “Will you join a workshop?”."]


def test_reordering_in_the_list_cannot_put_a_question_before_the_one_it_follows(
    client, edition, workshops
):
    _joins, _which, laptop = workshops
    client.force_login(question_organiser())
    url = reverse("admin:registration_question_changelist")
    response = client.get(url, {"edition__id__exact": edition.pk})
    rows = {form.instance.pk: index for index, form in enumerate(response.context["cl"].formset)}
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for question in workshops:
        index = rows[question.pk]
        data[f"form-{index}-id"] = question.pk
        data[f"form-{index}-order"] = question.order
        if question.required:
            data[f"form-{index}-required"] = "on"
    data[f"form-{rows[laptop.pk]}-order"] = "0"  # before what it follows
    response = client.post(f"{url}?edition__id__exact={edition.pk}", data)
    assert response.status_code == 200
    assert "“Which workshop?” comes after this question on the form" in response.content.decode()
    laptop.refresh_from_db()
    assert laptop.order == 3


def test_a_row_of_the_list_shows_a_refusal_about_a_field_it_does_not_edit(client, edition):
    """A condition broken outside the admin (rows written by hand) is named when the row
    is saved from the list, rather than failing the page."""
    elsewhere = QuestionFactory(edition=EditionFactory(year=2024), kind="yes_no", order=0)
    question = QuestionFactory(edition=edition, label="Anything else?", order=1)
    Question.objects.filter(pk=question.pk).update(depends_on=elsewhere, shown_for=["yes"])
    client.force_login(question_organiser())
    url = reverse("admin:registration_question_changelist")
    filtered = f"{url}?edition__id__exact={edition.pk}"
    response = client.post(
        filtered,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": question.pk,
            "form-0-order": "2",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "is a question of the 2024 edition" in response.content.decode()
    question.refresh_from_db()
    assert question.order == 1


def test_a_choice_that_shows_a_question_cannot_be_deleted(client, edition, workshops):
    _joins, which, _laptop = workshops
    client.force_login(question_organiser())
    url = question_url(which)
    data = admin_form_data(client.get(url))
    (prefix,) = [
        name.removesuffix("key")
        for name, value in data.items()
        if re.fullmatch(r"choices-\d-key", name) and value == "coding"
    ]
    data[f"{prefix}DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    (choices,) = response.context["inline_admin_formsets"]
    assert choices.formset.non_form_errors() == [
        "“Coding for teachers” shows “Will you bring a laptop?”: untick it in that question's "
        "condition before deleting it."
    ]
    assert which.choices.filter(key="coding").exists()


def test_a_question_others_depend_on_cannot_be_deleted(client, edition, workshops):
    joins, _which, _laptop = workshops
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:registration_question_delete", args=[joins.pk])
    page = client.get(url).content.decode()
    assert "Which workshop?" in page and "protected" in page
    client.post(url, {"post": "yes"})
    assert Question.objects.filter(pk=joins.pk).exists()
    # The edition goes with all its questions, conditions and all.
    edition.delete()
    assert not Question.objects.filter(pk__in=[q.pk for q in workshops]).exists()


# --- the demo ---------------------------------------------------------------------------


def test_the_demo_asks_which_workshop_only_of_people_joining_one(client, demo):
    from gmc.models import User

    which = Question.objects.get(label_en="Which workshop would you like to join?")
    joins = which.depends_on
    assert (joins.kind, which.shown_for, which.required) == ("yes_no", ["yes"], True)
    for language in ("es", "ar", "vi"):
        assert getattr(which, f"label_{language}") and getattr(joins, f"label_{language}")
        for choice in which.choices.all():
            assert getattr(choice, f"label_{language}")
    # Every sample answer to it applies: only people who said yes picked a workshop.
    assert Answer.objects.filter(question=which).exists()
    for answer in Answer.objects.filter(question=which):
        assert answer.registration.answers.get(question=joins).value == "yes"
    assert Answer.objects.filter(question=joins, value="no").exists()

    client.force_login(User.objects.get(email="attendee@gmc.localhost"))
    html = client.get("/ar/register/").content.decode()
    assert which.label_ar in html and f'data-depends-on="{joins.field_name}"' in html
