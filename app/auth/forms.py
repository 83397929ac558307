"""Account forms. Labels are lazy so they render in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.auth.labels import ORGANISATION_TYPE_LABELS, ROLE_LABELS
from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.common.i18n import LANGUAGE_NAMES
from app.common.numbers import coerce_choice_id
from app.common.single_line import MultiLine, SingleLine


def organisation_type_choices() -> list[tuple[str, str]]:
    return [("", _l("Choose…")), *ORGANISATION_TYPE_LABELS.items()]


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGE_NAMES.items())


def role_choices() -> list[tuple[str, str]]:
    # The select's order since the form exists (vendor user first, so the default).
    return [(role, ROLE_LABELS[role]) for role in ("vendor", "buyer", "staff", "admin")]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))


class RegistrationForm(FlaskForm):
    organisation_name = StringField(_l("Name of the organisation"),
                                    validators=[DataRequired(), Length(max=200), SingleLine()],
                                    render_kw={"autocomplete": "organization"})
    organisation_type = SelectField(_l("Type of organisation"), choices=organisation_type_choices,
                                    validators=[DataRequired()])
    enterprise_number = StringField(
        _l("Enterprise number (optional)"),
        description=_l("The BCE/KBO number, for example 0207.373.429."),
        # Checked (check digits included) by the registration service.
        validators=[Optional(), Length(max=30), SingleLine()],
    )
    address = StringField(_l("Address (optional)"),
                          validators=[Optional(), Length(max=300), SingleLine()],
                          render_kw={"autocomplete": "street-address"})
    full_name = StringField(_l("Your full name"),
                            validators=[DataRequired(), Length(max=200), SingleLine()],
                            render_kw={"autocomplete": "name"})
    email = EmailField(_l("Your professional e-mail address"),
                       validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Choose a password"),
        description=_l("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    language = SelectField(_l("Language for e-mails and pages"), choices=language_choices)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=language_choices)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(),
                    EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Name of the token"),
                       description=_l("For example the tool that will use it."),
                       validators=[DataRequired(), Length(max=100), SingleLine()])


class ConfirmForm(FlaskForm):
    """A bare form: the CSRF token for a one-button action."""


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Reason"),
                           description=_l("The organisation's users will receive this reason."),
                           validators=[DataRequired(), Length(max=2000), MultiLine()])


class CreateUserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"),
                            validators=[DataRequired(), Length(max=200), SingleLine()])
    role = SelectField(_l("Role"), choices=role_choices)
    vendor = SelectField(_l("Vendor (for vendor users)"), coerce=coerce_choice_id,
                         validate_choice=False)
    organisation = SelectField(_l("Organisation (for buyers)"), coerce=coerce_choice_id,
                               validate_choice=False)
    language = SelectField(_l("Language"), choices=language_choices)


class InvoicingDetailsForm(FlaskForm):
    """The organisation's invoicing details (checked again by app.auth.invoicing_details)."""

    enterprise_number = StringField(
        _l("Enterprise number (optional)"),
        description=_l("The BCE/KBO number, for example 0207.373.429."),
        validators=[Optional(), Length(max=30), SingleLine()])
    invoicing_address = TextAreaField(
        _l("Invoicing address (optional)"),
        description=_l("Leave it empty when invoices go to the organisation's address."),
        validators=[Optional(), Length(max=1000), MultiLine()],
        render_kw={"autocomplete": "street-address", "rows": 4})
    invoicing_contact_name = StringField(
        _l("Name of the invoicing contact (optional)"),
        validators=[Optional(), Length(max=200), SingleLine()], render_kw={"autocomplete": "name"})
    invoicing_contact_email = EmailField(
        _l("E-mail address of the invoicing contact (optional)"),
        validators=[Optional(), Length(max=254), SingleLine()],
        render_kw={"autocomplete": "email"})
