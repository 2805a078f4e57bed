"""What visa letter requests do when a registration changes or an account goes."""

from __future__ import annotations

from registration.accounts.signals import account_deleting, collect_account_data
from registration.extensions import registration_changed
from registration.models import Registration

from . import services
from .models import DELETED_ACCOUNT, PERSONAL_FIELDS, VisaAccessLog, VisaRequest


def withdraw_with_registration(sender, registration: Registration, **kwargs) -> None:
    """Cancelled, or moved online: nobody travels on this registration any more."""
    if (
        registration.status == Registration.Status.CANCELLED
        or registration.attendance != Registration.Attendance.IN_PERSON
    ):
        services.withdraw_request(registration.pk)


def forget_person(sender, user, **kwargs) -> None:
    """An account being deleted: its requests go with its registrations (cascade); the
    log keeps what organisers did, but no longer names the person."""
    VisaAccessLog.objects.filter(actor=user).update(actor_name=DELETED_ACCOUNT)


def export_for_person(sender, user, **kwargs) -> dict:
    """The person's own requests in their data download (logged as exported)."""
    requests = list(
        VisaRequest.objects.filter(registration__attendee=user).select_related(
            "registration__edition", "letter"
        )
    )
    if not requests:
        return {}
    services.record_access(user, services.Action.EXPORTED, requests, note="data download")
    return {
        "visa_letter_requests": [
            {
                "edition": request.registration.edition.year,
                "status": request.status,
                "letter": request.letter.number if request.letter else "",
                **{
                    name: (str(getattr(request, name)) if getattr(request, name) else "")
                    for name in PERSONAL_FIELDS
                },
                "erased_at": request.erased_at.isoformat() if request.erased_at else "",
            }
            for request in requests
        ]
    }


def connect() -> None:
    registration_changed.connect(
        withdraw_with_registration, dispatch_uid="documents.visa.withdraw"
    )
    account_deleting.connect(forget_person, dispatch_uid="documents.visa.forget")
    collect_account_data.connect(export_for_person, dispatch_uid="documents.visa.export")
