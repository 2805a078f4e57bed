"""Each alliance member may have a description, written per language in the admin and
shown on the alliance page in the page's language, in English where it is not written."""

import re

import pytest
from django.utils import translation

from gmc.models import AllianceMember
from tests.admin_forms import admin_form_data
from tests.factories import AllianceMemberFactory, OrganisationFactory
from tests.gmc.test_content_languages import english_column


@pytest.fixture(autouse=True)
def english_after_each_test(english_afterwards):
    pass


def member_item(html: str, slug: str) -> str:
    """The alliance page's list item of one member."""
    return re.search(rf'<li id="{slug}">(.*?)</li>', html, re.S).group(1)


def test_the_alliance_page_shows_the_description_in_the_pages_language(client, db):
    AllianceMemberFactory(
        organisation=OrganisationFactory(name="Open University", slug="open-u"),
        description="A university of open courses.\n\nIt joined in <2020>.",
        description_es="Una universidad de cursos abiertos.",
    )
    AllianceMemberFactory(organisation=OrganisationFactory(name="Quiet U", slug="quiet-u"))

    english = member_item(client.get("/alliance/").content.decode(), "open-u")
    assert "<p>A university of open courses.</p>" in english
    assert "<p>It joined in &lt;2020&gt;.</p>" in english  # the text is text, not markup
    spanish = member_item(client.get("/es/alliance/").content.decode(), "open-u")
    assert "Una universidad de cursos abiertos." in spanish
    assert "A university of open courses." not in spanish
    # Not written in French: the English description.
    french = client.get("/fr/alliance/").content.decode()
    assert "A university of open courses." in member_item(french, "open-u")
    # A member without a description gets no empty block.
    assert "member-description" not in member_item(french, "quiet-u")


def test_the_admin_edits_the_description_in_each_language(client, staff_organiser):
    member = AllianceMemberFactory()
    client.force_login(staff_organiser)
    url = f"/admin/gmc/alliancemember/{member.pk}/change/"
    page = client.get(url)
    for code in ("en", "es", "fr", "zh_hans", "ru", "ar", "vi"):
        assert f'name="description_{code}"' in page.content.decode()
    data = admin_form_data(page)
    data.update(
        description_en="A university of the alliance.",
        description_vi="Một trường đại học của liên minh.",
    )
    # An organiser reading the admin in Vietnamese.
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302, response.content.decode()[-2000:]
    member.refresh_from_db()
    assert (member.description_en, member.description_vi) == (
        "A university of the alliance.",
        "Một trường đại học của liên minh.",
    )
    with translation.override("es"):  # not written in Spanish: the English one
        assert AllianceMember.objects.get(pk=member.pk).description == member.description_en
    assert english_column("gmc_alliancemember", "description", member.pk) == (
        "A university of the alliance."
    )
    listing = client.get("/admin/gmc/alliancemember/").content.decode()
    assert '<td class="field-translations">en, vi</td>' in listing


def test_the_demo_describes_members_in_english_spanish_and_vietnamese(demo):
    described = (
        AllianceMember.objects.exclude(description_en__isnull=True)
        .exclude(description_en="")
        .select_related("organisation")
    )
    slugs = {member.organisation.slug for member in described}
    assert {"tsinghua", "unam", "polimi", "vnu-hanoi", "ufrj"} <= slugs
    for member in described:
        for code in ("en", "es", "vi"):
            assert getattr(member, f"description_{code}"), (member.organisation.slug, code)
    with translation.override("vi"):
        hanoi = AllianceMember.objects.get(organisation__slug="vnu-hanoi")
        assert hanoi.description.startswith("Đại học Quốc gia Hà Nội")
    with translation.override("es"):
        unam = AllianceMember.objects.get(organisation__slug="unam")
        assert "Declaración de Ciudad de México" in unam.description
