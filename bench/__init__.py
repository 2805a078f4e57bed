"""The benchmark of `make bench`: one run, one table (see bench/__main__.py).

Nothing here is part of the portal: the package is never installed (pyproject.toml
packages only the apps), no app imports it, and its settings and URLconf (the floor
view) are loaded only by the server the benchmark starts itself.
"""
