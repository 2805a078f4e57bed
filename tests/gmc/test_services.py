import threading

import pytest
from django.db import connection

from gmc import services
from gmc.models import Edition
from tests.factories import EditionFactory


def test_make_current_edition_is_a_no_op_when_repeated(db):
    EditionFactory(year=2025, is_current=True)
    new = EditionFactory(year=2026)
    services.make_current_edition(new.pk)
    services.make_current_edition(new.pk)
    assert list(Edition.objects.filter(is_current=True)) == [new]


def test_make_current_edition_refuses_an_unpublished_edition(db):
    current = EditionFactory(year=2025, is_current=True)
    hidden = EditionFactory(year=2026, is_published=False)
    with pytest.raises(services.EditionError):
        services.make_current_edition(hidden.pk)
    assert list(Edition.objects.filter(is_current=True)) == [current]


@pytest.mark.django_db(transaction=True)
def test_two_organisers_switching_at_once_leave_one_current_edition():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    EditionFactory(year=2024, is_current=True)
    contenders = [EditionFactory(year=2025), EditionFactory(year=2026)]
    barrier = threading.Barrier(len(contenders))
    errors = []

    def switch(edition_id: int) -> None:
        try:
            barrier.wait()
            services.make_current_edition(edition_id)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=switch, args=(e.pk,)) for e in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    current = list(Edition.objects.filter(is_current=True))
    assert len(current) == 1
    assert current[0].year in (2025, 2026)
