"""Celery tasks of visa letter requests: thin wrappers around ``services``."""

from celery import shared_task


@shared_task(name="documents.erase_expired_visa_data")
def erase_expired_visa_data() -> int:
    """The beat job: erase the passport details held past ``VISA_DATA_RETENTION_DAYS``
    after their edition. Safe to run twice, or twice at once: each row is erased under
    its lock, once."""
    from . import services

    return services.erase_expired()
