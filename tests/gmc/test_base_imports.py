"""The base does not reach into the apps above it: these gmc modules import none of
them (the apps hear of gmc's changes through ``gmc.signals``)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

GMC = Path(settings.BASE_DIR) / "gmc"
APPS = {"registration", "agenda", "declarations", "mailings"}
# The modules that were once built on the apps, and the ones that replaced that.
CLEAN = ["admin.py", "errors.py", "permissions.py", "signals.py", "sitemaps.py", "urls.py"]


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("name", CLEAN)
def test_gmc_module_imports_no_app(name):
    assert not imported_packages(GMC / name) & APPS
