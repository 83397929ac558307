"""Admin form for vendor companies. Labels are lazy so they render in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.common.i18n import LANGUAGE_LABELS
from app.common.single_line import MultiLine, SingleLine


def service_language_choices() -> list[tuple[str, str]]:
    return LANGUAGE_LABELS.choices()


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (rendered in a fieldset by the admin templates)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VendorForm(FlaskForm):
    name = StringField(_l("Company name"),
                       validators=[DataRequired(), Length(max=200), SingleLine()],
                       render_kw={"autocomplete": "organization"})
    enterprise_number = StringField(
        _l("Enterprise number (optional)"),
        description=_l("The BCE/KBO number, for example 0207.373.429."),
        validators=[Optional(), Length(max=20), SingleLine()])
    contact_email = StringField(
        _l("Contact e-mail address (optional)"),
        description=_l("Messages from the public directory go here; the address is never "
                       "shown. Without it, they go to the vendor's users."),
        validators=[Optional(), Length(max=254), SingleLine()], render_kw={"type": "email"})
    service_languages = CheckboxesField(_l("Languages of service"),
                                        choices=service_language_choices)
    presentation_fr = TextAreaField(_l("Presentation in French"),
                                    validators=[Optional(), Length(max=3000), MultiLine()])
    presentation_nl = TextAreaField(_l("Presentation in Dutch"),
                                    validators=[Optional(), Length(max=3000), MultiLine()])
    presentation_en = TextAreaField(_l("Presentation in English"),
                                    validators=[Optional(), Length(max=3000), MultiLine()])
    active = BooleanField(_l("Active (shown in the public directory and offered orders)"),
                          default=True)
