"""How the apps contribute demo data to ``manage.py load_demo``.

gmc is the base and imports no app, so it cannot list the apps' demo modules itself.
Instead each app's ``demo`` module registers its loader here, naming the loaders whose
rows it needs; the command imports every installed app's ``demo`` module (as the admin
finds ``admin`` modules) and runs the loaders in that order. The data itself lives in
TOML files under each app's ``demo_data/`` folder, read with ``read_demo_data``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from graphlib import TopologicalSorter
from importlib.resources import files
from typing import IO, Any

from django.utils.module_loading import autodiscover_modules
from modeltranslation.utils import build_localized_fieldname

Loader = Callable[[IO[str]], None]


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Loader
    after: tuple[str, ...]


_loaders: dict[str, DemoLoader] = {}


def demo_loader(name: str, *, after: Iterable[str] = ()) -> Callable[[Loader], Loader]:
    """Register the decorated ``load(stdout)`` as the demo loader ``name``, run after the
    loaders named in ``after`` (those not installed are left out). Registering a name
    again replaces its loader, so importing a module twice is harmless."""

    def register(load: Loader) -> Loader:
        _loaders[name] = DemoLoader(name=name, load=load, after=tuple(after))
        return load

    return register


def ordered_loaders() -> Iterator[DemoLoader]:
    """The registered loaders, each after those it names; loaders free to run at the
    same point go by name, so the order never depends on which module was imported
    first. A cycle raises graphlib.CycleError."""
    graph = TopologicalSorter({name: loader.after for name, loader in _loaders.items()})
    graph.prepare()
    while graph.is_active():
        ready = sorted(graph.get_ready())
        for name in ready:
            if name in _loaders:
                yield _loaders[name]
        graph.done(*ready)


def discover_loaders() -> list[DemoLoader]:
    """Import the ``demo`` module of every installed app, then list their loaders in order."""
    autodiscover_modules("demo")
    return list(ordered_loaders())


def read_demo_data(package: str, name: str) -> dict[str, Any]:
    """The TOML file ``<package>/demo_data/<name>.toml``."""
    return tomllib.loads(files(package).joinpath("demo_data", f"{name}.toml").read_text("utf-8"))


def translated_texts(row: dict, prose_fields: Iterable[str] = ()) -> dict[str, str]:
    """The texts of a demo row in other languages (its ``translations.<language>``
    tables), by column name (``summary_es``), the ``prose_fields`` unwrapped."""
    prose_fields = set(prose_fields)
    return {
        build_localized_fieldname(field, language): prose(text) if field in prose_fields else text
        for language, texts in row.get("translations", {}).items()
        for field, text in texts.items()
    }


def prose(text: str) -> str:
    """Text as the demo files write it, wrapped for reading: the lines of a paragraph
    joined by a space, paragraphs (separated by a blank line) by a blank line."""
    paragraphs = [part for part in text.strip().split("\n\n") if part.strip()]
    return "\n\n".join(
        " ".join(line.strip() for line in part.splitlines() if line.strip()) for part in paragraphs
    )
