"""Celery tasks of the site-wide parts: thin wrappers around gmc.outbox and gmc.sessions."""

from celery import shared_task

from gmc import outbox


@shared_task(name="gmc.outbox.deliver", bind=True, max_retries=None)
def deliver_message(self, message_id: int) -> str:
    """Send one outbox message; a transient failure comes back after the row's backoff.

    The number of attempts is bounded by the row (OUTBOX_MAX_ATTEMPTS), not by Celery,
    so the bound survives redelivery and the sweep.
    """
    result = outbox.deliver(message_id)
    if result is None:
        return "skipped"
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in.total_seconds())
    return result.status


@shared_task(name="gmc.outbox.sweep")
def sweep_outbox() -> int:
    """Re-enqueue pending messages that no task is going to pick up any more."""
    return outbox.sweep()


@shared_task(name="gmc.outbox.deliver_batch")
def deliver_batch(message_ids: list[int]) -> int:
    """Send a batch of outbox messages over one SMTP connection. A message that fails
    transiently keeps its backoff on the row and is picked up again by the sweep."""
    return len(outbox.deliver_many(message_ids))


@shared_task(name="gmc.sessions.purge_expired")
def purge_expired_sessions() -> int:
    """Delete expired sessions (which hold who was signed in, for two weeks) every day."""
    from gmc import sessions

    return sessions.purge_expired()
