"""Badge print runs: what a run holds, its rendering by a worker into the private
storage, a second worker at the same time, failures and trying again."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from documents.badges import services
from documents.badges.layout import A4, LETTER
from documents.models import BadgePrint
from documents.tasks import render_badge_print as render_task
from registration.models import Registration
from tests.conftest import wait_for
from tests.factories import EditionFactory, UserFactory
from tests.registration.conftest import organiser_permissions
from tests.registration.factories import RegistrationFactory

from .badges import order_in, person, reader, text_of


@pytest.fixture
def edition(db):
    return EditionFactory(is_current=True)


@pytest.fixture
def organiser(db):
    return UserFactory(is_staff=True)


def ask(queryset, *, paper="a4", by, selection=BadgePrint.Selection.CHOSEN, **kwargs):
    return services.request_badge_print(
        queryset, selection=selection, paper=paper, by=by, **kwargs
    )


def test_a_run_fixes_its_registrations_and_leaves_out_cancelled_ones(edition, organiser):
    kept = [person(edition, "Lan", f"Nguyễn {i}") for i in range(3)]
    cancelled = RegistrationFactory(edition=edition, status=Registration.Status.CANCELLED)
    run = ask(Registration.objects.all(), by=organiser)
    assert run.status == BadgePrint.Status.PENDING
    assert run.registration_ids == sorted(r.pk for r in kept)
    assert cancelled.pk not in run.registration_ids
    assert (run.badge_count, run.page_count, run.edition) == (3, 1, edition)
    # Someone registering afterwards is not in this run.
    person(edition, "Late", "Comer")
    run = services.render_badge_print(run.pk)
    assert run.badge_count == 3


def test_the_worker_makes_the_pdf_into_the_private_storage(edition, organiser, private_storage):
    people = [person(edition, "Given", f"Family{i:02d}") for i in range(11)]
    run = ask(Registration.objects.all(), paper=LETTER.key, by=organiser)
    assert render_task.apply(args=[run.pk]).get() == "ready"
    run.refresh_from_db()
    assert run.status == BadgePrint.Status.READY and run.finished_at is not None
    assert run.file.name.startswith(f"badges/{edition.year}/")
    stored = private_storage / run.file.name
    assert stored.is_file()
    data = stored.read_bytes()
    assert len(reader(data).pages) == run.page_count == 2
    names = [f"GivenFamily{i:02d}" for i in range(11)]
    assert order_in(text_of(data), names) == names
    assert len(people) == run.badge_count
    # Run again (a task delivered twice): nothing changes.
    assert render_task.apply(args=[run.pk]).get() == "ready"
    run.refresh_from_db()
    assert run.file.name == stored.relative_to(private_storage).as_posix()
    assert len(list((private_storage / "badges").rglob("*.pdf"))) == 1


def test_the_same_set_gives_the_same_file(edition, organiser, private_storage):
    for i in range(9):
        person(edition, "Given", f"Family{i}")
    first = services.render_badge_print(ask(Registration.objects.all(), by=organiser).pk)
    second = services.render_badge_print(ask(Registration.objects.all(), by=organiser).pk)
    assert first.file.name != second.file.name
    assert (private_storage / first.file.name).read_bytes() == (
        private_storage / second.file.name
    ).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_leaves_a_run_being_made_alone(private_storage):
    edition = EditionFactory(is_current=True)
    person(edition, "Lan", "Nguyễn")
    run = ask(Registration.objects.all(), by=UserFactory(is_staff=True))
    holding, release, done = threading.Event(), threading.Event(), threading.Event()

    def first_worker():
        # Holds the run's row lock, as a worker does while it renders.
        try:
            with transaction.atomic():
                BadgePrint.objects.select_for_update().get(pk=run.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=first_worker)
    thread.start()
    assert holding.wait(10)
    try:
        assert services.render_badge_print(run.pk) is None  # skipped at once, no wait
        assert services.retry_badge_print(run.pk).status == BadgePrint.Status.PENDING
        run.refresh_from_db()
        assert run.status == BadgePrint.Status.PENDING and not run.file
    finally:
        release.set()
        thread.join(10)
    assert done.is_set()
    assert services.render_badge_print(run.pk).status == BadgePrint.Status.READY


def test_a_failure_is_shown_and_trying_again_makes_it(edition, organiser, monkeypatch):
    person(edition, "Lan", "Nguyễn")
    run = ask(Registration.objects.all(), by=organiser)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "render_badges", broken)
    run = services.render_badge_print(run.pk)
    assert run.status == BadgePrint.Status.FAILED
    assert "disk full" in run.error and not run.file
    monkeypatch.undo()
    assert services.retry_badge_print(run.pk).status == BadgePrint.Status.PENDING
    run = services.render_badge_print(run.pk)
    assert run.status == BadgePrint.Status.READY and run.error == ""
    # Trying a ready run again changes nothing.
    assert services.retry_badge_print(run.pk).file.name == run.file.name


def test_runs_are_refused_what_cannot_be_printed(edition, organiser, monkeypatch):
    person(edition, "Lan", "Nguyễn")
    other = EditionFactory()
    RegistrationFactory(edition=other)
    with pytest.raises(services.BadgeError, match="several editions") as refused:
        ask(Registration.objects.all(), by=organiser)
    with pytest.raises(services.BadgeError) as refused:
        ask(Registration.objects.for_edition(edition), paper="A3", by=organiser)
    assert refused.value.field == "paper"
    RegistrationFactory(edition=EditionFactory(), status=Registration.Status.CANCELLED)
    with pytest.raises(services.BadgeError, match="nobody"):
        ask(Registration.objects.cancelled(), by=organiser)
    monkeypatch.setattr(services, "MAX_BADGES", 2)
    person(edition, "Minh", "Trần")
    person(edition, "Hà", "Phạm")
    with pytest.raises(services.BadgeError, match="At most 2 badges"):
        ask(Registration.objects.for_edition(edition), by=organiser)
    assert not BadgePrint.objects.exists()


def test_a_run_is_handed_to_a_worker_only_after_its_commit(
    edition, organiser, django_capture_on_commit_callbacks
):
    person(edition, "Lan", "Nguyễn")
    with django_capture_on_commit_callbacks() as callbacks:
        run = ask(Registration.objects.all(), by=organiser, paper=A4.key)
    assert len(callbacks) == 1
    assert BadgePrint.objects.get(pk=run.pk).status == BadgePrint.Status.PENDING


def test_beat_hands_out_again_only_runs_waiting_for_a_while(edition, organiser):
    person(edition, "Lan", "Nguyễn")
    now = timezone.now()
    ages = {"just asked": timedelta(seconds=30), "lost": timedelta(minutes=5),
            "given up": timedelta(hours=2)}  # fmt: skip
    runs = {}
    for name, age in ages.items():
        run = ask(Registration.objects.all(), by=organiser)
        BadgePrint.objects.filter(pk=run.pk).update(requested_at=now - age)
        runs[name] = run
    made = ask(Registration.objects.all(), by=organiser)
    services.render_badge_print(made.pk)
    BadgePrint.objects.filter(pk=made.pk).update(requested_at=now - timedelta(minutes=5))
    # Only the lost one: the one just asked for is on its way, the old one is left to
    # its page's "Try again", and a ready one needs nothing.
    assert services.resume_badge_prints() == 1


# --- a real worker -------------------------------------------------------------------------


@pytest.mark.delivery
def test_a_real_worker_makes_the_runs_asked_for_and_those_whose_task_was_lost(
    celery_processes, private_storage, client
):
    edition = EditionFactory(is_current=True)
    people = [person(edition, "Given", f"Family{i:03d}") for i in range(30)]
    organiser = UserFactory(is_staff=True)
    organiser.user_permissions.set(organiser_permissions())
    celery_processes.worker("badges", PRIVATE_MEDIA_ROOT=str(private_storage))
    client.force_login(organiser)
    response = client.post(
        reverse("documents:badges"),
        {"edition": edition.year, "selection": "edition", "paper": "a4"},
    )
    run = BadgePrint.objects.get()
    assert response.url == run.get_absolute_url()

    def ready(pk: int) -> bool:
        return BadgePrint.objects.get(pk=pk).status == BadgePrint.Status.READY

    wait_for(lambda: ready(run.pk), timeout=90, message="the worker did not make the run")
    run.refresh_from_db()
    data = (private_storage / run.file.name).read_bytes()
    assert len(reader(data).pages) == 4 == run.page_count
    assert run.badge_count == len(people)

    # A run whose task never reached the broker: beat's job hands it out again.
    lost = BadgePrint.objects.create(
        edition=edition,
        selection=BadgePrint.Selection.EDITION,
        registration_ids=[people[0].pk],
        paper="label",
    )
    BadgePrint.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - timedelta(minutes=3)
    )
    assert services.resume_badge_prints() == 1
    wait_for(lambda: ready(lost.pk), timeout=60, message="the lost run was not made")
