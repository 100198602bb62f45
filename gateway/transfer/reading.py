"""Reading export files: the size limit, text decoding, and CSV tables numbered by physical line."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from services.common.config import ImportLimits

from .errors import ImportRefused

NO_ITEMS = "The file holds no items."


def too_large(limits: ImportLimits) -> ImportRefused:
    """The refusal of a file over the size limit, wherever it is found to be."""
    return ImportRefused("The file is larger than %(limit)s MB.", limit=limits.file_megabytes)


def check_size(content: bytes, limits: ImportLimits) -> None:
    """Refuse a file larger than the import limit before any work is spent on it."""
    if len(content) > limits.file_bytes:
        raise too_large(limits)


def decode_text(content: bytes) -> str:
    """The text of a file in UTF-8 (with or without a byte-order mark) or UTF-16 with one."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRefused("The file is not readable text (broken UTF-16).") from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise ImportRefused("The file is not UTF-8 text: save it again as UTF-8.", line=line) from None


def json_text(value: object) -> str:
    """A JSON export's scalar value as an item's text: nothing for null, true/false for a checkbox."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def host_of(url: str) -> str:
    """The host name of a URL without a leading "www.", or "" when it has none."""
    url = url.strip()
    if not url:
        return ""
    try:
        host = urlsplit(url if "://" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


@dataclass(frozen=True)
class Row:
    """One record of a CSV table: the line it starts on and its values by lower-case column name."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The value in `column`, "" when the file has no such column."""
        return self.values.get(column, "")

    def flag(self, column: str) -> bool:
        """Whether `column` holds a yes (1, true, yes, x)."""
        return self.get(column).strip().lower() in ("1", "true", "yes", "x", "y")


class CsvTable:
    """A CSV export: its header row, then its non-empty records as Rows.

    The header must hold every `required` column (matched without case or surrounding
    spaces). Records are numbered by the physical line they start on, so a note running over
    several lines does not throw later numbers off.
    """

    def __init__(self, content: bytes, required: Iterable[str] = ()) -> None:
        self._reader = csv.reader(io.StringIO(decode_text(content), newline=""), strict=True)
        self._last_line = 0
        for line, cells in self._records():
            if any(cell.strip() for cell in cells):
                break
        else:
            raise ImportRefused(NO_ITEMS)
        self.header_line = line
        self.columns = [cell.strip().lower() for cell in cells]
        self._index: dict[str, int] = {}
        for position, column in enumerate(self.columns):
            self._index.setdefault(column, position)
        self.require(*required)

    def has(self, column: str) -> bool:
        """Whether the header names `column`."""
        return column in self._index

    def require(self, *columns: str) -> None:
        """Refuse the file, at its header, unless it has all of `columns`: the refusal names the first one
        missing and every column this kind of export has, so that a format chosen by mistake is plain."""
        for column in columns:
            if column not in self._index:
                raise ImportRefused("The file is not an export of this kind: the column “%(column)s” is missing "
                                    "(expected: %(expected)s).", line=self.header_line, column=column,
                                    expected=", ".join(columns))

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            start = self._last_line + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field larger" in str(error):
                    raise ImportRefused("A value on this line is far too long.", line=start) from None
                raise ImportRefused("The line is not valid CSV: a quote is missing or out of place.",
                                    line=start) from None
            self._last_line = self._reader.line_num
            yield start, cells

    def __iter__(self) -> Iterator[Row]:
        width = len(self.columns)
        for line, cells in self._records():
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                raise ImportRefused("The line has %(found)s values but the header names %(expected)s columns.",
                                    line=line, found=len(cells), expected=width)
            # Windows writers put CRLF inside quoted notes too; items keep plain newlines.
            yield Row(line, {column: cells[position].replace("\r\n", "\n") if position < len(cells) else ""
                             for column, position in self._index.items()})
