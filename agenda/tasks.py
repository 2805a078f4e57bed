"""Celery tasks of the agenda: thin wrappers around ``agenda.notices``."""

from celery import shared_task


@shared_task(name="agenda.send_move_notice")
def send_move_notice_task(notice_id: int) -> bool:
    """Send one person's notice of moved sessions, when due (scheduled at its opening)."""
    from . import notices

    return notices.send_move_notice(notice_id)


@shared_task(name="agenda.send_due_move_notices")
def send_due_move_notices() -> int:
    """Send every due notice whose own task was lost (run every minute by Celery Beat)."""
    from . import notices

    return notices.send_due_notices()
