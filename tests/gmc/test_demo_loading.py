"""Where the demo lives: each app owns its demo data and registers its own loader; gmc,
the base, runs them without naming any app."""

import ast
from importlib.resources import files
from pathlib import Path

from django.apps import apps

from gmc.demo_loading import discover_loaders

ROOT = Path(__file__).resolve().parents[2]
# The project's own apps (gmc and the apps above it), not Django's or third parties'.
OWN_APPS = [config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()]
APPS_ABOVE_GMC = [name for name in OWN_APPS if name != "gmc"]
# Longer than this, a function or a constant is a wall of data that belongs in a file.
MOST_LINES = 60


def test_each_app_loads_its_own_demo_after_the_rows_it_needs():
    loaders = discover_loaders()
    assert [loader.name for loader in loaders] == [
        "gmc",
        "mailings",
        "registration",
        "agenda",
        "declarations",
        "documents",
    ]
    for loader in loaders:
        assert loader.load.__module__ == f"{loader.name}.demo"
        data = files(loader.name).joinpath("demo_data")
        assert any(item.name.endswith(".toml") for item in data.iterdir()), loader.name


def test_gmc_demo_code_names_no_app_above_it():
    """Neither by import nor by a dotted name handed to importlib."""
    paths = [*(ROOT / "gmc").glob("demo*.py"), ROOT / "gmc/management/commands/load_demo.py"]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                modules = [node.value] if "." in node.value else []
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in APPS_ABOVE_GMC, (str(path), module)


def test_no_demo_function_or_constant_is_a_wall_of_literals():
    for app in OWN_APPS:
        for path in (ROOT / app).glob("demo*.py"):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.ClassDef):
                    continue
                lines = node.end_lineno - node.lineno + 1
                assert lines <= MOST_LINES, (str(path.relative_to(ROOT)), node.lineno, lines)
