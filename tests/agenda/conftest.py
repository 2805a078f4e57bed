import uuid

import pytest

from tests.factories import EditionFactory


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Each test reads and writes a cache space of its own (the cache outlives a test's
    rollback). The same backend as the suite (Redis when it runs), never flushed: other
    runs may share the server."""
    name = f"agenda-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": name, "LOCATION": name}
        if "locmem" in settings.CACHES["default"]["BACKEND"]
        else {**settings.CACHES["default"], "KEY_PREFIX": name}
    }


@pytest.fixture
def edition(db):
    """The current edition, in Mexico City time, weeks ahead."""
    return EditionFactory(is_current=True)
