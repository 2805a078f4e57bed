"""allauth's account adapter: every account email goes through the outbox.

allauth renders and sends its emails inside the request. Here ``send_mail`` instead
queues one ``OutboxMessage`` (``kind="account.<name>"``) whose context holds only plain
values (links, codes, names, addresses), rendered later by a worker from
``templates/emails/account/<name>.*`` in the recipient's language.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_next_redirect_url
from django.conf import settings
from django.http import HttpRequest
from django.utils import formats, timezone, translation
from django.utils.http import urlencode

from gmc import outbox
from gmc.languages import offered
from gmc.models import User

# The values of allauth's email contexts that are kept; everything else (the request,
# the user object, the site) is dropped or turned into text below.
PLAIN_KEYS = (
    "activate_url",
    "password_reset_url",
    "signup_url",
    "code",
    "from_email",
    "to_email",
    "deleted_email",
    "ip",
    "user_agent",
)


def secret_lifetime(name: str) -> timedelta:
    """How long the link or code of an account email works: a message that has not gone
    out by then is never sent, and its secret is erased."""
    if name == "login_code":
        return timedelta(seconds=account_settings.LOGIN_BY_CODE_TIMEOUT)
    if name.startswith("email_confirmation"):
        return timedelta(days=account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)
    # Reset links (Django's token generator) and the notices, which carry no working
    # secret but the person's address, IP and device.
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def _recipient(email: str, context: dict[str, Any]) -> User | None:
    """The account an email is about, when there is one (never for an unknown address)."""
    user = context.get("user")
    if isinstance(user, User):
        return user
    return User.objects.filter(email__iexact=email).first()


def _when(moment, user: User | None) -> str:
    """A moment as the recipient reads it: their time zone when known, labelled."""
    zone_name = (user.time_zone if user else "") or settings.TIME_ZONE
    try:
        zone = ZoneInfo(zone_name)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
        zone_name = "UTC"
    local = timezone.localtime(moment, zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone_name})"


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        """Failed sign-ins of an account count per client address: an attacker who
        spends an account's allowance from elsewhere does not lock its owner out (the
        per-address limit still holds the attacker back)."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}|{self.get_client_ip(request)}"

    def get_email_confirmation_url(self, request: HttpRequest | None, emailconfirmation) -> str:
        """The verification link carries where the person was going (the next= of the
        sign-up or sign-in form, checked as a local URL): confirming in another browser
        still leads there, through the sign-in."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        destination = get_next_redirect_url(request) if request is not None else None
        return f"{url}?{urlencode({'next': destination})}" if destination else url

    def save_user(self, request, user, form, commit=True):
        """A new account starts in the language it was opened in: the reminders and
        notices a worker sends later, away from any page, are then in it too."""
        user.language = user.language or offered(translation.get_language()) or ""
        return super().save_user(request, user, form, commit=commit)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """A security notice names its account even when it goes to another address (the
        old one after a change), so that deleting the account finds it."""
        super().send_notification_mail(
            template_prefix, user, {**(context or {}), "user": user}, email
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Queue the email in the outbox instead of sending it now.

        Each call is a new message (a random occurrence in the key): a second
        verification link or sign-in code asked for by the person must really be sent;
        allauth's rate limits decide how often that may happen.
        """
        name = template_prefix.rsplit("/", 1)[-1]
        kind = f"account.{name}"
        user = _recipient(email, context)
        language = (user.language if user else "") or translation.get_language() or ""
        plain: dict[str, Any] = {"email": email}
        plain.update({key: str(context[key]) for key in PLAIN_KEYS if context.get(key)})
        # The templates greet by name, or say only "Hello," (never by email address).
        plain["name"] = user.display_name if user and user.has_name else ""
        if context.get("timestamp"):
            with translation.override(language or settings.LANGUAGE_CODE):
                plain["timestamp"] = _when(context["timestamp"], user)
        to: User | str = user if user and user.email.lower() == email.lower() else email
        outbox.queue(
            kind=kind,
            to=to,
            context=plain,
            language=language,
            key=outbox.make_key(kind, None, email, secrets.token_urlsafe(12)),
            sensitive=True,
            expires_in=secret_lifetime(name),
            account=user,
        )
