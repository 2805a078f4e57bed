"""Asking for a visa invitation letter in a real browser, with JavaScript and without,
in English and in Arabic: the tick box on the registration form leads to the letter's
form, a mistake is shown beside its field with everything typed kept, and axe-core finds
nothing on the pages (no violation of any impact; axe runs in the page, so only where
JavaScript is on). The Arabic form is photographed into
build/screenshots/visa-letter-ar-390.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from documents.visa.models import VisaRequest
from registration.models import Registration
from tests.browser.test_accessibility import signed_in, violations_here
from tests.factories import EditionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"


def fill_letter_form(page, passport_number: str) -> None:
    page.locator("[name=passport_name]").fill("AMINA WANJIRU OTIENO")
    page.locator("[name=nationality]").select_option("KE")
    page.locator("[name=passport_number]").fill(passport_number)
    page.locator("[name=date_of_birth]").fill("1984-07-19")
    page.locator("[name=purpose]").fill("To attend the conference in person.")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_registration_flow_leads_to_the_letter_form(browser, live_server, javascript):
    edition = EditionFactory(is_current=True)
    person = UserFactory(given_name="Amina", family_name="Otieno", country="KE")
    context = signed_in(browser, live_server, person.email, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"/register/{edition.year}/")
    page.get_by_label("In person").check()
    page.get_by_label("I need an invitation letter for a visa").check()
    page.get_by_label("I agree to the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"**/register/me/{edition.year}/visa-letter/")
    assert Registration.objects.filter(attendee=person).exists()

    def violations(name: str) -> list[str]:
        return violations_here(page, name, impacts=None) if javascript else []

    found = violations("visa letter form")

    fill_letter_form(page, "K7/Q4")
    page.get_by_role("button", name="Ask for the letter").click()
    error = (
        page.locator("#id_passport_number")
        .locator("xpath=..")
        .get_by_text("A passport number has 5 to 20 letters")
    )
    expect(error).to_be_visible()  # waits for the page the form was sent to
    assert page.locator("[name=passport_name]").input_value() == "AMINA WANJIRU OTIENO"
    assert page.locator("[name=passport_number]").input_value() == "K7/Q4"
    assert page.locator("[name=nationality]").input_value() == "KE"
    found += violations("visa letter form with an error")

    page.locator("[name=passport_number]").fill("K7Q4812209")
    page.get_by_role("button", name="Ask for the letter").click()
    page.wait_for_url("**/register/me/")
    expect(page.get_by_text("Waiting for a decision").first).to_be_visible()
    found += violations("my registration with a request")
    context.close()
    assert VisaRequest.objects.get(registration__attendee=person).passport_number == "K7Q4812209"
    assert not found, "\n".join(found)


def test_the_letter_form_in_arabic(browser, live_server):
    edition = EditionFactory(is_current=True)
    person = UserFactory(given_name="Amina", family_name="Otieno", language="ar")
    Registration.objects.create(
        edition=edition,
        attendee=person,
        attendance="in_person",
        status="confirmed",
        consent_at=edition.registration_opens_at,
    )
    context = signed_in(browser, live_server, person.email, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"/ar/register/me/{edition.year}/visa-letter/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    found = violations_here(page, "visa letter form (ar)", impacts=None)
    fill_letter_form(page, "K7/Q4")
    with translation.override("ar"):
        ask = translation.gettext("Ask for the letter")
    page.get_by_role("button", name=ask).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert page.locator("[name=passport_number]").input_value() == "K7/Q4"
    found += violations_here(page, "visa letter form with an error (ar)", impacts=None)
    scroll = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "visa-letter-ar-390.png"), full_page=True)
    context.close()
    assert not scroll, "the Arabic form scrolls sideways"
    assert not found, "\n".join(found)
