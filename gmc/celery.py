"""The Celery application: configured from Django settings (the CELERY_ names)."""

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gmc.settings")

app = Celery("gmc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
@beat_init.connect
def declare_worker(**kwargs) -> None:
    """Workers and the scheduler wait longer on the database than a web request
    (``gmc.database``); sent before their first query, inherited by prefork children."""
    from gmc.database import declare_process

    declare_process("worker")
