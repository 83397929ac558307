"""The catalogue's enumerations are worded once (app.catalogue.labels), for every reader."""

from __future__ import annotations

import enum

import pytest
from flask import Flask

from app.catalogue import labels
from app.catalogue.forms import FrameworkForm, ItemForm, LotForm
from app.catalogue.models import AwardMethod, FrameworkStatus, MembershipStatus, Unit
from app.common.labels import Labels


@pytest.mark.parametrize(("words", "values"), [
    (labels.UNITS, Unit), (labels.AWARD_METHODS, AwardMethod),
    (labels.AWARD_METHOD_EXPLANATIONS, AwardMethod),
    (labels.FRAMEWORK_STATUSES, FrameworkStatus), (labels.MEMBERSHIP_STATUSES, MembershipStatus),
])
def test_every_value_has_its_words(words: Labels, values: type[enum.StrEnum]) -> None:
    assert list(words) == [member.value for member in values]


def test_the_admin_forms_offer_the_same_words(app: Flask) -> None:
    with app.test_request_context():
        assert LotForm(meta={"csrf": False}).award_method.choices == labels.AWARD_METHODS.choices()
        assert ItemForm(meta={"csrf": False}).unit.choices == labels.UNITS.choices()
        assert (FrameworkForm(meta={"csrf": False}).status.choices
                == labels.FRAMEWORK_STATUSES.choices())


def test_the_public_helpers_word_members_and_values_alike(app: Flask) -> None:
    with app.test_request_context():
        helpers = labels.template_helpers()
        assert helpers["award_method"](AwardMethod.CASCADE) == "Cascade (by rank)"
        assert helpers["award_method"]("mini_competition") == "Mini-competition"
        assert helpers["unit_label"](Unit.HALF_DAY) == "Half-day"
        assert helpers["award_explanation"]("unknown") == ""
