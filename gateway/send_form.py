"""The New Send / Edit Send form, with Bitwarden's fields and words.

Dates are chosen as Bitwarden offers them (1 hour … 30 days, or a custom date and time in UTC);
the rules themselves (deletion within 31 days, expiration before deletion, counts) are orgs',
repeated here only so that the form can say what is wrong before sealing anything.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FileField, HiddenField, IntegerField, PasswordField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .sends import SendDraft

MAX_NAME, MAX_TEXT, MAX_NOTES = 1000, 1000, 1000
MAX_ACCESS_COUNT = 1_000_000
MAX_DELETION_DAYS = 31
_PRESETS = [("1h", _l("1 hour"), timedelta(hours=1)), ("1d", _l("1 day"), timedelta(days=1)),
            ("2d", _l("2 days"), timedelta(days=2)), ("3d", _l("3 days"), timedelta(days=3)),
            ("7d", _l("7 days"), timedelta(days=7)), ("14d", _l("14 days"), timedelta(days=14)),
            ("30d", _l("30 days"), timedelta(days=30))]
DELETION_CHOICES = _PRESETS + [("custom", _l("Custom"), None)]
EXPIRATION_CHOICES = [("never", _l("Never"), None)] + _PRESETS + [("custom", _l("Custom"), None)]


class SendForm(FlaskForm):
    send_type = RadioField(_l("What type of Send is this?"), choices=[("text", _l("Text")), ("file", _l("File"))],
                           default="text", validate_choice=False)
    organization_id = SelectField(_l("Organization"), choices=[], validate_choice=False)
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter a name for the Send.")),
                                               Length(max=MAX_NAME)],
                       description=_l("A friendly name to describe this Send."))
    text = TextAreaField(_l("Text"), validators=[Length(max=MAX_TEXT)],
                         description=_l("The text you want to send."))
    text_hidden = BooleanField(_l("When accessing the Send, hide the text by default"))
    file = FileField(_l("File"))
    file_name = HiddenField()
    file_size = HiddenField()
    deletion = SelectField(_l("Deletion date"), choices=[], validate_choice=False,
                           description=_l("The Send will be permanently deleted on this date."))
    custom_deletion = DateTimeLocalField(_l("Custom deletion date (UTC)"), validators=[Optional()],
                                         format="%Y-%m-%dT%H:%M")
    expiration = SelectField(_l("Expiration date"), choices=[], validate_choice=False,
                             description=_l("If set, access to this Send will expire on this date."))
    custom_expiration = DateTimeLocalField(_l("Custom expiration date (UTC)"), validators=[Optional()],
                                           format="%Y-%m-%dT%H:%M")
    max_access_count = IntegerField(
        _l("Maximum access count"), validators=[Optional(), NumberRange(1, MAX_ACCESS_COUNT,
                                                                        _l("Enter a number from 1 to 1,000,000."))],
        description=_l("If set, users will no longer be able to access this Send once the maximum access count is "
                       "reached."))
    password = PasswordField(_l("Password"), validators=[Length(max=1000)],
                             description=_l("Optionally require a password for users to access this Send."))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=MAX_NOTES)],
                          description=_l("Private notes about this Send."))
    hide_email = BooleanField(_l("Hide my email address from recipients"))
    disabled = BooleanField(_l("Disable this Send so that no one can access it"))

    def prepare(self, editing: dict | None, now: datetime) -> None:
        """Offer the date choices; on edit, keep the current dates as the first choice."""
        self.deletion.choices = [(key, label) for key, label, _ in DELETION_CHOICES]
        self.expiration.choices = [(key, label) for key, label, _ in EXPIRATION_CHOICES]
        if editing is None:
            if not self.deletion.data or self.deletion.data == "None":
                self.deletion.data = "7d"
            if not self.expiration.data or self.expiration.data == "None":
                self.expiration.data = "never"
            return
        for field, current in ((self.deletion, editing.get("deletion_date")),
                               (self.expiration, editing.get("expiration_date"))):
            if current:
                field.choices.insert(0, ("keep", _l("Keep %(date)s", date=_shown(current))))
                if not field.data or field.data == "None":
                    field.data = "keep"

    def draft(self, now: datetime, editing: dict | None, max_file_bytes: int) -> SendDraft | None:
        """The draft, or None with each problem put next to its field."""
        ok = self.validate()
        send_type = editing["type"] if editing else self.send_type.data
        if send_type not in ("text", "file"):
            self.send_type.errors = [_l("Choose Text or File.")]
            return None
        deletion = self._chosen(self.deletion, self.custom_deletion, DELETION_CHOICES, now, editing,
                                "deletion_date")
        expiration = self._chosen(self.expiration, self.custom_expiration, EXPIRATION_CHOICES, now, editing,
                                  "expiration_date")
        if deletion is None and not self.deletion.errors:
            self.deletion.errors = [_l("Choose a deletion date.")]
        if deletion is not None and not (now + timedelta(minutes=1) < deletion <= now + timedelta(days=MAX_DELETION_DAYS)):
            self.deletion.errors = [_l("The deletion date must be within the next 31 days.")]
        if expiration is not None and deletion is not None and not (now + timedelta(minutes=1) < expiration <= deletion):
            self.expiration.errors = [_l("The expiration date must be in the future and no later than the deletion "
                                         "date.")]
        if send_type == "text" and not editing and not (self.text.data or "").strip():
            self.text.errors = [_l("Enter the text you want to send.")]
        file_size = None
        if send_type == "file" and not editing:
            file_size = _integer(self.file_size.data)
            if not self.file_name.data or file_size is None:
                self.file.errors = [_l("Choose a file. Sending a file needs JavaScript in your browser.")]
            elif file_size > max_file_bytes:
                self.file.errors = [_l("The file is larger than the %(size)s a Send may hold.",
                                       size=file_size_text(max_file_bytes))]
            elif len(self.file_name.data) > 255:
                self.file.errors = [_l("The file name is too long.")]
        if not ok or any(field.errors for field in self):
            return None
        return SendDraft(
            type=send_type, name=self.name.data.strip(), notes=self.notes.data or "", text=self.text.data or "",
            text_hidden=bool(self.text_hidden.data), max_access_count=self.max_access_count.data,
            expiration_date=expiration, deletion_date=deletion, disabled=bool(self.disabled.data),
            hide_email=bool(self.hide_email.data), password=self.password.data or None,
            file_name=self.file_name.data or "", file_size=file_size)

    @staticmethod
    def _chosen(select, custom, choices, now, editing, stored_field) -> datetime | None:
        if select.data == "keep" and editing and editing.get(stored_field):
            return _parsed(editing[stored_field])
        if select.data == "custom":
            if custom.data is None:
                custom.errors = [_l("Enter a date and time.")]
                return None
            return custom.data.replace(tzinfo=timezone.utc)
        for key, _label, delta in choices:
            if key == select.data and key != "custom":
                return None if delta is None else now + delta
        select.errors = [_l("Choose one of the offered dates.")]
        return None


def _integer(text: str | None) -> int | None:
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if value >= 0 else None


def _parsed(iso: str) -> datetime:
    value = datetime.fromisoformat(iso)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _shown(iso: str) -> str:
    return _parsed(iso).strftime("%Y-%m-%d %H:%M UTC")


def file_size_text(size: int) -> str:
    """A size as a person reads it (binary units, as Bitwarden's "100 MB" means MiB)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} B"
