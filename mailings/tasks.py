"""Celery tasks of mailings: thin wrappers around its services.

They keep the names they were registered under when they lived in gmc, so that a task
queued (or a beat entry scheduled) before a release still finds its code after it.
"""

from celery import shared_task

from . import reminders, services


@shared_task(name="gmc.reminders.send_due")
def send_due_reminders() -> int:
    """Queue every reminder that is due now (run every minute by Celery Beat)."""
    return reminders.send_due().queued


@shared_task(name="gmc.messaging.queue_batch")
def queue_broadcast_batch(broadcast_id: int) -> bool:
    """Queue the next batch of a message's recipients, then the next, until none are left."""
    more = services.queue_next_batch(broadcast_id)
    if more:
        services.enqueue_batch(broadcast_id)
    return more


@shared_task(name="gmc.messaging.resume_queueing")
def resume_queueing() -> int:
    """Resume the messages whose queueing stopped (run every minute by Celery Beat)."""
    return len(services.resume_queueing())
