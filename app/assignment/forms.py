"""The vendor's answer form. The services check every value; the form carries the fields,
their labels and hints in the reader's language, and the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, StringField, TextAreaField

from app.assignment.models import AttemptKind
from app.common.single_line import MultiLine, SingleLine
from app.orders.forms import Needed

# The one answer a vendor gives: every choice is spelled out, so none can be misread.
ACCEPT, QUOTE, DECLINE, CONFLICT = "accept", "quote", "decline", "conflict"


def answer_choices(kind: AttemptKind) -> list[SelectChoice]:
    if kind is AttemptKind.OFFER:
        first = SelectChoice(ACCEPT, _l("I accept the offer and declare I have no conflict of "
                                        "interest for this assignment"))
        decline = SelectChoice(DECLINE, _l("I decline the offer"))
    else:
        first = SelectChoice(QUOTE, _l("I send a quote and declare I have no conflict of "
                                       "interest for this assignment"))
        decline = SelectChoice(DECLINE, _l("I decline the invitation"))
    return [first, decline,
            SelectChoice(CONFLICT, _l("I have a conflict of interest for this assignment: "
                                      "I cannot take it"))]


class AnswerForm(FlaskForm):
    """Offers: accept / decline / conflict. Invitations: quote / decline / conflict. The
    reason is needed only to decline, the price only to quote (the service checks both)."""

    answer = RadioField(_l("Your answer"), validators=[Needed()], validate_choice=False)
    reason = TextAreaField(_l("Reason for declining"), validators=[MultiLine()],
                           description=_l("Needed only if you decline. The participation "
                                          "service reads it. For example: no one available "
                                          "on these dates."))
    price = StringField(_l("Price excl. VAT (€)"), validators=[SingleLine()],
                        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    note = TextAreaField(_l("Note (optional)"), validators=[MultiLine()],
                         description=_l("What the price includes, your approach, who would "
                                        "facilitate."))
    # Checked by the service (type, size, name), like a file sent through the API.
    document = FileField(_l("Written quote (optional)"),
                         render_kw={"accept": "application/pdf,.pdf"})
