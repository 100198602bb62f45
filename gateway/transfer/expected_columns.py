"""Refusing a CSV file whose header is not the one a manager writes, naming every column expected."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import ImportRefused
from .reading import CsvTable



def has_columns(table: CsvTable, columns: Sequence[str]) -> bool:
    """Whether the header names every one of `columns` (spelled as the manager writes them)."""
    return all(table.has(column.lower()) for column in columns)


def wrong_columns(table: CsvTable, columns: Sequence[str], source: str) -> ImportRefused:
    """The refusal of a file whose header is not a `source` export's, listing the columns it has."""
    # The message is written out here, where the catalogue's extraction finds it.
    return ImportRefused("The file is not an export of %(source)s: its first line should name the columns "
                         "%(columns)s.", line=table.header_line, source=source, columns=", ".join(columns))


def require_columns(table: CsvTable, columns: Sequence[str], source: str) -> None:
    """Refuse the file at its header, listing the columns a `source` export has, unless it has them all."""
    if not has_columns(table, columns):
        raise wrong_columns(table, columns, source)


def refuse_kinds(table: CsvTable, kinds: Sequence[Sequence[str]], source: str) -> ImportRefused:
    """The refusal of a file that is none of the several files a `source` export is made of."""
    return ImportRefused("The file is not an export of %(source)s: its first line should name the columns of one "
                         "of its files: %(columns)s.", line=table.header_line, source=source,
                         columns="; ".join(", ".join(columns) for columns in kinds))
