"""Why a file cannot be imported, and where in it: a line of a CSV file, an entry of a document."""

from __future__ import annotations


class ImportRefused(ValueError):
    """The file, or one line or entry of it, cannot be imported; nothing from it is.

    `reason` is plain English; `template` and `values` let a renderer translate it
    (`gettext(error.template, **error.values)`) and then place it with `line` or `entry`.
    """

    def __init__(self, reason: str, *, line: int | None = None, entry: int | None = None, **values: object):
        self.template = reason
        self.values = values
        # Interpolating only with values keeps a literal "%" in a value-less reason intact.
        self.reason = reason % values if values else reason
        self.line = line
        self.entry = entry
        self.member: str | None = None  # the file inside an archive (a Dashlane ZIP) it was found in
        super().__init__(self.reason)

    def located(self, *, line: int | None = None, entry: int | None = None) -> ImportRefused:
        """This error placed at `line` or `entry`, unless it already knows where it happened."""
        if self.line is None and self.entry is None:
            self.line, self.entry = line, entry
        return self

    def within(self, member: str) -> ImportRefused:
        """This error as found in `member`, one file of an archive."""
        self.member = member
        return self

    def __str__(self) -> str:
        where = f"{self.member}: " if self.member else ""
        if self.line is not None:
            return f"{where}Line {self.line}: {self.reason}"
        if self.entry is not None:
            return f"{where}Entry {self.entry}: {self.reason}"
        return where + self.reason


class PasswordNeeded(ImportRefused):
    """The file is protected by a password and none was given."""

    def __init__(self) -> None:
        super().__init__("The file is protected by a password: enter it to open the file.")


class WrongPassword(ImportRefused):
    """The password given does not open the file."""

    def __init__(self) -> None:
        super().__init__("The file password is wrong.")
