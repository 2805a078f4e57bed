"""Every way a session changes (the admin's form, the items of a block on its page, the
shift action, the services) goes through one service: each change increases the
session's SEQUENCE exactly once and shows on the next programme request, and a save
that changes nothing increases nothing."""

import pytest

from agenda import services
from agenda.models import Session
from tests.agenda.factories import (
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    local,
)
from tests.agenda.test_admin import LIST
from tests.agenda.test_cache import anonymous_page


@pytest.fixture
def admin_client(client, organiser):
    client.force_login(organiser)
    return client


def change_url(session):
    return f"{LIST}{session.pk}/change/"


def moment(session, value):
    local_value = value.astimezone(session.edition.tz)
    return local_value.date().isoformat(), local_value.strftime("%H:%M")


ENGLISH = {"title": "title_en", "description": "description_en", "theme": "theme_en"}


def page_data(session, *, items=(), speakers=(), **changes):
    """The change page of ``session`` sent back as shown, with ``changes``."""
    start, end = moment(session, session.starts_at), moment(session, session.ends_at)
    data = {
        "edition": session.edition_id,
        "kind": session.kind,
        "title_en": session.title,
        "slug": session.slug,
        "description_en": session.description,
        "starts_at_0": start[0],
        "starts_at_1": start[1],
        "ends_at_0": end[0],
        "ends_at_1": end[1],
        "room": session.room_id or "",
        "parent": session.parent_id or "",
        "plenary_number": session.plenary_number or "",
        "theme_en": session.theme,
        "is_published": "on" if session.is_published else "",
        "session_speakers-TOTAL_FORMS": str(len(speakers)),
        "session_speakers-INITIAL_FORMS": str(len(speakers)),
        "children-TOTAL_FORMS": str(len(items)),
        "children-INITIAL_FORMS": str(len(items)),
        "recordings-TOTAL_FORMS": "0",
        "recordings-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    for index, part in enumerate(speakers):
        data |= {
            f"session_speakers-{index}-id": part.pk,
            f"session_speakers-{index}-session": session.pk,
            f"session_speakers-{index}-speaker": part.speaker_id,
            f"session_speakers-{index}-role": part.role,
            f"session_speakers-{index}-order": part.order,
        }
    for index, item in enumerate(items):
        item_start, item_end = moment(item, item.starts_at), moment(item, item.ends_at)
        data |= {
            f"children-{index}-id": item.pk,
            f"children-{index}-parent": session.pk,
            f"children-{index}-kind": item.kind,
            f"children-{index}-title_en": item.title,
            f"children-{index}-slug": item.slug,
            f"children-{index}-starts_at_0": item_start[0],
            f"children-{index}-starts_at_1": item_start[1],
            f"children-{index}-ends_at_0": item_end[0],
            f"children-{index}-ends_at_1": item_end[1],
            f"children-{index}-room": item.room_id or "",
            f"children-{index}-is_published": "on" if item.is_published else "",
        }
    # The texts are written per language: a change of ``title`` is of the English one.
    data.update({ENGLISH.get(name, name): value for name, value in changes.items()})
    return data


def sequence(session) -> int:
    return Session.objects.values_list("sequence", flat=True).get(pk=session.pk)


@pytest.fixture
def block(edition):
    room = RoomFactory(edition=edition, name="Main hall")
    return SessionFactory(
        edition=edition, kind=Session.Kind.CEREMONY, title="Morning assembly", room=room,
        starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 12),
    )  # fmt: skip


@pytest.fixture
def item(block):
    return SessionFactory(
        edition=block.edition, parent=block, kind=Session.Kind.OPENING_ITEM,
        title="Welcome video", room=block.room,
        starts_at=local(block.edition, 0, 9), ends_at=local(block.edition, 0, 9, 10),
    )  # fmt: skip


def test_an_admin_edit_bumps_the_sequence_once_and_shows_at_once(admin_client, block, item):
    assert "Morning assembly" in anonymous_page()  # cached now
    response = admin_client.post(
        change_url(block), page_data(block, items=[item], title="Grand opening")
    )
    assert response.status_code == 302
    assert sequence(block) == 1
    assert sequence(item) == 0
    html = anonymous_page()
    assert "Grand opening" in html and "Morning assembly" not in html
    # The next change is another revision.
    block.refresh_from_db()
    admin_client.post(change_url(block), page_data(block, items=[item], description="New"))
    assert sequence(block) == 2


def test_an_admin_edit_of_the_speakers_alone_bumps_once(admin_client, edition):
    session = SessionFactory(edition=edition)
    part = SessionSpeakerFactory(session=session, speaker=SpeakerFactory(name="Old Speaker"))
    other = SpeakerFactory(name="New Speaker")
    data = page_data(session, speakers=[part])
    data["session_speakers-0-speaker"] = other.pk
    assert admin_client.post(change_url(session), data).status_code == 302
    assert sequence(session) == 1


def test_an_admin_save_that_changes_nothing_bumps_nothing(admin_client, block, item):
    part = SessionSpeakerFactory(session=block)
    response = admin_client.post(
        change_url(block), page_data(block, items=[item], speakers=[part])
    )
    assert response.status_code == 302
    assert (sequence(block), sequence(item)) == (0, 0)


def test_a_refused_admin_save_bumps_nothing(admin_client, block, item):
    data = page_data(block, items=[item], title="Grand opening", ends_at_1="08:00")
    assert admin_client.post(change_url(block), data).status_code == 200
    assert (sequence(block), sequence(item)) == (0, 0)


def test_an_item_edited_on_its_block_page_bumps_the_item_alone(admin_client, block, item):
    assert "Welcome video" in anonymous_page()
    data = page_data(block, items=[item])
    data |= {"children-0-title_en": "Welcome film", "children-0-starts_at_1": "09:05",
             "children-0-ends_at_1": "09:15"}  # fmt: skip
    assert admin_client.post(change_url(block), data).status_code == 302
    assert sequence(item) == 1
    assert sequence(block) == 0
    html = anonymous_page()
    assert "Welcome film" in html and "Welcome video" not in html


def test_the_shift_action_bumps_each_moved_session_once(admin_client, block, item, edition):
    untouched = SessionFactory(edition=edition, starts_at=local(edition, 1, 14))
    assert ">09:00</time>" in anonymous_page()
    response = admin_client.post(
        LIST,
        {"action": "shift_selected", "_selected_action": [block.pk], "apply": "1",
         "minutes": "30"},
    )  # fmt: skip
    assert response.status_code == 302
    assert (sequence(block), sequence(item), sequence(untouched)) == (1, 1, 0)
    html = anonymous_page()
    assert ">09:30</time>" in html and ">09:00</time>" not in html


def test_the_services_bump_once_per_change_and_invalidate(edition):
    session = SessionFactory(edition=edition, title="Late panel", is_published=False)
    assert "Late panel" not in anonymous_page()
    services.publish_sessions([session.pk], by=None)
    assert sequence(session) == 1
    assert "Late panel" in anonymous_page()
    services.publish_sessions([session.pk], by=None)  # already published: no change
    assert sequence(session) == 1
    services.shift_sessions([session.pk], 15, by=None)
    assert sequence(session) == 2
    services.unpublish_sessions([session.pk], by=None)
    assert sequence(session) == 3
    assert "Late panel" not in anonymous_page()


def test_a_draft_never_published_keeps_its_sequence(admin_client, edition):
    draft = SessionFactory(edition=edition, is_published=False)
    services.shift_sessions([draft.pk], 15, by=None)
    draft.refresh_from_db()
    admin_client.post(change_url(draft), page_data(draft, title="Still a draft"))
    assert Session.objects.get(pk=draft.pk).title == "Still a draft"
    assert sequence(draft) == 0


def test_a_write_that_raises_inside_changes_nothing(edition):
    session = SessionFactory(edition=edition)
    with pytest.raises(RuntimeError), services.changing_sessions([session.pk], by=None):
        Session.objects.filter(pk=session.pk).update(title="Half done")
        raise RuntimeError
    session.refresh_from_db()
    assert session.title != "Half done"
    assert session.sequence == 0
