"""Order forms. The services check every value; these forms carry the fields, their labels
and hints in the reader's language, and the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    Form,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.common.single_line import SingleLine
from app.orders.labels import participation_levels


class Needed:
    """Marks a field as required on the page (``required``); the service does the check,
    so the message is the same whichever client sends the order."""

    field_flags = {"required": True}

    def __call__(self, form: Form, field: Field) -> None:
        return None


class OrderForm(FlaskForm):
    lot_id = HiddenField()
    title = StringField(_l("Title of the project"), validators=[Needed(), SingleLine()],
                        description=_l("A short name people will recognise, for example "
                                       "“Redesign of the Place Flagey”."))
    description = TextAreaField(_l("Description (optional)"),
                                description=_l("What the project is about, in a few "
                                               "sentences."))
    objectives = TextAreaField(_l("Objectives"), validators=[Needed()],
                               description=_l("What the participation should achieve, and "
                                              "what you will do with the results."))
    participation_level = RadioField(
        _l("Level of citizen involvement"), validators=[Needed()], validate_choice=False,
        choices=[SelectChoice(value, name) for value, name, _explanation in participation_levels()])
    target_audiences = TextAreaField(
        _l("Target audiences (optional)"),
        description=_l("For example: residents of the neighbourhood, young people aged 12 to "
                       "18, shopkeepers."))
    commune = SelectField(_l("Commune"), validators=[Needed()], validate_choice=False,
                          description=_l("Where the project takes place."))
    planned_start = DateField(_l("Planned start (optional)"), validators=[Optional()])
    planned_end = DateField(_l("Planned end (optional)"), validators=[Optional()])
    inclusion_measures = TextAreaField(
        _l("Inclusion and accessibility measures (optional)"),
        description=_l("For example: sign language interpretation, childcare, a step-free "
                       "venue, texts in easy-to-read language."))
    public_consent = BooleanField(
        _l("List this project in the public initiatives directory"),
        description=_l("Its title, commune, level of involvement and dates become public."))


class ReasonForm(FlaskForm):
    """A staff decision that needs a reason (request changes, reject, cancel)."""

    reason = TextAreaField(_l("Reason"), validators=[Needed()])


class ConfirmForm(FlaskForm):
    """A bare form: the CSRF token for a one-button action."""


class QueueFilterForm(Form):
    """The filters of the order list: a GET form (nothing changes, so no CSRF token)."""

    status = SelectField(_l("Status"), validate_choice=False)
    lot = SelectField(_l("Lot"), validate_choice=False)
    organisation = SelectField(_l("Organisation"), validate_choice=False)
    min_amount = StringField(_l("Minimum amount excl. VAT (€)"),
                             render_kw={"inputmode": "decimal", "autocomplete": "off"})
    max_amount = StringField(_l("Maximum amount excl. VAT (€)"),
                             render_kw={"inputmode": "decimal", "autocomplete": "off"},
                             description=_l("For example 500 or 1 250,50."))
    older_than = StringField(_l("Waiting for more than (days)"),
                             render_kw={"inputmode": "numeric", "autocomplete": "off"})
    sort = SelectField(_l("Sort by"), validate_choice=False)
