"""Rate limits of the portal's own public endpoints, counted as allauth counts its own.

allauth's limiter keeps a sliding window of hits per client address in the cache,
under keys starting ``allauth:rl:``: while Redis is down those keys are counted in each
process's memory (``gmc.cache``, ``LOCAL_FALLBACK_PREFIXES``), so a limit neither
lifts nor locks everybody out. The client address is read as allauth reads it
(``TRUSTED_PROXY_COUNT``, ``TRUSTED_CLIENT_IP_HEADER``).
"""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.http import HttpRequest


def allow(request: HttpRequest, *, action: str, rates: str, user=None) -> bool:
    """Count this request against ``rates`` (allauth's syntax: ``"20/m/ip"`` per client
    address, ``"10/m/user"`` per signed-in person, several separated by commas) for
    ``action``; False when a limit is reached (answer 429). Reads (GET) count too.
    ``user`` is whom ``/user`` rates count (by default the request's)."""
    usage = ratelimit.consume(
        request, app="gmc", action=action, config={action: rates}, limit_get=True, user=user
    )
    return usage is not None
