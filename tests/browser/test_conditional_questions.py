"""The registration form's questions asked only after given answers, in a real browser,
over the demo data (2026: "Which workshop?" only after "yes" to joining one; the
dinner and dietary needs only for in-person attendance, the edition made hybrid so that
people choose how they attend).

With JavaScript the questions appear and disappear as people answer (hidden from
screen readers too, focus kept on the answer just given, a polite announcement); without
it every question shows with a note saying when it applies, and the server asks for the
ones that apply. Either way the form sends, the page has no axe-core violation, in
English and in Arabic.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from gmc.models import Edition
from registration.models import Question, Registration
from tests.browser.test_accessibility import signed_in, violations_here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTENDEE = "attendee@gmc.localhost"


@pytest.fixture
def demo():
    """The demo, its 2026 edition open to online attendance as well: the form then asks
    how people attend, and the in-person questions follow the answer."""
    call_command("load_demo", stdout=StringIO())
    Edition.objects.filter(is_current=True).update(format=Edition.Format.HYBRID)


def question(label: str) -> Question:
    return Question.objects.get(label_en=label)


def wrapper(page, q: Question):
    """The element a question's condition shows and hides."""
    return page.locator(f"[data-field='{q.field_name}']")


def answers_of(email: str) -> dict[str, str]:
    registration = Registration.objects.get(attendee__email=email, edition__is_current=True)
    return {a.question.label_en: a.value for a in registration.answers.select_related("question")}


def fill_the_required(page, theme: Question, listed: Question) -> None:
    page.locator(f"[name='{theme.field_name}']").first.check()
    page.locator(f"[name='{listed.field_name}'][value='yes']").check()
    page.locator("[name='consent']").check()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_with_javascript_questions_appear_and_disappear_as_people_answer(
    browser, live_server, demo, language
):
    joins = question("Will you join one of the hands-on workshops?")
    which = question("Which workshop would you like to join?")
    dinner = question("The conference dinner: which menu would you like?")
    theme = question("Which theme interests you most?")
    listed = question("May we list your name and organisation among the participants?")
    prefix = "" if language == "en" else f"/{language}"
    context = signed_in(browser, live_server, ATTENDEE)
    page = context.new_page()
    page.goto(f"{prefix}/register/")
    problems: list[str] = []

    # Nothing answered yet: neither the workshop nor what in-person attendance brings.
    for q in (which, dinner):
        assert wrapper(page, q).is_hidden()
        assert wrapper(page, q).get_attribute("hidden") is not None
    assert page.locator("[data-field='dietary_needs']").is_hidden()
    problems += violations_here(page, f"{language}: the form", impacts=None)

    # In person: the dinner and dietary needs appear.
    page.locator("[name='attendance'][value='in_person']").check()
    assert wrapper(page, dinner).is_visible()
    assert page.locator("[data-field='dietary_needs']").is_visible()

    # Joining a workshop brings the question which one, and says so.
    page.locator(f"[name='{joins.field_name}'][value='yes']").check()
    assert wrapper(page, which).is_visible()
    page.wait_for_function(
        "(text) => document.querySelector('form [aria-live=polite]').textContent === text",
        arg=page.locator("form.registration-form").get_attribute("data-shown-text"),
    )
    problems += violations_here(page, f"{language}: the workshops shown", impacts=None)

    # Changing one's mind hides it again, for screen readers too; focus stays on the answer.
    no = page.locator(f"[name='{joins.field_name}'][value='no']")
    no.focus()
    page.keyboard.press("Space")
    assert wrapper(page, which).is_hidden()
    assert page.evaluate("document.activeElement.value") == "no"
    tree = page.locator("form.registration-form").aria_snapshot()
    assert getattr(which, f"label_{language}") not in tree
    assert getattr(joins, f"label_{language}") in tree
    page.wait_for_function(
        "(text) => document.querySelector('form [aria-live=polite]').textContent === text",
        arg=page.locator("form.registration-form").get_attribute("data-hidden-text"),
    )

    # Online: the dinner goes too.
    page.locator("[name='attendance'][value='online']").check()
    assert wrapper(page, dinner).is_hidden()
    page.locator("[name='attendance'][value='in_person']").check()

    # Yes again, a workshop, and the form sends.
    page.locator(f"[name='{joins.field_name}'][value='yes']").check()
    page.locator(f"[name='{which.field_name}'][value='trust-in-ai']").check()
    page.locator(f"[name='{dinner.field_name}'][value='fish']").check()
    fill_the_required(page, theme, listed)
    page.locator("form.registration-form [type=submit]").click()
    page.wait_for_url("**/register/me/**")
    context.close()

    answers = answers_of(ATTENDEE)
    assert answers[joins.label_en] == "yes"
    assert answers[which.label_en] == "trust-in-ai"
    assert answers[dinner.label_en] == "fish"
    assert problems == [], "\n".join(problems)


def without_the_script(browser, live_server, language: str):
    """The registration page as a browser without JavaScript shows it, in a context that
    runs scripts all the same so that axe-core can: the page's own script is not
    served."""
    context = signed_in(browser, live_server, ATTENDEE)
    context.route("**/registration/conditions*.js", lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{'' if language == 'en' else '/' + language}/register/")
    return context, page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_without_javascript_every_question_shows_and_the_server_asks_what_applies(
    browser, live_server, demo, language
):
    joins = question("Will you join one of the hands-on workshops?")
    which = question("Which workshop would you like to join?")
    dinner = question("The conference dinner: which menu would you like?")
    theme = question("Which theme interests you most?")
    listed = question("May we list your name and organisation among the participants?")
    prefix = "" if language == "en" else f"/{language}"
    problems: list[str] = []

    def answer_all_but_the_workshop(page) -> None:
        page.locator("[name='attendance'][value='in_person']").check()
        page.locator(f"[name='{joins.field_name}'][value='yes']").check()
        page.locator(f"[name='{dinner.field_name}'][value='meat']").check()
        page.locator("[name='accessibility_needs']").fill("A seat near the door")
        fill_the_required(page, theme, listed)
        page.locator("form.registration-form [type=submit]").click()
        page.wait_for_load_state()

    # axe-core needs scripts: it reads the page as it is without the form's own script,
    # first as it comes, then sent back with the workshop missing.
    context, page = without_the_script(browser, live_server, language)
    assert wrapper(page, which).is_visible()
    problems += violations_here(page, f"{language}: the form without its script", impacts=None)
    answer_all_but_the_workshop(page)
    assert page.locator(f"#div_id_{which.field_name} .invalid-feedback").is_visible()
    problems += violations_here(page, f"{language}: the workshop asked for", impacts=None)
    context.close()

    context = signed_in(browser, live_server, ATTENDEE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{prefix}/register/")
    # Every question shows, each with when it applies.
    for q in (which, dinner):
        assert wrapper(page, q).is_visible()
    assert page.locator("[data-field='dietary_needs']").is_visible()
    note = page.locator(f"#id_{which.field_name}_helptext").text_content()
    assert getattr(joins, f"label_{language}") in note

    # Yes to a workshop, none picked, something typed: the form comes back, asking for
    # the workshop, with everything typed kept.
    answer_all_but_the_workshop(page)
    assert page.locator(f"#div_id_{which.field_name} .invalid-feedback").is_visible()
    assert page.locator("[name='accessibility_needs']").input_value() == "A seat near the door"
    assert page.locator(f"[name='{joins.field_name}'][value='yes']").is_checked()
    assert page.locator(f"[name='{dinner.field_name}'][value='meat']").is_checked()
    assert not Registration.objects.filter(
        attendee__email=ATTENDEE, edition__is_current=True
    ).exists()

    # Now a workshop: registered with it.
    page.locator(f"[name='{which.field_name}'][value='inclusive-access']").check()
    page.locator("[name='consent']").check()
    page.locator("form.registration-form [type=submit]").click()
    page.wait_for_url("**/register/me/**")
    context.close()

    answers = answers_of(ATTENDEE)
    assert answers[which.label_en] == "inclusive-access"
    assert answers[dinner.label_en] == "meat"
    assert problems == [], "\n".join(problems)
