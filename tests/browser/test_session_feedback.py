"""A session's page after the event, in a real browser: the feedback form (a radio group
under its legend, errors beside what was typed), the recordings and materials, with
scripts on and off, in English and in Arabic; axe-core finds nothing, whatever its
impact (axe is a script: it checks the pages with scripts on, which are the same pages)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agenda.models import Feedback, Material, Recording, Visibility
from gmc.models import User
from tests.agenda.factories import SessionFactory
from tests.browser.test_accessibility import signed_in, violations_here
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDDEN_VIDEO = "https://video.example.org/sample/plenary-es"


@pytest.fixture
def session():
    """A plenary that ended two hours ago, recorded in English (public) and Spanish (for
    registered participants), with public slides on the web."""
    today = timezone.localdate()
    edition = EditionFactory(
        is_current=True,
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1),
        working_language="en",
        interpretation_languages=["es"],
    )
    ended = timezone.now() - timedelta(hours=2)
    session = SessionFactory(
        edition=edition,
        title="Quality and equity in the digital era",
        starts_at=ended - timedelta(hours=3),
        ends_at=ended,
    )
    Recording.objects.create(
        session=session, language="en", url="https://video.example.org/sample/plenary-en"
    )
    Recording.objects.create(
        session=session, language="es", url=HIDDEN_VIDEO, visibility=Visibility.REGISTERED
    )
    Material.objects.create(
        session=session, title="Slides", link="https://example.org/sample/slides.pdf"
    )
    return session


@pytest.fixture
def attendee(session) -> User:
    person = UserFactory(email="rater@example.org")
    RegistrationFactory(edition=session.edition, attendee=person)
    return person


def rate(page, *, rating_label: str | None, comment: str, group: str, submit: str) -> None:
    if rating_label:
        page.get_by_role("group", name=group).get_by_label(rating_label).check()
    page.locator("textarea[name=comment]").fill(comment)
    page.get_by_role("button", name=submit).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_an_attendee_rates_a_session_with_or_without_scripts(
    browser, live_server, session, attendee, scripts
):
    context = signed_in(browser, live_server, attendee.email, java_script_enabled=scripts)
    page = context.new_page()
    problems: list[str] = []

    def check(name: str) -> None:
        if scripts:
            problems.extend(violations_here(page, name, impacts=None))

    page.goto(session.get_absolute_url())
    check("session page with the form")
    assert page.get_by_role("link", name="Recording with interpretation into Spanish").count()

    # Sent without a rating: the error is shown and the comment is still there.
    rate(
        page, rating_label=None, comment="Clear slides.", group="Your rating",
        submit="Send my feedback",
    )  # fmt: skip
    assert page.get_by_text("Choose a rating from 1 to 5.").is_visible()
    assert page.locator("textarea[name=comment]").input_value() == "Clear slides."
    check("the form sent back with its error")

    rate(
        page, rating_label="4: very good", comment="Clear slides.", group="Your rating",
        submit="Send my feedback",
    )  # fmt: skip
    assert page.get_by_text("Thank you: your feedback is saved.").is_visible()
    assert page.get_by_text("You can change your feedback until").is_visible()
    assert page.get_by_role("group", name="Your rating").get_by_label("4: very good").is_checked()
    check("the page after rating")
    context.close()
    assert not problems, "\n".join(problems)
    given = Feedback.objects.get()
    assert (given.author, given.rating, given.comment) == (attendee, 4, "Clear slides.")


def test_a_visitor_sees_what_exists_but_not_the_registered_only_address(
    browser, live_server, session
):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(session.get_absolute_url())
    problems = violations_here(page, "session page, signed out", impacts=None)
    html = page.content()
    assert HIDDEN_VIDEO not in html
    assert page.get_by_text("Recording with interpretation into Spanish").is_visible()
    assert page.get_by_role("link", name="Sign in to see them").is_visible()
    assert page.get_by_role("link", name="Sign in to rate it").is_visible()
    assert page.locator("form.feedback-form").count() == 0
    context.close()
    assert not problems, "\n".join(problems)


def test_in_arabic_the_page_reads_right_to_left_and_the_form_works(
    browser, live_server, session, attendee
):
    attendee.language = "ar"
    attendee.save(update_fields=["language"])
    context = signed_in(browser, live_server, attendee.email)
    page = context.new_page()
    page.goto(f"/ar{session.get_absolute_url()}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    problems = violations_here(page, "session page in Arabic", impacts=None)
    assert page.get_by_role("heading", name="التقييم").is_visible()
    rate(
        page, rating_label=None, comment="عرض واضح.", group="تقييمك", submit="إرسال تقييمي",
    )  # fmt: skip
    assert page.get_by_text("اختر تقييمًا من 1 إلى 5.").is_visible()
    assert page.locator("textarea[name=comment]").input_value() == "عرض واضح."
    problems += violations_here(page, "the Arabic form sent back", impacts=None)
    rate(
        page, rating_label="5: ممتاز", comment="عرض واضح.", group="تقييمك", submit="إرسال تقييمي",
    )  # fmt: skip
    assert page.get_by_text("شكرًا لك: حُفظ تقييمك.").is_visible()
    problems += violations_here(page, "the Arabic page after rating", impacts=None)
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems.append("the Arabic page scrolls sideways")
    context.close()
    assert not problems, "\n".join(problems)
    assert Feedback.objects.get().rating == 5
