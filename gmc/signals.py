"""What the base announces for the apps above it to act on.

gmc imports no app, so when a change made here concerns an app (more seats for the
waiting list), gmc sends a signal and the app connects a receiver in its
``AppConfig.ready()``.

``capacity_changed`` is sent (``sender=Edition``, ``edition_id=...``) inside the
transaction that changed an edition's number of in-person seats, after the new number
is saved: a receiver's writes commit or roll back with it, and an exception in a
receiver rolls the change back.
"""

from django.dispatch import Signal

capacity_changed = Signal()
