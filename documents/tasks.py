"""Celery tasks of documents: thin wrappers around ``documents.services``."""

from celery import shared_task


@shared_task(name="documents.generate")
def generate(document_id: int) -> bool:
    """Render one document's PDF if what it states changed; tell its holder once. Safe
    to run twice: the service decides under the row lock."""
    from . import services

    result = services.generate_document(document_id)
    return bool(result and result.rendered)


@shared_task(name="documents.make_missing")
def make_missing() -> int:
    """Make the PDFs whose task was lost (run every few minutes by Celery Beat)."""
    from . import services

    return services.make_missing()


# The beat job that erases visa letter requests' passport details after the edition.
from .visa.tasks import erase_expired_visa_data  # noqa: E402, F401
