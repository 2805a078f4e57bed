"""Where other apps hook into a person's data export and account deletion.

``collect_account_data`` is sent (``sender=User``, ``user=...``) while the export is
built; a receiver returns a dict of JSON-serialisable sections, e.g.
``{"declaration_input": [...]}``, merged into the download.

``account_deleting`` is sent (``sender=User``, ``user=...``) inside the deletion's
transaction, before the user row goes; a receiver removes or anonymises what its app
holds about the person. An exception in a receiver rolls the whole deletion back, so
an account is never half deleted.

Connect receivers in the app's ``AppConfig.ready()``.
"""

from django.dispatch import Signal

collect_account_data = Signal()
account_deleting = Signal()
