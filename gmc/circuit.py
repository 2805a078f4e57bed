"""Circuit breakers: after a service fails, stop asking it for a few seconds.

A request that reaches a Redis that does not answer waits for the socket timeout. A
page that asks the cache five times, or an action that queues ten emails, would wait
five or ten times. A ``Breaker`` remembers the failure for the whole process (every
thread shares it): callers skip the service until ``retry_after`` seconds have passed,
then one caller tries again while the others keep skipping. One warning is logged when
the service stops answering and one line when it answers again, not one per call.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)


class Breaker:
    """The per-process state of one service: answering (closed) or not (open)."""

    def __init__(self, label: str):
        self.label = label
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def is_open(self) -> bool:
        return self._down_since is not None

    def allows(self, retry_after: float) -> bool:
        """Whether to call the service now. While it is down, only the first caller
        after ``retry_after`` seconds is let through (its call is the test of whether the
        service is back); the others skip it until that call has failed or succeeded."""
        if self._down_since is None:
            return True
        with self._lock:
            if self._down_since is None:
                return True
            now = time.monotonic()
            if now < self._retry_at:
                return False
            self._retry_at = now + retry_after
            return True

    def failed(self, error: BaseException, retry_after: float) -> None:
        """The service did not answer: skip it for ``retry_after`` seconds."""
        with self._lock:
            now = time.monotonic()
            first = self._down_since is None
            if first:
                self._down_since = now
            self._retry_at = now + retry_after
        if first:
            logger.warning(
                "%s is not answering (%s); going without it, trying again every %s s",
                self.label,
                type(error).__name__,
                retry_after,
            )
        else:
            logger.debug("%s is still not answering (%s)", self.label, type(error).__name__)

    def succeeded(self) -> bool:
        """The service answered; returns whether it had been down until now."""
        if self._down_since is None:
            return False
        with self._lock:
            if self._down_since is None:
                return False
            outage = time.monotonic() - self._down_since
            self._down_since = None
        logger.info("%s is answering again after %.0f s", self.label, outage)
        return True


_breakers: dict[str, Breaker] = {}
_registry_lock = threading.Lock()


def breaker_for(kind: str, url: str) -> Breaker:
    """The process's breaker for the service at ``url`` (one per address, whatever the
    number of threads and client objects talking to it)."""
    key = f"{kind} {url}"
    with _registry_lock:
        found = _breakers.get(key)
        if found is None:
            found = _breakers[key] = Breaker(f"{kind} at {public_address(url)}")
        return found


def public_address(url: str) -> str:
    """Where a service lives, for log lines: host, port and path, never credentials."""
    parts = urlsplit(url)
    if not parts.hostname:
        return parts.scheme or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"
