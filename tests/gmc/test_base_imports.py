"""The house's shape: the base (gmc) imports no app; the apps hear of gmc's changes
through ``gmc.signals`` and its hooks. The mailings feature is imported by no app (only
the URLs and the settings name it, by dotted path)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = {"registration", "agenda", "declarations", "mailings"}


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules_of("gmc"), ids=lambda p: str(p.relative_to(ROOT)))
def test_gmc_module_imports_no_app(path):
    assert not imported_packages(path) & APPS


@pytest.mark.parametrize(
    "path",
    [path for app in ("registration", "agenda", "declarations") for path in modules_of(app)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_app_imports_mailings(path):
    assert "mailings" not in imported_packages(path)


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from registration import selectors\n")
    assert imported_packages(module) == {"registration"}
