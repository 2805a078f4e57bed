"""Every change organisers make to the programme (publishing, unpublishing, moving,
editing in the admin, the items of a block on its page) leaves exactly one audit entry
per session changed: who, what, which session, the changed fields old and new, written
in the change's own transaction. A refused or empty change leaves none."""

import datetime

import pytest
from django.urls import reverse

from agenda import services
from agenda.models import Room, Session
from gmc.models import AuditEntry
from tests.admin_forms import admin_form_data
from tests.agenda.factories import RoomFactory, SessionFactory, SessionSpeakerFactory, local
from tests.agenda.test_admin import LIST
from tests.agenda.test_session_changes import change_url, page_data


@pytest.fixture
def admin_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def block(edition):
    return SessionFactory(
        edition=edition, kind=Session.Kind.CEREMONY, title="Morning assembly",
        room=RoomFactory(edition=edition), starts_at=local(edition, 0, 9),
        ends_at=local(edition, 0, 12),
    )  # fmt: skip


@pytest.fixture
def item(block):
    return SessionFactory(
        edition=block.edition, parent=block, kind=Session.Kind.OPENING_ITEM,
        title="Welcome video", room=block.room,
        starts_at=local(block.edition, 0, 9), ends_at=local(block.edition, 0, 9, 10),
    )  # fmt: skip


def utc(moment: datetime.datetime) -> str:
    """A moment as the log stores it."""
    return moment.astimezone(datetime.UTC).isoformat()


def entries() -> dict[int, AuditEntry]:
    """The entries there are, by session; at most one per session."""
    found = list(AuditEntry.objects.all())
    by_session = {}
    for entry in found:
        assert entry.content_type.model_class() is Session
        by_session[int(entry.object_id)] = entry
    assert len(by_session) == len(found), "more than one entry for a session"
    return by_session


def run_action(admin_client, action, sessions, **extra):
    return admin_client.post(
        LIST, {"action": action, "_selected_action": [s.pk for s in sessions], **extra}
    )


def test_publishing_leaves_one_entry_per_published_session(admin_client, organiser, edition):
    room = RoomFactory(edition=edition)
    SessionFactory(edition=edition, room=room, title="Already there")
    draft = SessionFactory(edition=edition, is_published=False, starts_at=local(edition, 0, 11))
    clash = SessionFactory(edition=edition, room=room, is_published=False, title="Clash")

    run_action(admin_client, "publish_selected", [draft, clash])

    # The clashing draft was left as it was: nothing to log about it.
    assert list(entries()) == [draft.pk]
    entry = entries()[draft.pk]
    assert (entry.actor, entry.action) == (organiser, "session.published")
    assert entry.object_repr == draft.title
    assert entry.changes == {"is_published": {"old": False, "new": True}}
    # Publishing again changes nothing and logs nothing.
    run_action(admin_client, "publish_selected", [draft])
    assert AuditEntry.objects.count() == 1


def test_unpublishing_leaves_one_entry_per_session(admin_client, organiser, edition):
    sessions = [SessionFactory(edition=edition), SessionFactory(edition=edition)]
    draft = SessionFactory(edition=edition, is_published=False)

    run_action(admin_client, "unpublish_selected", [*sessions, draft])

    logged = entries()
    assert set(logged) == {session.pk for session in sessions}
    for entry in logged.values():
        assert (entry.actor, entry.action) == (organiser, "session.unpublished")
        assert entry.changes == {"is_published": {"old": True, "new": False}}


def test_shifting_leaves_one_entry_per_moved_session_with_the_shift(
    admin_client, organiser, block, item
):
    response = run_action(admin_client, "shift_selected", [block], apply="1", minutes="30")

    assert response.status_code == 302
    logged = entries()
    assert set(logged) == {block.pk, item.pk}  # the block's item moved with it
    for session in (block, item):
        entry = logged[session.pk]
        assert (entry.actor, entry.action) == (organiser, "session.moved")
        assert entry.note == "Shifted by 30 minutes."
        later = datetime.timedelta(minutes=30)
        assert entry.changes == {
            "starts_at": {"old": utc(session.starts_at), "new": utc(session.starts_at + later)},
            "ends_at": {"old": utc(session.ends_at), "new": utc(session.ends_at + later)},
        }


def test_a_refused_shift_leaves_no_entry(admin_client, edition):
    room = RoomFactory(edition=edition, name="Main hall")
    first = SessionFactory(
        edition=edition, room=room, starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 10)
    )
    SessionFactory(
        edition=edition, room=room, starts_at=local(edition, 0, 10), ends_at=local(edition, 0, 11)
    )

    run_action(admin_client, "shift_selected", [first], apply="1", minutes="30")

    assert Session.objects.get(pk=first.pk).starts_at == first.starts_at
    assert not AuditEntry.objects.exists()


def test_moving_a_session_in_the_admin_is_logged_as_a_move(admin_client, organiser, edition):
    hall = RoomFactory(edition=edition, name="Hall")
    annex = RoomFactory(edition=edition, name="Annex")
    session = SessionFactory(
        edition=edition, room=hall, starts_at=local(edition, 0, 10), ends_at=local(edition, 0, 11)
    )

    response = admin_client.post(
        change_url(session),
        page_data(session, room=annex.pk, starts_at_1="14:00", ends_at_1="15:00"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = entries()[session.pk]
    assert (entry.actor, entry.action) == (organiser, "session.moved")
    assert entry.changes == {
        "starts_at": {"old": utc(local(edition, 0, 10)), "new": utc(local(edition, 0, 14))},
        "ends_at": {"old": utc(local(edition, 0, 11)), "new": utc(local(edition, 0, 15))},
        "room": {"old": str(hall), "new": str(annex)},
    }


def test_editing_a_sessions_title_in_the_admin_is_logged_once(admin_client, organiser, edition):
    session = SessionFactory(edition=edition, title="Old title")

    response = admin_client.post(change_url(session), page_data(session, title="New title"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = entries()[session.pk]
    assert (entry.actor, entry.action) == (organiser, "session.changed")
    assert entry.object_repr == "New title"
    assert entry.changes == {"title": {"old": "Old title", "new": "New title"}}


def test_publishing_in_the_admin_form_is_logged_as_publishing(admin_client, organiser, edition):
    draft = SessionFactory(edition=edition, is_published=False, title="Draft")

    response = admin_client.post(
        change_url(draft), page_data(draft, is_published="on", title="Final")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = entries()[draft.pk]
    assert entry.action == "session.published"
    assert entry.changes == {
        "title": {"old": "Draft", "new": "Final"},
        "is_published": {"old": False, "new": True},
    }


def test_changing_the_speakers_in_the_admin_is_logged(admin_client, edition):
    session = SessionFactory(edition=edition)
    part = SessionSpeakerFactory(session=session, speaker__name="Ana Ruiz")
    data = page_data(session, speakers=[part])
    data["session_speakers-0-role"] = "moderator"

    assert admin_client.post(change_url(session), data).status_code == 302

    entry = entries()[session.pk]
    assert entry.action == "session.changed"
    assert entry.changes == {
        "speakers": {"old": ["Ana Ruiz (Speaker)"], "new": ["Ana Ruiz (Moderator)"]}
    }


def test_an_item_edited_on_its_block_page_is_logged_alone(admin_client, organiser, block, item):
    data = page_data(block, items=[item])
    data |= {"children-0-title_en": "Welcome film"}

    assert admin_client.post(change_url(block), data).status_code == 302

    logged = entries()
    assert list(logged) == [item.pk]
    assert (logged[item.pk].actor, logged[item.pk].action) == (organiser, "session.changed")
    assert logged[item.pk].changes == {"title": {"old": "Welcome video", "new": "Welcome film"}}


def test_a_save_that_changes_nothing_leaves_no_entry(admin_client, block, item):
    part = SessionSpeakerFactory(session=block)

    response = admin_client.post(
        change_url(block), page_data(block, items=[item], speakers=[part])
    )

    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_a_refused_admin_save_leaves_no_entry(admin_client, block, item):
    data = page_data(block, items=[item], title="Grand opening", ends_at_1="08:00")

    assert admin_client.post(change_url(block), data).status_code == 200

    assert not AuditEntry.objects.exists()


def test_a_write_that_raises_leaves_no_entry(edition, organiser):
    session = SessionFactory(edition=edition)

    with pytest.raises(RuntimeError), services.changing_sessions([session.pk], by=organiser):
        Session.objects.filter(pk=session.pk).update(title="Half done")
        raise RuntimeError

    assert not AuditEntry.objects.exists()


def test_the_services_log_who_acted_and_none_for_the_system(edition, organiser):
    session = SessionFactory(edition=edition, is_published=False)

    services.publish_sessions([session.pk], by=organiser)
    services.shift_sessions([session.pk], -15, by=None)

    published, moved = AuditEntry.objects.order_by("pk")
    assert (published.actor, published.action) == (organiser, "session.published")
    assert (moved.actor, moved.actor_name, moved.action) == (None, "", "session.moved")
    assert moved.note == "Shifted by -15 minutes."


def test_the_sessions_history_page_shows_its_entries(admin_client, edition):
    session = SessionFactory(edition=edition, title="Old title")
    admin_client.post(change_url(session), page_data(session, title="New title"))

    html = admin_client.get(f"{change_url(session).removesuffix('change/')}history/")

    assert html.status_code == 200
    text = html.content.decode()
    assert "Session edited" in text and "Old title" in text and "New title" in text


def test_editing_a_room_in_the_admin_is_logged(admin_client, organiser, edition):
    room = RoomFactory(edition=edition, name="Hall")
    url = reverse("admin:agenda_room_change", args=[room.pk])

    data = admin_form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "name": "Great hall"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get()
    assert entry.content_type.model_class() is Room
    assert (entry.actor, entry.action) == (organiser, "room.changed")
    assert entry.changes == {"name": {"old": "Hall", "new": "Great hall"}}
