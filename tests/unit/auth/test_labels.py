"""The accounts' enumerations are worded once (app.auth.labels), in every language."""

from __future__ import annotations

import enum

import pytest
from flask import Flask
from flask_babel import force_locale

from app.auth import forms
from app.auth.labels import ADHESION_STATUS_LABELS, ORGANISATION_TYPE_LABELS, ROLE_LABELS
from app.auth.models import AdhesionStatus, Language, OrganisationType, Role
from app.common.i18n import LANGUAGE_LABELS, LANGUAGE_NAMES
from app.common.labels import Labels


@pytest.mark.parametrize(("labels", "values"), [
    (ROLE_LABELS, Role), (ORGANISATION_TYPE_LABELS, OrganisationType),
    (ADHESION_STATUS_LABELS, AdhesionStatus), (LANGUAGE_LABELS, Language),
])
def test_every_value_has_its_words(labels: Labels, values: type[enum.StrEnum]) -> None:
    assert list(labels) == [value.value for value in values]
    assert set(LANGUAGE_NAMES) == {language.value for language in Language}


def test_the_words_are_translated(app: Flask) -> None:
    with app.test_request_context(), force_locale("nl"):
        assert ADHESION_STATUS_LABELS.word("pending") != "Waiting for approval"
        assert ROLE_LABELS.word("admin") != "Administrator"


def test_the_forms_choose_from_the_same_words(app: Flask) -> None:
    with app.test_request_context():
        assert dict(forms.role_choices()) == dict(ROLE_LABELS.items())
        assert dict(forms.organisation_type_choices()[1:]) == dict(
            ORGANISATION_TYPE_LABELS.items())
        assert forms.language_choices() == list(LANGUAGE_NAMES.items())
