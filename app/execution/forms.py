"""Delivery forms. The services check every value (the files too: type, size, name); these
forms carry the fields, their labels and hints in the reader's language, and the CSRF
token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, TextAreaField

from app.common.single_line import MultiLine
from app.orders.forms import Needed

ACCEPTED_FILES = ("application/pdf,.pdf,.odt,.ods,.odp,.docx,.xlsx,.pptx,image/png,"
                  "image/jpeg,.png,.jpg,.jpeg")


class DeliverForm(FlaskForm):
    note = TextAreaField(_l("Delivery note"), validators=[MultiLine()],
                         description=_l("What was delivered and when, for the buyer: for "
                                        "example the workshops held and the report sent."))
    documents = MultipleFileField(
        _l("Documents (optional)"), render_kw={"accept": ACCEPTED_FILES},
        description=_l("Report, attendance lists, photos: PDF, OpenDocument or Office files, "
                       "PNG or JPEG images."))


class ContestForm(FlaskForm):
    reason = TextAreaField(_l("What is missing or wrong"), validators=[Needed(), MultiLine()],
                           description=_l("The vendor reads this text, completes the work "
                                          "and marks the order delivered again."))
