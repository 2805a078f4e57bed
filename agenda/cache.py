"""The cached programme: keys, and the per-edition version that invalidates them.

For anonymous visitors the body of a programme page (zone picker and programme) is
cached per edition, language, time zone and address, and so is the whole page for
those who carry no session and no messages (what they see is the same for all), each
stored together with the edition's programme version at the time of rendering. The
version lives in the cache too and is bumped by the signals in ``agenda.signals``
whenever an organiser saves or deletes any agenda object (and by the services that
write with ``update()``). A request reads the version and its entries in one round
trip and uses an entry only when the versions match, so the next request after any
change renders afresh.
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


# Bumped when the list of editions that have a programme may change: every programme
# page links to the others.
_ALL_KEY = "agenda:programme-version:all"


def _new_version() -> int:
    # From the clock, not from 1: if the version key is ever evicted, the new one
    # cannot collide with an older number still stored beside a cached body.
    return time.time_ns()


def _bump(keys: Iterable[str]) -> None:
    for key in set(keys):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, _new_version(), timeout=None)


def invalidate_programme(edition_ids: Iterable[int], *, everywhere: bool = False) -> None:
    """Make the next request of these editions' programmes render afresh, and of every
    edition's when ``everywhere`` (which editions have a programme may have changed).
    Bumps now and again after commit, so a request that rendered between the write and
    the commit cannot keep the old programme under the new version. Safe to repeat."""
    keys = {_version_key(pk) for pk in edition_ids if pk}
    if everywhere:
        keys.add(_ALL_KEY)
    if not keys:
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def programme_key(edition_id: int, language: str, zone: str, source: str, path: str) -> str:
    return f"agenda:programme:{edition_id}:{language}:{zone}:{source}:{path}"


def cached_programme(edition_id: int, *keys: str) -> tuple[dict[str, str | None], tuple]:
    """What is cached under ``keys`` and was rendered at the edition's current version
    (None for the rest), read in one round trip with that version, which is returned
    to store fresh renderings with. The version is read before rendering, so whatever
    is rendered while an organiser saves is stored under the old version, never used."""
    version_key = _version_key(edition_id)
    found = cache.get_many([version_key, _ALL_KEY, *keys])
    version = (
        found.get(version_key) or cache.get_or_set(version_key, _new_version, timeout=None),
        found.get(_ALL_KEY) or cache.get_or_set(_ALL_KEY, _new_version, timeout=None),
    )
    fresh = {}
    for key in keys:
        entry = found.get(key)
        fresh[key] = entry[1] if entry is not None and entry[0] == version else None
    return fresh, version


def cache_programme(key: str, version: tuple, value: str | bytes) -> None:
    cache.set(key, (version, value), PROGRAMME_TIMEOUT)
