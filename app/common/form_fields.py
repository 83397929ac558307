"""WTForms fields that read numbers the way the rest of the app does (app.common.numbers)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms import IntegerField

from app.common.numbers import parse_whole

_LIMIT = 10**18  # a number's own validators (NumberRange) say what is sensible


class WholeNumberField(IntegerField):
    """``IntegerField`` reading ASCII digits only: ``int()`` would take ``"٣٣"`` for 33."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = parse_whole(valuelist[0], -_LIMIT, _LIMIT)
        if self.data is None:
            raise ValueError(_("Enter a whole number."))
