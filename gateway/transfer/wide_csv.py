"""CSV files whose records run past their header: Keeper's (no header at all) and RoboForm's (fields in extra cells)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from .errors import ImportRefused
from .reading import decode_text


def records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line it starts on, cells) for each non-empty record, each as wide as it is written."""
    reader = csv.reader(io.StringIO(decode_text(content), newline=""), strict=True)
    last_line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger" in str(error):
                raise ImportRefused("A value on this line is far too long.", line=last_line + 1) from None
            raise ImportRefused("The line is not valid CSV: a quote is missing or out of place.",
                                line=last_line + 1) from None
        start, last_line = last_line + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            # Windows writers put CRLF inside quoted notes too; items keep plain newlines.
            yield start, [cell.replace("\r\n", "\n") for cell in cells]
