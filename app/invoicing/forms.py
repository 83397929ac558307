"""Invoice forms. The services check every value (the UBL file too); these forms carry the
fields, their labels and hints in the reader's language, and the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FileField, StringField, TextAreaField
from wtforms.validators import Optional

from app.common.single_line import MultiLine, SingleLine
from app.orders.forms import Needed


class InvoiceForm(FlaskForm):
    """Typed fields, or a UBL file that then gives all of them."""

    ubl = FileField(_l("UBL invoice file (optional)"),
                    render_kw={"accept": ".xml,application/xml,text/xml"},
                    description=_l("An electronic invoice in UBL 2.1 (Peppol BIS Billing 3.0) "
                                   "from your accounting software. If you send one, the fields "
                                   "below are read from it."))
    number = StringField(_l("Invoice number"), validators=[SingleLine()])
    issue_date = DateField(_l("Issue date"), validators=[Optional()])
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()],
                         description=_l("Empty: the payment term from today."))
    amount_excl_vat = StringField(_l("Amount excl. VAT (EUR)"),
                                  render_kw={"inputmode": "decimal", "autocomplete": "off"})
    vat = StringField(_l("VAT (EUR)"), render_kw={"inputmode": "decimal",
                                                   "autocomplete": "off"})
    order_reference = StringField(_l("Order reference"), validators=[Needed(), SingleLine()],
                                  description=_l("As on the order form."))


class InvoiceReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Needed(), MultiLine()],
                           description=_l("The vendor reads this text."))


class PaidForm(FlaskForm):
    paid_on = DateField(_l("Payment date"), validators=[Optional()])
