import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test's PDFs and images in a folder of its own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/private/"},
        },
    }
    return tmp_path / "private"
