"""The tasks of mailings answer to the names they had in gmc: a task queued, or a beat
entry scheduled, before a release must find its code after it."""

import json
import os
import subprocess
import sys

from django.conf import settings

from mailings.tasks import queue_broadcast_batch, send_due_reminders

NAMES_BEFORE_THE_MOVE = ["gmc.messaging.queue_batch", "gmc.reminders.send_due"]


def test_tasks_keep_the_names_they_were_queued_under():
    assert sorted([queue_broadcast_batch.name, send_due_reminders.name]) == NAMES_BEFORE_THE_MOVE


def test_a_worker_started_from_the_command_line_knows_every_scheduled_task():
    """As ``celery -A gmc worker`` finds them: by discovering the installed apps' tasks,
    in a fresh process that imported none of them."""
    script = (
        "import json, django; django.setup();"
        "from gmc.celery import app; app.loader.import_default_modules();"
        "print(json.dumps(sorted(app.tasks)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    registered = set(json.loads(found.stdout.strip().splitlines()[-1]))
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(NAMES_BEFORE_THE_MOVE) <= registered
    assert scheduled <= registered
