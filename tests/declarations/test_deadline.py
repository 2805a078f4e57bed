"""The declaration deadline is stored once, on the edition: the one field an organiser
changes moves the deadline the home page and the input page show, the moment input is
refused and the reminders; the call has no deadline of its own to drift."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from declarations import services
from declarations.models import Call, Submission
from gmc.models import Edition, OutboxMessage
from mailings import reminders
from mailings.models import ReminderRule
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory, UserFactory

DAY = datetime.timedelta(days=1)


def move_deadline_in_the_admin(client, edition, deadline):
    """What an organiser does: change the deadline on the edition's admin page."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:gmc_edition_change", args=[edition.pk])
    data = admin_form_data(client.get(url), zone=edition.tz)
    local = deadline.astimezone(edition.tz)
    data["declaration_deadline_0"] = local.strftime("%Y-%m-%d")
    data["declaration_deadline_1"] = local.strftime("%H:%M:%S")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()


def shown_deadline(html: str, label: str) -> str:
    match = re.search(rf'{label}\s*<time datetime="([^"]+)"', html)
    assert match, f"no deadline after {label!r}"
    return match.group(1)


def test_the_edition_deadline_drives_the_home_page_and_the_input_page(client, call):
    deadline = (timezone.now() + 10 * DAY).replace(microsecond=0, second=0)
    move_deadline_in_the_admin(client, call.edition, deadline)
    call.refresh_from_db()
    assert call.closes_at == deadline
    expected = deadline.astimezone(call.edition.tz).isoformat()
    assert shown_deadline(client.get(reverse("declarations:submit")).text, "until") == expected
    home = client.get("/").text
    assert f'<time datetime="{expected}"' in home
    edition_page = client.get(reverse("edition_detail", args=[call.edition.year])).text
    assert f'<time datetime="{expected}"' in edition_page


def test_input_is_refused_once_the_edition_deadline_has_passed(client, call, participant):
    services.save_draft(call.pk, contributor=participant, answers={})
    move_deadline_in_the_admin(client, call.edition, timezone.now() + DAY)
    with time_machine.travel(timezone.now() + DAY + datetime.timedelta(minutes=1)):
        assert Call.objects.get(pk=call.pk).state() == "closed"
        with pytest.raises(services.DeclarationError, match="deadline for input has passed"):
            services.save_draft(call.pk, contributor=participant, answers={})
    # Moved later again, the same call is open again.
    move_deadline_in_the_admin(client, call.edition, timezone.now() + 3 * DAY)
    with time_machine.travel(timezone.now() + DAY + datetime.timedelta(minutes=1)):
        services.save_draft(call.pk, contributor=participant, answers={})
    assert Submission.objects.filter(call=call).count() == 1


def test_the_reminders_follow_the_edition_deadline(client, call, participant):
    participant.emailaddress_set.create(email=participant.email, verified=True, primary=True)
    rule = ReminderRule(
        edition=call.edition,
        name="Input closes tomorrow",
        event=ReminderRule.Event.DECLARATION_CLOSES,
        offset=DAY,
        audience=ReminderRule.Audience.WITHOUT_SUBMISSION,
        kind="reminders.declaration_closing",
    )
    rule.full_clean()
    rule.save()
    deadline = (timezone.now() + 10 * DAY).replace(microsecond=0)
    move_deadline_in_the_admin(client, call.edition, deadline)

    def queued_at(moment) -> int:
        with time_machine.travel(moment, tick=False):
            return reminders.send_due().queued

    assert queued_at(deadline - DAY - datetime.timedelta(minutes=1)) == 0
    assert queued_at(deadline - DAY) == 1
    [message] = OutboxMessage.objects.filter(kind="reminders.declaration_closing")
    assert message.to_email == participant.email


def test_a_call_cannot_open_after_its_editions_deadline(db):
    edition = EditionFactory()
    call = Call(edition=edition, opens_at=edition.declaration_deadline + DAY)
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert "opens_at" in refused.value.message_dict
    edition.declaration_deadline = None
    with pytest.raises(ValidationError) as refused:
        Call(edition=edition, opens_at=timezone.now()).full_clean()
    assert "edition" in refused.value.message_dict


def test_the_call_admin_shows_the_editions_deadline_and_stores_none(client, call):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:declarations_call_change", args=[call.pk]))
    assert "closes_at" not in page.context["adminform"].form.fields
    assert reverse("admin:gmc_edition_change", args=[call.edition_id]) in page.text
    assert not any(f.name == "closes_at" for f in Call._meta.get_fields())


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(target).apps if target else None


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_calls_deadline_on_the_edition():
    before = [("declarations", "0002_forget_contributor")]
    opens = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    closes = datetime.datetime(2030, 2, 1, tzinfo=datetime.UTC)
    try:
        old = migrate_to(before)
        OldEdition = old.get_model("gmc", "Edition")
        OldCall = old.get_model("declarations", "Call")
        for year, deadline in [(2030, None), (2031, opens), (2032, opens)]:
            OldEdition.objects.create(year=year, title=str(year), declaration_deadline=deadline)
        for year in (2030, 2031):  # no deadline on the edition; a different one
            edition = OldEdition.objects.get(year=year)
            OldCall.objects.create(edition=edition, opens_at=opens - DAY, closes_at=closes)
    finally:
        migrate_to(None)

    deadlines = dict(Edition.objects.values_list("year", "declaration_deadline"))
    assert deadlines == {2030: closes, 2031: closes, 2032: opens}  # 2032 has no call
    assert [call.closes_at for call in Call.objects.select_related("edition")] == [closes] * 2


def test_a_call_whose_edition_lost_its_deadline_takes_no_input(client, call, participant):
    Edition.objects.filter(pk=call.edition_id).update(declaration_deadline=None)
    page = client.get(reverse("declarations:submit"))
    assert "Closed for input." in page.text
    with pytest.raises(services.DeclarationError, match="deadline for input has passed"):
        services.save_draft(call.pk, contributor=participant, answers={})
