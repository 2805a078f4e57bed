"""Editing the programme in bulk: publishing, the items of a block on its page, and a
block picker limited to the session's edition."""

from datetime import timedelta

import pytest

from agenda.models import Session
from tests.agenda.factories import RoomFactory, SessionFactory, local
from tests.agenda.test_admin import LIST, form_data
from tests.factories import EditionFactory


@pytest.fixture
def admin_client(client, organiser):
    client.force_login(organiser)
    return client


def run_action(admin_client, action, sessions):
    return admin_client.post(
        LIST, {"action": action, "_selected_action": [s.pk for s in sessions]}, follow=True
    )


def test_publish_action_publishes_drafts_and_keeps_a_clashing_one_a_draft(admin_client, edition):
    room = RoomFactory(edition=edition)
    SessionFactory(edition=edition, room=room, title="Already there")
    first = SessionFactory(edition=edition, is_published=False, starts_at=local(edition, 0, 11))
    second = SessionFactory(edition=edition, is_published=False, starts_at=local(edition, 0, 12))
    clash = SessionFactory(edition=edition, room=room, is_published=False, title="Clash")
    response = run_action(admin_client, "publish_selected", [first, second, clash])
    html = response.content.decode()
    assert "2 sessions published." in html
    assert "Left as drafts: Clash:" in html
    assert set(Session.objects.filter(is_published=True).values_list("pk", flat=True)) >= {
        first.pk,
        second.pk,
    }
    clash.refresh_from_db()
    first.refresh_from_db()
    assert not clash.is_published
    assert first.sequence == 1
    assert first.title in admin_client.get("/agenda/").content.decode()
    # A repeat changes nothing.
    run_action(admin_client, "publish_selected", [first])
    first.refresh_from_db()
    assert first.sequence == 1


def test_unpublish_action_takes_sessions_off_the_programme(admin_client, edition):
    session = SessionFactory(edition=edition, title="Withdrawn panel")
    assert "Withdrawn panel" in admin_client.get("/agenda/").content.decode()
    html = run_action(admin_client, "unpublish_selected", [session]).content.decode()
    assert "1 session is a draft again." in html
    session.refresh_from_db()
    assert not session.is_published
    assert "Withdrawn panel" not in admin_client.get("/agenda/").content.decode()


def block_data(block, **extra):
    zone = block.edition.tz
    start, end = block.starts_at.astimezone(zone), block.ends_at.astimezone(zone)
    data = {
        "edition": block.edition_id,
        "kind": block.kind,
        "title_en": block.title,
        "slug": block.slug,
        "starts_at_0": start.date().isoformat(),
        "starts_at_1": start.strftime("%H:%M"),
        "ends_at_0": end.date().isoformat(),
        "ends_at_1": end.strftime("%H:%M"),
        "is_published": "on",
        "session_speakers-TOTAL_FORMS": "0",
        "session_speakers-INITIAL_FORMS": "0",
        "children-TOTAL_FORMS": "0",
        "children-INITIAL_FORMS": "0",
        "recordings-TOTAL_FORMS": "0",
        "recordings-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def item_fields(index, edition, title, start, end, **extra):
    day = edition.start_date.isoformat()
    fields = {
        "kind": Session.Kind.OPENING_ITEM,
        "title_en": title,
        "slug": title.lower().replace(" ", "-"),
        "starts_at_0": day,
        "starts_at_1": start,
        "ends_at_0": day,
        "ends_at_1": end,
        "is_published": "on",
        **extra,
    }
    return {f"children-{index}-{name}": value for name, value in fields.items()}


def test_items_of_a_block_are_added_on_the_block_page(admin_client, edition):
    block = SessionFactory(
        edition=edition, kind=Session.Kind.CEREMONY, title="Opening ceremony",
        starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 12),
    )  # fmt: skip
    url = f"{LIST}{block.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert "Items of this block" in html and 'name="children-TOTAL_FORMS"' in html
    data = block_data(block, **{"children-TOTAL_FORMS": "2"})
    data |= item_fields(0, edition, "Welcome video", "09:00", "09:10")
    data |= item_fields(1, edition, "Opening address", "09:10", "09:40")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    items = list(block.children.order_by("starts_at"))
    assert [i.title for i in items] == ["Welcome video", "Opening address"]
    assert {i.edition_id for i in items} == {edition.pk}
    assert items[0].starts_at == local(edition, 0, 9)

    # An item outside the block's times is a form error, and nothing is saved.
    data = block_data(block, **{"children-TOTAL_FORMS": "1"})
    data |= item_fields(0, edition, "Too late", "12:30", "12:40")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors
    assert "within the times of its block" in str(errors), errors
    assert not Session.objects.filter(title="Too late").exists()


def test_block_picker_lists_blocks_of_the_sessions_edition_with_the_year(admin_client, edition):
    older = EditionFactory(year=edition.year - 1, is_current=False)
    SessionFactory(edition=older, title="Plenary of last year")
    SessionFactory(edition=edition, title="Plenary of this year", starts_at=local(edition, 0, 9))
    item = SessionFactory(edition=edition, title="A talk", starts_at=local(edition, 1, 9))
    html = admin_client.get(f"{LIST}{item.pk}/change/").content.decode()
    picker = html[html.index('name="parent"') :]
    picker = picker[: picker.index("</select>")]
    assert f"{edition.year} · Plenary of this year" in picker
    assert "Plenary of last year" not in picker
    html = admin_client.get(f"{LIST}add/", {"edition": older.pk}).content.decode()
    picker = html[html.index('name="parent"') :]
    picker = picker[: picker.index("</select>")]
    assert f"{older.year} · Plenary of last year" in picker
    assert "Plenary of this year" not in picker


def test_a_new_session_form_still_saves(admin_client, edition):
    response = admin_client.post(f"{LIST}add/", form_data(edition))
    assert response.status_code == 302
    assert Session.objects.get(slug="a-new-panel").starts_at == local(edition, 0, 10)
    assert timedelta(hours=1) == Session.objects.get(slug="a-new-panel").duration
