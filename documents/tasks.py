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


@shared_task(name="documents.badges.render")
def render_badge_print(print_id: int) -> str:
    """Make a badge print run's PDF. Safe to run twice, or twice at once: the run's row
    lock decides (``documents.badges.services.render_badge_print``)."""
    from .badges import services

    run = services.render_badge_print(print_id)
    return run.status if run is not None else "skipped"


@shared_task(name="documents.badges.resume")
def resume_badge_prints() -> int:
    """Hand out again the badge runs whose task was lost (run every few minutes by beat)."""
    from .badges import services

    return services.resume_badge_prints()


# The beat job that erases visa letter requests' passport details after the edition.
from .visa.tasks import erase_expired_visa_data  # noqa: E402, F401
