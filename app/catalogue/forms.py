"""Admin forms for frameworks, lots, rankings, items and prices.

Labels are lazy so they render in the reader's language. The forms check what a form can
(types, required fields, lengths); the services keep every business rule.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import escape
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.catalogue.amounts import parse_amount, parse_percent, typed_amount, typed_percent
from app.catalogue.labels import AWARD_METHODS, FRAMEWORK_STATUSES, UNITS
from app.common.form_fields import WholeNumberField
from app.common.i18n import reader_language
from app.common.numbers import coerce_choice_id
from app.common.single_line import MultiLine, SingleLine


class EuroField(StringField):
    """An amount typed in euros; ``data`` is integer cents (None when left empty)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = parse_amount(str(valuelist[0]))
            except ValueError as exc:
                raise ValueError(_l("Enter an amount in euros, for example 1250,50.")) from exc

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else typed_amount(int(self.data), reader_language())


class PercentField(StringField):
    """A rate typed in percent; ``data`` is integer basis points (2100 = 21 %)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = parse_percent(str(valuelist[0]))
            except ValueError as exc:
                raise ValueError(_l("Enter a percentage, for example 21 or 6.")) from exc

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else typed_percent(int(self.data), reader_language())


def _title(label: Any) -> StringField:
    return StringField(label, validators=[DataRequired(), Length(max=300), SingleLine()])


def _description(label: Any) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=5000), MultiLine()])


class FrameworkForm(FlaskForm):
    reference = StringField(_l("Reference"), description=_l("For example BPART-2025-001."),
                            validators=[DataRequired(), Length(max=50), SingleLine()])
    title_fr = _title(_l("Title in French"))
    title_nl = _title(_l("Title in Dutch"))
    title_en = _title(_l("Title in English"))
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    max_value = EuroField(
        _l("Maximum value excl. VAT (EUR)"),
        description=_l("The ceiling of the framework agreement in euros, for example "
                       "12 000 000. Orders beyond it are refused."),
        validators=[InputRequired()])
    status = SelectField(
        _l("Status"), choices=FRAMEWORK_STATUSES.choices,
        description=_l("Buyers can order only from an active framework, between its dates."))


class LotForm(FlaskForm):
    framework = SelectField(_l("Framework"), coerce=coerce_choice_id, validate_choice=False)
    number = WholeNumberField(_l("Lot number"), validators=[InputRequired(), NumberRange(1, 99)])
    title_fr = _title(_l("Title in French"))
    title_nl = _title(_l("Title in Dutch"))
    title_en = _title(_l("Title in English"))
    description_fr = _description(_l("Description in French"))
    description_nl = _description(_l("Description in Dutch"))
    description_en = _description(_l("Description in English"))
    award_method = SelectField(
        _l("Award method"), choices=AWARD_METHODS.choices,
        description=_l("Cascade: the order is offered to one vendor at a time, in rank order. "
                       "Mini-competition: every active vendor is invited to quote."))
    ceiling = EuroField(
        _l("Lot ceiling excl. VAT (EUR, optional)"),
        description=_l("Leave empty when only the framework's maximum value applies."),
        validators=[Optional()])
    response_working_days = WholeNumberField(
        _l("Time to answer (working days)"),
        description=_l("How long a vendor has to answer an offer or an invitation. Weekends "
                       "and Belgian public holidays are not counted."),
        default=5, validators=[InputRequired(), NumberRange(1, 60)])


class AddMemberForm(FlaskForm):
    vendor = SelectField(_l("Vendor to add"), coerce=coerce_choice_id, validate_choice=False,
                         description=_l("The vendor joins at the end of the cascade."),
                         validators=[DataRequired(message=_l("Choose a vendor."))])


class MembershipReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000), MultiLine()])


def ranking_form(members: list[Any], submitted: bool = False) -> FlaskForm:
    """One rank input per active member, named ``rank_<membership id>``; it reads the request
    only when ``submitted`` (other forms of the lot page post elsewhere)."""

    class RankingForm(FlaskForm):
        pass

    for member in members:
        setattr(RankingForm, f"rank_{member.id}", WholeNumberField(
            # The vendor's name is data: escape it, as WTForms puts labels in the page as is.
            escape(gettext("Rank of %(name)s", name=member.vendor.name)), default=member.rank,
            validators=[InputRequired(), NumberRange(1, len(members))]))
    return RankingForm() if submitted else RankingForm(formdata=None)


class ItemTextsForm(FlaskForm):
    title_fr = _title(_l("Title in French"))
    title_nl = _title(_l("Title in Dutch"))
    title_en = _title(_l("Title in English"))
    description_fr = _description(_l("Description in French"))
    description_nl = _description(_l("Description in Dutch"))
    description_en = _description(_l("Description in English"))
    unit = SelectField(_l("Unit"), choices=UNITS.choices)


def _price_field() -> EuroField:
    return EuroField(_l("Unit price excl. VAT (EUR)"),
                     description=_l("In euros, for example 850 or 1250,50."),
                     validators=[InputRequired()])


def _vat_field() -> PercentField:
    return PercentField(_l("VAT rate (%)"), description=_l("For example 21, 6 or 0."),
                        default=2100, validators=[InputRequired()])


class ItemForm(FlaskForm):
    lot = SelectField(_l("Lot"), coerce=coerce_choice_id, validate_choice=False)
    code = StringField(
        _l("Code"),
        description=_l("1 to 40 letters, digits, dots, dashes or underscores, for example "
                       "L3-WS-HALF. It cannot be changed later."),
        validators=[DataRequired(), Length(max=40), SingleLine()])
    title_fr = _title(_l("Title in French"))
    title_nl = _title(_l("Title in Dutch"))
    title_en = _title(_l("Title in English"))
    description_fr = _description(_l("Description in French"))
    description_nl = _description(_l("Description in Dutch"))
    description_en = _description(_l("Description in English"))
    unit = SelectField(_l("Unit"), choices=UNITS.choices)
    unit_price = _price_field()
    vat_rate = _vat_field()
    valid_from = DateField(_l("Price valid from"), validators=[InputRequired()])


class PriceForm(FlaskForm):
    unit_price = _price_field()
    vat_rate = _vat_field()
    valid_from = DateField(
        _l("New price valid from"),
        description=_l("Today or later. The current price ends the day before; orders "
                       "already made keep their price."),
        validators=[InputRequired()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"),
                     description=_l("UTF-8 text, comma-separated, with the columns below."),
                     validators=[FileRequired(message=_l("Choose a file."))])
    framework = SelectField(_l("Framework"), coerce=coerce_choice_id, validate_choice=False)
    dry_run = BooleanField(_l("Only check the file, change nothing"))
