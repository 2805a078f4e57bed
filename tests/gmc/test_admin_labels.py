"""Every control of the admin has a name a screen reader can announce: the inputs of
tabular inlines, the boxes of autocomplete fields, the date and time of a moment, and
each language's field says its language and direction (gmc/admin_labels.py,
gmc/admin_translation.py, templates/admin/widgets/split_datetime.html).
tests/browser/test_arabic.py runs axe-core over the screens themselves."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.options import TabularInline

from gmc.admin_labels import AutocompletePlaceholders, ColumnLabels
from tests.agenda.factories import SessionFactory
from tests.factories import EditionFactory


def admins_and_inlines():
    for model_admin in admin.site._registry.values():
        yield type(model_admin)
        yield from model_admin.inlines


def test_every_tabular_inline_names_its_controls_after_their_columns():
    unnamed = [
        cls.__name__
        for cls in admins_and_inlines()
        if issubclass(cls, TabularInline) and not issubclass(cls, ColumnLabels)
    ]
    assert not unnamed


def test_every_autocomplete_box_shows_its_field_when_empty():
    unnamed = [
        cls.__name__
        for cls in admins_and_inlines()
        if cls.autocomplete_fields and not issubclass(cls, AutocompletePlaceholders)
    ]
    assert not unnamed


@pytest.fixture
def block_page(client, staff_organiser):
    """The admin page of a block of sessions: a date and time pair, the speakers (an
    autocomplete field) and the block's items, both as tabular inlines."""
    edition = EditionFactory(is_current=True)
    block = SessionFactory(edition=edition, title="Opening block", slug="opening-block")
    SessionFactory(edition=edition, parent=block, title="Welcome", slug="welcome")
    client.force_login(staff_organiser)
    response = client.get(f"/admin/agenda/session/{block.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def tag(html: str, attribute: str) -> str:
    found = re.search(rf"<(?:input|select)\b[^>]*{attribute}[^>]*>", html)
    assert found, attribute
    return found.group(0)


def test_the_date_and_the_time_each_have_a_label(block_page):
    assert re.search(r'<label for="id_starts_at_0">[^<]+</label>', block_page)
    assert re.search(r'<label for="id_starts_at_1">[^<]+</label>', block_page)


def test_inline_controls_are_named_after_their_columns(block_page):
    assert 'aria-label="Role"' in tag(block_page, 'name="session_speakers-0-role"')
    assert 'aria-label="Order"' in tag(block_page, 'name="session_speakers-0-order"')
    assert 'aria-label="Kind"' in tag(block_page, 'name="children-0-kind"')
    assert 'aria-label="Delete"' in tag(block_page, 'name="children-0-DELETE"')


def test_an_empty_autocomplete_box_shows_its_field(block_page):
    assert 'data-placeholder="Speaker"' in tag(block_page, 'name="session_speakers-0-speaker"')


def test_each_language_field_says_its_language_and_direction(block_page):
    english = tag(block_page, 'name="title_en"')
    arabic = tag(block_page, 'name="title_ar"')
    assert 'lang="en"' in english and 'dir="ltr"' in english
    assert 'lang="ar"' in arabic and 'dir="rtl"' in arabic
