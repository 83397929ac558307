"""The erasure request's confirmation and the staff's refusal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length


class ErasureRequestForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that my account will be closed and my name and e-mail address "
           "replaced by a pseudonym in every order and record."),
        validators=[DataRequired(_l("Tick the box to confirm your request."))])


class RefuseErasureForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for refusing"),
        description=_l("The person receives this reason by e-mail."),
        validators=[DataRequired(_l("Give a reason.")), Length(max=5000)])
