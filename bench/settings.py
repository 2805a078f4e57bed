"""Settings of the server `make bench` starts, and of no other.

The portal's own settings, production's when the environment says so (the benchmark
sets DEBUG=0 and every required variable), with one change: the URLconf is
bench/urls.py, the portal's URLs plus the floor view the pages are compared with. The
portal's settings never name this module, so a production process cannot reach the
floor view; and these settings refuse to load for any host but this machine's own, so
they cannot serve the public by mistake either.
"""

from django.core.exceptions import ImproperlyConfigured

from gmc.settings import *  # noqa: F403
from gmc.settings import ALLOWED_HOSTS

ROOT_URLCONF = "bench.urls"

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
if not ALLOWED_HOSTS or not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "bench.settings serve only this machine: ALLOWED_HOSTS must name only "
        f"{', '.join(sorted(LOOPBACK_HOSTS))} (got {ALLOWED_HOSTS!r})."
    )
