"""Badge print runs: asking for one, its rendering by a worker, trying again.

A run fixes its registrations when it is asked for (their ids), so what it prints is
what the organiser chose, whatever the list shows later; cancellations made meanwhile
are left out when it is rendered. The worker holds the run's row lock while it renders
(``SKIP LOCKED``: a second copy of the task, or a "try again" meanwhile, finds it taken
and does nothing) and writes the file and READY in the same transaction: a worker that
dies mid-way leaves the run PENDING, and the task handed out again (``acks_late``),
beat's ``resume_badge_prints`` or the page's "Try again" makes it. No email: the
organiser who asked waits on the run's page.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gmc.errors import RefusedMove
from gmc.models import User
from registration.models import Registration

from ..models import BadgePrint
from .layout import SHEETS
from .render import render_badges
from .selectors import badges, printable

logger = logging.getLogger(__name__)

# The largest edition so far had 340 people (2024). A thousand badges render in about
# 25 seconds on a busy core (500 in 11): this many stays inside a task's soft time
# limit (CELERY_TASK_SOFT_TIME_LIMIT, 120 s) with room to spare.
MAX_BADGES = 2000


class BadgeError(RefusedMove):
    """A refused print run; ``field`` names the form field it concerns."""

    code = "documents.badges.refused"


def _enqueue(print_id: int) -> None:
    from ..tasks import render_badge_print as task

    try:
        task.delay(print_id)
    except Exception:
        # The broker is down: the run stays PENDING and its page offers to try again.
        logger.warning("badges: could not hand print run %s to a worker", print_id, exc_info=True)


@transaction.atomic
def request_badge_print(
    registrations: QuerySet[Registration],
    *,
    selection: str,
    paper: str,
    by: User,
    filter_query: str = "",
) -> BadgePrint:
    """A new print run of the badges of ``registrations`` (cancelled ones left out) on
    ``paper``, handed to a worker after commit. Refused (``BadgeError``) for an unknown
    paper, registrations of several editions (a badge names its conference), none to
    print, or more than ``MAX_BADGES``. Each call is a new run: printing twice is the
    organiser's choice."""
    if paper not in SHEETS:
        raise BadgeError(_("Choose a paper from the list."), field="paper")
    chosen = printable(registrations)
    editions = list(chosen.order_by().values_list("edition_id", flat=True).distinct()[:2])
    if not editions:
        raise BadgeError(
            _("There is nobody to print a badge for: none of these registrations is active.")
        )
    if len(editions) > 1:
        raise BadgeError(
            _(
                "These registrations are of several editions: filter the list by edition "
                "first, so that every badge names the same conference."
            )
        )
    ids = sorted(chosen.values_list("pk", flat=True))
    if len(ids) > MAX_BADGES:
        raise BadgeError(
            ngettext(
                "At most %(most)d badge can be printed at once; choose fewer registrations.",
                "At most %(most)d badges can be printed at once; choose fewer registrations.",
                MAX_BADGES,
            )
            % {"most": MAX_BADGES}
        )
    run = BadgePrint.objects.create(
        edition_id=editions[0],
        selection=selection,
        registration_ids=ids,
        filter_query=filter_query[:1000],
        paper=paper,
        badge_count=len(ids),
        page_count=SHEETS[paper].pages_for(len(ids)),
        requested_by=by,
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def render_badge_print(print_id: int) -> BadgePrint | None:
    """Make the run's PDF into the private storage: PENDING -> READY. None when the run
    is gone or another worker is making it; a READY or FAILED run is returned as it is.
    A failure (a bug, the soft time limit) marks it FAILED with the error, for the
    organiser to try again. Safe to repeat and to run twice at once."""
    try:
        with transaction.atomic():
            run = (
                BadgePrint.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("edition")
                .filter(pk=print_id)
                .first()
            )
            if run is None or run.status != BadgePrint.Status.PENDING:
                return run
            edition, sheet = run.edition, SHEETS[run.paper]
            chosen = printable(Registration.objects.filter(pk__in=run.registration_ids))
            items = badges(edition, chosen)
            with translation.override(edition.working_language or "en"):
                pdf = render_badges(edition, items, sheet)
            run.file.save("badges.pdf", ContentFile(pdf), save=False)
            run.status = BadgePrint.Status.READY
            run.badge_count, run.page_count = len(items), sheet.pages_for(len(items))
            run.finished_at = timezone.now()
            run.error = ""
            try:
                run.save(
                    update_fields=[
                        "file", "status", "badge_count", "page_count", "finished_at", "error"
                    ]
                )  # fmt: skip
            except BaseException:
                run.file.storage.delete(run.file.name)  # the row never named it
                raise
            return run
    except Exception as error:
        logger.exception("badges: print run %s failed", print_id)
        BadgePrint.objects.filter(pk=print_id, status=BadgePrint.Status.PENDING).update(
            status=BadgePrint.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now(),
        )
        return BadgePrint.objects.filter(pk=print_id).first()


@transaction.atomic
def retry_badge_print(print_id: int) -> BadgePrint:
    """Hand a run to a worker again: a FAILED one goes back to PENDING; a PENDING one
    (its task lost with the broker or a worker) is handed out once more, harmlessly if
    a worker has it (``render_badge_print`` skips a run being made). A READY run is
    left alone. Safe to repeat."""
    run = (
        BadgePrint.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=print_id)
        .first()
    )
    if run is None:  # being made right now
        return BadgePrint.objects.get(pk=print_id)
    if run.status == BadgePrint.Status.READY:
        return run
    if run.status == BadgePrint.Status.FAILED:
        run.status, run.error, run.finished_at = BadgePrint.Status.PENDING, "", None
        run.save(update_fields=["status", "error", "finished_at"])
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def resume_badge_prints(
    *, older_than: timedelta = timedelta(minutes=2), within: timedelta = timedelta(hours=1)
) -> int:
    """Hand out again the runs still PENDING ``older_than`` after they were asked for
    (their task lost with the broker or a worker), for ``within`` after that; a run
    being made is skipped by the worker that gets it. Run by beat; returns how many."""
    now = timezone.now()
    ids = list(
        BadgePrint.objects.filter(
            status=BadgePrint.Status.PENDING,
            requested_at__lt=now - older_than,
            requested_at__gte=now - within,
        ).values_list("pk", flat=True)
    )
    for print_id in ids:
        _enqueue(print_id)
    return len(ids)
