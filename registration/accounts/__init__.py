"""People's own accounts: profile, "my data" export and account deletion.

Signing up, logging in, email addresses and passwords are allauth's
(``registration.accounts.adapters`` sends its emails through the outbox).
"""
