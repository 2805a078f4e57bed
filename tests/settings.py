"""The test settings: the project's settings over the services tests/services.py finds."""

import os
import uuid

from tests import services

services.resolve()
os.environ["DEBUG"] = "1"
os.environ.setdefault("GMC_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))
# A queue of this run's own, so that tasks left in Redis by an earlier run never reach
# this run's workers, and parallel runs on one machine do not steal each other's tasks.
os.environ["CELERY_QUEUE"] = f"gmc-test-{uuid.uuid4().hex[:12]}"
os.environ["CACHE_KEY_PREFIX"] = f"gmc-test-{uuid.uuid4().hex[:12]}"

from gmc.settings import *  # noqa: E402, F403

# Hashing passwords slowly is the point in production and a waste of minutes here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  WhiteNoise warns when it is missing
