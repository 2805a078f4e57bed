"""Sign-up that does not tell, by its timing, whether an address has an account.

With enumeration prevention allauth answers a known address with the same page as a
new one, but a new address costs a password hash and several writes, a known one
neither (15 ms against 250 ms): a stopwatch told them apart. Here a known address goes
through the same account creation, for a throwaway address, inside a transaction that
is rolled back: the same hash, the same statements, nothing kept.
"""

from __future__ import annotations

import secrets

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest


class SignupForm(AllauthSignupForm):
    def try_save(self, request: HttpRequest):
        if self.account_already_exists:
            self._create_and_discard_account(request)
            return super().try_save(request)
        # The account and its address are written together (and in one transaction, as
        # the throwaway one is).
        with transaction.atomic():
            return super().try_save(request)

    def _create_and_discard_account(self, request: HttpRequest) -> None:
        """Do what signing up a new address does up to its email (create the account,
        hash the password, record the address, read it back as the verification step
        does), then roll it all back."""
        email = self.cleaned_data["email"]
        self.cleaned_data["email"] = f"{secrets.token_hex(12)}@signup.invalid"
        self.account_already_exists = False
        try:
            with transaction.atomic():
                user = self.save(request)
                EmailAddress.objects.filter(user=user, verified=True).exists()
                EmailAddress.objects.get_primary(user)
                transaction.set_rollback(True)
        finally:
            self.cleaned_data["email"] = email
            self.account_already_exists = True
