"""The cached programme: keys and their per-edition version.

A rendered programme is cached under a key naming the edition, the language, the time
zone and the edition's programme version. The version lives in the cache too and is
bumped by the signals in ``agenda.signals`` whenever an organiser saves or deletes any
agenda object (and by the services that write with ``update()``), so the next request
renders afresh; stale entries are never read again and expire on their own.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

# Rendered programmes live this long at most, even without any change.
PROGRAMME_TIMEOUT = 60 * 60


def _version_key(edition_id: int) -> str:
    return f"agenda:programme-version:{edition_id}"


def programme_version(edition_id: int) -> int:
    # A fresh version starts from the clock, not from 1: if the version key is ever
    # evicted, the new one cannot collide with an older number still in the cache.
    return cache.get_or_set(_version_key(edition_id), time.time_ns(), timeout=None)


def _bump(edition_ids: Iterable[int]) -> None:
    for edition_id in set(edition_ids):
        try:
            cache.incr(_version_key(edition_id))
        except ValueError:
            cache.set(_version_key(edition_id), time.time_ns(), timeout=None)


def invalidate_programme(edition_ids: Iterable[int]) -> None:
    """Make the next request of these editions' programmes render afresh. Bumps now and
    again after commit, so a request that rendered between the write and the commit
    cannot keep the old programme under the new version. Safe to repeat."""
    edition_ids = {pk for pk in edition_ids if pk}
    if not edition_ids:
        return
    _bump(edition_ids)
    transaction.on_commit(lambda: _bump(edition_ids))


def programme_key(edition_id: int, language: str, zone_name: str) -> str:
    version = programme_version(edition_id)
    return f"agenda:programme:{edition_id}:{version}:{language}:{zone_name}"
