"""Belgian enterprise numbers are checked with stdnum and kept in the dotted form."""

from __future__ import annotations

import pytest
from flask import Flask

from app.common import enterprise_number


@pytest.mark.parametrize("typed", ["0207.373.429", "0207373429", "0207 373 429",
                                   " BE0207373429 ", "BE 0207.373.429", "be0207373429",
                                   "207373429"])
def test_a_valid_number_is_kept_in_the_dotted_form_however_it_was_typed(
        app: Flask, typed: str) -> None:
    assert enterprise_number.problem(typed) is None
    assert enterprise_number.normalise(typed) == "0207.373.429"
    assert enterprise_number.digits(typed) == "0207373429"


@pytest.mark.parametrize("typed", ["0207.373.430", "BE0207373428", "0456 789 043"])
def test_a_bad_check_digit_is_refused_naming_the_field(app: Flask, typed: str) -> None:
    message = enterprise_number.problem(typed)

    assert message is not None and "enterprise number" in message
    assert "last two digits" in message
    assert enterprise_number.digits(typed) is None
    with pytest.raises(ValueError):
        enterprise_number.normalise(typed)


@pytest.mark.parametrize("typed", ["12", "2207.373.429", "0207.373.42x", "FR0207373429",
                                   "0207.373.4290", "٠٢٠٧٣٧٣٤٢٩"])
def test_a_number_of_the_wrong_shape_is_refused_with_an_example(app: Flask, typed: str) -> None:
    message = enterprise_number.problem(typed)

    assert message is not None and "enterprise number" in message and "0207.373.429" in message
    assert enterprise_number.digits(typed) is None


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_an_empty_number_is_no_problem_and_stays_empty(app: Flask, typed: str | None) -> None:
    assert enterprise_number.problem(typed) is None
    assert enterprise_number.normalise_optional(typed) is None
    assert enterprise_number.digits(typed) is None


