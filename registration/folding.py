"""Text compared without case and accents, the same way on PostgreSQL and SQLite:
"Nguyễn Thị Lan" is found by "nguyen thi lan".

PostgreSQL folds with its ``unaccent`` extension (created by a migration) after
``lower()``; SQLite, whose ``lower()`` knows only ASCII, calls ``fold`` below, which is
registered on each of its connections. Both sides of a comparison go through the same
database function, so a query is always folded the way the stored text is.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func

SQLITE_FUNCTION = "gmc_fold"

# Letters that are not a base letter with a combining accent, so that decomposing them
# leaves them as they are; unaccent maps them to these.
# Written as escapes: one of them (dotless i) looks like the letter it stands for.
_LETTERS = str.maketrans(
    {
        "\N{LATIN SMALL LETTER D WITH STROKE}": "d",
        "\N{LATIN SMALL LETTER ETH}": "d",
        "\N{LATIN SMALL LETTER O WITH STROKE}": "o",
        "\N{LATIN SMALL LETTER L WITH STROKE}": "l",
        "\N{LATIN SMALL LETTER H WITH STROKE}": "h",
        "\N{LATIN SMALL LETTER DOTLESS I}": "i",
        "\N{LATIN SMALL LETTER AE}": "ae",
        "\N{LATIN SMALL LIGATURE OE}": "oe",
        "\N{LATIN SMALL LETTER THORN}": "th",
    }
)


def fold(text: str | None) -> str | None:
    """``text`` in lower case without accents (None stays None, as NULL in SQL)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


class Folded(Func):
    """The expression in lower case without accents (see the module's docstring)."""

    function = "LOWER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="unaccent(lower(%(expressions)s))", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: teach each SQLite connection ``fold``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
