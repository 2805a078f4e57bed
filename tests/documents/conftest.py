import pytest


@pytest.fixture(autouse=True)
def private_storage(private_storage):
    """Each test's PDFs and images in a folder of its own."""
    return private_storage
