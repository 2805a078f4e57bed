"""What visa letters add to the portal when the documents app is ready: their kind of
document, their emails, their receivers, the tick box of the registration form and the
part of "My registration" (``registration.extensions``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registration import extensions


def _letter_form(registration) -> str:
    return reverse("documents:visa_request", args=[registration.edition.year])


def connect() -> None:
    from .. import kinds
    from . import emails, receivers, views  # noqa: F401  emails registers its kinds
    from .letter import LETTER

    kinds.register(LETTER)
    receivers.connect()
    extensions.add_form_option(
        extensions.FormOption(
            name="visa_letter",
            label=_("I need an invitation letter for a visa"),
            help_text=_(
                "For in-person attendance. Once you are registered, you give the details "
                "the letter needs."
            ),
            offered=lambda edition: edition.offers_in_person,
            next_url=_letter_form,
            next_message=_(
                "Now give the details your invitation letter needs. You can also do it later "
                "from your registration."
            ),
            in_person_only=True,
        )
    )
    extensions.add_section(
        "visa_letter",
        extensions.Section("documents/visa/section.html", views.registration_section),
    )
