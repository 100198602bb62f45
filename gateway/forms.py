"""The forms people fill in. Labels are what screen readers and tests find fields by.

The forms check shape (present, a number); the rules (name length, seat range, unique
names) belong to the services, whose refusals are shown next to the field they name.
"""
from __future__ import annotations

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, PasswordField, RadioField,
                     SelectField, SelectMultipleField, StringField, TextAreaField, TimeField, URLField, widgets)
from wtforms.validators import Email, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from .refusals import refusal_text



class MultiCheckboxField(SelectMultipleField):
    """A group of labelled checkboxes, one per choice."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[InputRequired(_l("Enter your email address.")),
                                                        Length(max=256)])
    master_password = PasswordField(_l("Master password"),
                                    validators=[InputRequired(_l("Enter your master password.")),
                                                Length(max=1024)])


class SecondStepForm(FlaskForm):
    code = StringField(_l("Verification code"), validators=[InputRequired(_l("Enter the code.")), Length(max=20)])
    remember = BooleanField(_l("Remember this device for 30 days"))


class RecoveryCodeLoginForm(FlaskForm):
    code = StringField(_l("Recovery code"), validators=[InputRequired(_l("Enter your recovery code.")),
                                                        Length(max=100)])


class PasskeyLoginForm(FlaskForm):
    """The second step with a passkey: the browser's assertion (passkeys.js fills it in) and Remember."""

    assertion = HiddenField(validators=[InputRequired(_l("Press Use passkey, then follow your browser.")),
                                        Length(max=16_000)])
    remember = BooleanField(_l("Remember this device for 30 days"))


class PasskeyForm(FlaskForm):
    """A new passkey: the master password (asked by Read key), its name, and what the key answered."""

    master_password = PasswordField(_l("Master password"), validators=[Optional(), Length(max=1024)])
    name = StringField(_l("Name"), validators=[Length(max=1000)])
    credential = HiddenField(validators=[InputRequired(_l("Press Read key first, then follow your browser.")),
                                         Length(max=16_000)])


class VerificationCodeForm(FlaskForm):
    code = StringField(_l("Verification code"), validators=[InputRequired(_l("Enter the code.")), Length(max=20)])


class MasterPasswordForm(FlaskForm):
    master_password = PasswordField(_l("Master password"),
                                    validators=[InputRequired(_l("Enter your master password.")),
                                                Length(max=1024)])


class RegisterForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[InputRequired(_l("Enter your email address.")),
                                                        Length(max=256)])
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter your name.")), Length(max=50)])
    master_password = PasswordField(_l("Master password"), validators=[
        InputRequired(_l("Enter a master password.")),
        Length(min=12, max=1024, message=_l("The master password must be at least 12 characters long."))])
    master_password_confirm = PasswordField(_l("Re-type master password"), validators=[
        InputRequired(_l("Re-type your master password.")),
        EqualTo("master_password", _l("The master passwords do not match."))])


# Checked here as well as in orgs, so that the form names every wrong field at once (orgs stops at the first).
PLAN_MAX_SEATS = {"Teams": 1_000, "Enterprise": 10_000}
NAME_LIMIT = Length(max=99, message=_l("The organization name must be shorter than 100 characters."))
VALID_EMAIL = Email(_l("Enter a valid email address."), check_deliverability=False)


def seats_within_plan(form, field) -> None:
    """Seats from 1 to 10,000, and no more than the chosen plan allows (Teams 1,000), as orgs says it."""
    if field.data is not None and not 1 <= field.data <= 10_000:
        raise ValidationError(gettext("Seats must be a whole number from 1 to 10,000."))
    most = PLAN_MAX_SEATS.get(form.plan.data)
    if field.data is not None and most is not None and field.data > most:
        raise ValidationError(gettext("The %(plan)s plan allows at most %(most)s seats.", plan=form.plan.data,
                                      most=format_number(most)))


def plan_we_sell(_form, field) -> None:
    if field.data not in PLAN_MAX_SEATS:
        raise ValidationError(gettext("Choose the Teams or Enterprise plan."))


class ClientForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[InputRequired(_l("Enter the organization's name.")),
                                                            NAME_LIMIT])
    plan = SelectField(_l("Plan"), choices=[("Teams", _l("Teams")), ("Enterprise", _l("Enterprise"))],
                       validate_choice=False, validators=[plan_we_sell])
    seats = IntegerField(_l("Seats"), validators=[InputRequired(_l("Enter a number of seats.")), seats_within_plan])
    owner_email = EmailField(_l("Owner email"), validators=[InputRequired(_l("Enter the owner's email address.")),
                                                            VALID_EMAIL])
    billing_email = EmailField(_l("Billing email"),
                               validators=[InputRequired(_l("Enter the billing email address.")), VALID_EMAIL])


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[InputRequired(_l("Enter the organization's name.")),
                                                            NAME_LIMIT])
    plan = SelectField(_l("Plan"), choices=[("Teams", _l("Teams")), ("Enterprise", _l("Enterprise"))],
                       validate_choice=False, validators=[plan_we_sell])
    seats = IntegerField(_l("Seats"), validators=[InputRequired(_l("Enter a number of seats.")), seats_within_plan])
    billing_email = EmailField(_l("Billing email"),
                               validators=[InputRequired(_l("Enter the billing email address.")), VALID_EMAIL])


class SubscriptionForm(FlaskForm):
    """Manage subscription of a client: its plan and seats (billing follows from orgs' events)."""

    plan = SelectField(_l("Plan"), choices=[("Teams", _l("Teams")), ("Enterprise", _l("Enterprise"))],
                       validate_choice=False)
    seats = IntegerField(_l("Seats"), validators=[InputRequired(_l("Enter a number of seats."))])
    autoscale_max_seats = IntegerField(_l("Let invitations add seats up to"), validators=[Optional()],
                                       description=_l("Optional. Leave empty to refuse invitations beyond the seats."))


def show_refusal(form: FlaskForm, error, fallback_field: str | None = None) -> None:
    """Put a service's or domain's refusal next to the field it names (or on the form)."""
    message = refusal_text(error)
    field = getattr(form, error.field, None) if error.field else None
    if field is None and fallback_field:
        field = getattr(form, fallback_field)
    if field is not None:
        field.errors = list(field.errors) + [message]
    else:
        form.form_errors.append(message)


ROLE_CHOICES = [("user", _l("User")), ("admin", _l("Admin")), ("owner", _l("Owner")), ("custom", _l("Custom"))]
PERMISSION_CHOICES = [
    ("access_event_logs", _l("Access event logs")), ("access_import_export", _l("Access import/export")),
    ("access_reports", _l("Access reports")), ("manage_all_collections", _l("Manage all collections")),
    ("create_collections", _l("Create new collections")), ("edit_collections", _l("Edit any collection")),
    ("delete_collections", _l("Delete any collection")), ("manage_groups", _l("Manage groups")),
    ("manage_policies", _l("Manage policies")), ("manage_users", _l("Manage users")),
    ("manage_account_recovery", _l("Manage account recovery")),
]


ACCESS_CHOICES = [("view", _l("Can view")), ("view_except_passwords", _l("Can view, except passwords")),
                  ("edit", _l("Can edit")), ("edit_except_passwords", _l("Can edit, except passwords")),
                  ("manage", _l("Can manage"))]


class InviteForm(FlaskForm):
    emails = TextAreaField(_l("Email addresses"), validators=[InputRequired(_l("Enter at least one email address."))],
                           description=_l("Separate addresses with commas or new lines; up to 20 at a time."))
    role = SelectField(_l("User type"), choices=ROLE_CHOICES, validate_choice=False)
    permissions = MultiCheckboxField(_l("Custom permissions"), choices=PERMISSION_CHOICES, validate_choice=False)
    groups = MultiCheckboxField(_l("Groups"), choices=[], validate_choice=False)
    collections = MultiCheckboxField(_l("Collections"), choices=[], validate_choice=False)
    collection_permission = SelectField(_l("Access to these collections"), choices=ACCESS_CHOICES,
                                        validate_choice=False)


class RoleForm(FlaskForm):
    role = SelectField(_l("User type"), choices=ROLE_CHOICES, validate_choice=False)
    permissions = MultiCheckboxField(_l("Custom permissions"), choices=PERMISSION_CHOICES, validate_choice=False)


class StaffInviteForm(FlaskForm):
    emails = TextAreaField(_l("Email addresses"), validators=[InputRequired(_l("Enter at least one email address."))],
                           description=_l("Separate addresses with commas or new lines; up to 20 at a time."))
    role = SelectField(_l("Role"), choices=[("service_user", _l("Service User")), ("admin", _l("Provider Admin"))],
                       validate_choice=False)


# --- demo sign-up (identity holds the rules; these name every wrong field at once) --------------------

COMPANY_SIZES = [("", _l("Choose a size")), ("1-10", _l("1–10 employees")), ("11-50", _l("11–50 employees")),
                 ("51-200", _l("51–200 employees")), ("201-1000", _l("201–1,000 employees")),
                 ("1000+", _l("More than 1,000 employees"))]


class DemoSignUpForm(FlaskForm):
    """An end user signs up for one of their provider's demo sessions."""

    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter your name.")), Length(
        max=100, message=_l("Your name must be 100 characters or fewer."))])
    email = EmailField(_l("Work email"), validators=[InputRequired(_l("Enter your work email address.")),
                                                     Length(max=256), VALID_EMAIL])
    company = StringField(_l("Company"), validators=[InputRequired(_l("Enter your company's name.")), Length(
        max=100, message=_l("The company name must be 100 characters or fewer."))])
    company_size = SelectField(_l("Company size"), choices=COMPANY_SIZES, validate_choice=False,
                               validators=[InputRequired(_l("Choose your company's size from the list."))])
    # Its choices are the sessions open now; one that closed meanwhile is identity's to refuse, by name.
    session_id = RadioField(_l("Session"), choices=[], validate_choice=False,
                            validators=[InputRequired(_l("Choose a session."))])


def https_link(_form, field) -> None:
    """An https:// address, as identity requires of a video link."""
    if field.data and not field.data.strip().lower().startswith("https://"):
        raise ValidationError(gettext("Enter the video link as an https:// address, such as "
                                      "https://meet.example.com/demo."))


class DemoSessionForm(FlaskForm):
    """A provider's staff schedules a demo session: its start is a date and time in the chosen time zone."""

    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter a title for the session.")), Length(
        max=100, message=_l("The title must be 100 characters or fewer."))])
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    time = TimeField(_l("Time"), validators=[InputRequired(_l("Enter the time."))])
    time_zone = SelectField(_l("Time zone"), choices=[], validate_choice=True)
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=45, validators=[
        InputRequired(_l("Enter the duration in minutes.")),
        NumberRange(15, 240, message=_l("The duration must be from 15 to 240 minutes."))])
    capacity = IntegerField(_l("Capacity"), default=20, validators=[
        InputRequired(_l("Enter how many people can sign up.")),
        NumberRange(1, 500, message=_l("The capacity must be from 1 to 500 people."))])
    video_link = URLField(_l("Video link"), validators=[
        InputRequired(_l("Enter the video link.")),
        Length(max=500, message=_l("The video link must be 500 characters or fewer.")), https_link])
