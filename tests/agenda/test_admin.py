"""The organisers' admin: validation errors as form errors, the shift and duplicate
actions, and times typed in the edition's zone."""

from datetime import timedelta

import icalendar
import pytest

from agenda.models import Session, SessionSpeaker
from tests.agenda.factories import (
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    local,
)
from tests.factories import EditionFactory

ADD = "/admin/agenda/session/add/"
LIST = "/admin/agenda/session/"


def form_data(edition, room=None, start=(0, "10:00"), end=(0, "11:00"), **extra):
    def moment(day, at):
        return (edition.start_date + timedelta(days=day)).isoformat(), at

    (start_day, start_time), (end_day, end_time) = moment(*start), moment(*end)
    data = {
        "edition": edition.pk,
        "kind": Session.Kind.PANEL,
        "title_en": "A new panel",
        "slug": "a-new-panel",
        "description_en": "",
        "starts_at_0": start_day,
        "starts_at_1": start_time,
        "ends_at_0": end_day,
        "ends_at_1": end_time,
        "room": room.pk if room else "",
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


@pytest.fixture
def admin_client(client, organiser):
    client.force_login(organiser)
    return client


def test_times_are_typed_in_the_edition_zone(admin_client, edition):
    response = admin_client.post(ADD, form_data(edition, start=(0, "09:20"), end=(0, "09:30")))
    assert response.status_code == 302
    session = Session.objects.get(slug="a-new-panel")
    assert session.starts_at == local(edition, 0, 9, 20)
    html = admin_client.get(f"{LIST}{session.pk}/change/").content.decode()
    assert 'value="09:20:00"' in html


def test_overlapping_session_in_one_room_is_refused(admin_client, edition):
    room = RoomFactory(edition=edition, name="Main hall")
    SessionFactory(
        edition=edition,
        room=room,
        title="Plenary 1",
        starts_at=local(edition, 0, 10),
        ends_at=local(edition, 0, 11),
    )
    response = admin_client.post(
        ADD, form_data(edition, room, start=(0, "10:30"), end=(0, "11:30"))
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Main hall is taken from" in html and "“Plenary 1”" in html
    assert 'value="A new panel"' in html  # the typed input is kept
    assert not Session.objects.filter(slug="a-new-panel").exists()
    # Back to back is fine, another room is fine, a break is fine, a draft is fine.
    back_to_back = form_data(edition, room, start=(0, "11:00"), end=(0, "12:00"))
    assert admin_client.post(ADD, back_to_back).status_code == 302
    other = RoomFactory(edition=edition, name="Room B")
    assert (
        admin_client.post(ADD, form_data(edition, other, start=(0, "10:30"), slug="b")).status_code
        == 302
    )
    for slug, extra in [("tea", {"kind": "break"}), ("draft", {"is_published": ""})]:
        response = admin_client.post(
            ADD, form_data(edition, room, start=(0, "10:30"), end=(0, "10:45"), slug=slug, **extra)
        )
        assert response.status_code == 302, slug


def test_items_may_share_the_room_with_their_block(admin_client, edition):
    room = RoomFactory(edition=edition)
    block = SessionFactory(
        edition=edition,
        room=room,
        kind="ceremony",
        starts_at=local(edition, 0, 9),
        ends_at=local(edition, 0, 12),
    )
    data = form_data(edition, room, start=(0, "09:20"), end=(0, "09:30"), parent=block.pk)
    assert admin_client.post(ADD, data).status_code == 302
    data = form_data(edition, room, start=(0, "11:50"), end=(0, "12:30"), parent=block.pk,
                     slug="late")  # fmt: skip
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert "within the times of its block" in response.content.decode()


def test_end_before_start_is_refused(admin_client, edition):
    response = admin_client.post(ADD, form_data(edition, start=(0, "11:00"), end=(0, "10:00")))
    assert response.status_code == 200
    assert "The session must end after it starts." in response.content.decode()
    assert not Session.objects.exists()


def test_session_outside_the_edition_dates_is_refused(admin_client, edition):
    response = admin_client.post(ADD, form_data(edition, start=(-1, "10:00"), end=(-1, "11:00")))
    assert response.status_code == 200
    assert "within the edition&#x27;s dates" in response.content.decode()
    # Late on the last day in the event's zone is in, although it is the next day in UTC.
    response = admin_client.post(ADD, form_data(edition, start=(2, "22:00"), end=(2, "23:30")))
    assert response.status_code == 302


def test_room_and_block_of_another_edition_are_refused(admin_client, edition):
    other = EditionFactory()
    foreign_room = RoomFactory(edition=other)
    foreign_block = SessionFactory(edition=other)
    response = admin_client.post(ADD, form_data(edition, foreign_room, parent=foreign_block.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "another edition" in html


def test_admin_add_with_nonsense_input_is_not_a_500(admin_client, edition):
    for data in [
        form_data(edition, start=(0, "25:99")),
        {**form_data(edition), "edition": ""},
        {**form_data(edition), "edition": "abc", "room": "xyz", "parent": "0"},
    ]:
        assert admin_client.post(ADD, data).status_code == 200


def test_shift_action_moves_sessions_and_their_items(admin_client, edition):
    room = RoomFactory(edition=edition)
    block = SessionFactory(
        edition=edition, room=room, starts_at=local(edition, 1, 9), ends_at=local(edition, 1, 12)
    )
    item = SessionFactory(
        edition=edition,
        room=room,
        parent=block,
        starts_at=local(edition, 1, 9),
        ends_at=local(edition, 1, 9, 30),
    )
    untouched = SessionFactory(edition=edition, starts_at=local(edition, 0, 9))
    selection = {"action": "shift_selected", "_selected_action": [block.pk]}
    page = admin_client.post(LIST, selection)
    assert page.status_code == 200
    assert "Minutes" in page.content.decode()
    response = admin_client.post(LIST, {**selection, "apply": "1", "minutes": "0"})
    assert response.status_code == 200
    assert "other than 0" in response.content.decode()
    response = admin_client.post(LIST, {**selection, "apply": "1", "minutes": "15"})
    assert response.status_code == 302
    for session, hour in [(block, 9), (item, 9)]:
        session.refresh_from_db()
        assert session.starts_at == local(edition, 1, hour, 15)
        assert session.sequence == 1
    untouched.refresh_from_db()
    assert untouched.starts_at == local(edition, 0, 9) and untouched.sequence == 0


def test_shift_that_would_clash_moves_nothing(admin_client, edition):
    room = RoomFactory(edition=edition, name="Main hall")
    first = SessionFactory(
        edition=edition, room=room, starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 10)
    )
    SessionFactory(
        edition=edition, room=room, starts_at=local(edition, 0, 10), ends_at=local(edition, 0, 11)
    )
    response = admin_client.post(
        LIST,
        {"action": "shift_selected", "_selected_action": [first.pk], "apply": "1",
         "minutes": "30"},
    )  # fmt: skip
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.starts_at == local(edition, 0, 9) and first.sequence == 0
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Nothing was moved" in m and "Main hall is taken" in m for m in messages)


def test_duplicate_action_makes_a_draft_copy_with_speakers(admin_client, edition):
    room = RoomFactory(edition=edition)
    original = SessionFactory(edition=edition, room=room, slug="panel", title="Panel")
    SessionSpeakerFactory(session=original, role="moderator", order=2)
    for _ in range(2):
        response = admin_client.post(
            LIST, {"action": "duplicate_selected", "_selected_action": [original.pk]}
        )
        assert response.status_code == 302
    copies = Session.objects.exclude(pk=original.pk).order_by("pk")
    assert [c.slug for c in copies] == ["panel-copy", "panel-copy-2"]
    for copy in copies:
        assert not copy.is_published and copy.title == "Panel" and copy.room == room
        assert copy.starts_at == original.starts_at and copy.sequence == 0
        assert list(
            SessionSpeaker.objects.filter(session=copy).values_list("speaker", "role", "order")
        ) == [(original.session_speakers.get().speaker_id, "moderator", 2)]


def test_admin_filters_by_day_room_kind_and_published(admin_client, edition):
    room = RoomFactory(edition=edition)
    SessionFactory(edition=edition, title="First day talk", starts_at=local(edition, 0, 22))
    SessionFactory(
        edition=edition, title="Second day talk", room=room, starts_at=local(edition, 1, 9)
    )
    day = edition.start_date.isoformat()
    html = admin_client.get(LIST, {"day": day}).content.decode()
    assert "First day talk" in html and "Second day talk" not in html
    html = admin_client.get(LIST, {"room": room.pk}).content.decode()
    assert "Second day talk" in html and "First day talk" not in html
    for query in [{"kind__exact": "panel"}, {"is_published__exact": "1"}, {"day": "nonsense"}]:
        assert admin_client.get(LIST, query).status_code == 200


def test_whole_2025_programme_shifts_by_15_minutes(client, organiser, demo):
    client.force_login(organiser)
    ids = list(Session.objects.filter(edition__year=2025).values_list("pk", flat=True))
    before = dict(Session.objects.filter(pk__in=ids).values_list("pk", "starts_at"))
    response = client.post(
        LIST,
        {"action": "shift_selected", "_selected_action": ids, "apply": "1", "minutes": "15"},
    )
    assert response.status_code == 302
    for pk, starts_at in Session.objects.filter(pk__in=ids).values_list("pk", "starts_at"):
        assert starts_at == before[pk] + timedelta(minutes=15)
    html = client.get("/agenda/2025/").content.decode()
    assert 'id="session-2025-opening-ceremony">' in html
    assert ">09:35</time>" in html
    events = icalendar.Calendar.from_ical(client.get("/agenda/2025.ics").content).walk("VEVENT")
    assert {int(e["SEQUENCE"]) for e in events} == {1}
