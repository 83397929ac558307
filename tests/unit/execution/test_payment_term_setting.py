"""The payment term the order form states (DESIGN §9): 30 days unless the environment says
otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from app.execution.order_form import configured_payment_term_days
from config.settings import ConfigError, load_config


def test_the_payment_term_is_thirty_days_by_default() -> None:
    assert load_config("testing", env={})["PAYMENT_TERM_DAYS"] == 30


def test_the_environment_sets_another_payment_term() -> None:
    assert load_config("testing", env={"PAYMENT_TERM_DAYS": "45"})["PAYMENT_TERM_DAYS"] == 45


def test_a_payment_term_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ConfigError, match="PAYMENT_TERM_DAYS"):
        load_config("testing", env={"PAYMENT_TERM_DAYS": "thirty"})


def test_new_order_forms_take_the_configured_term(tmp_path: Path) -> None:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), PAYMENT_TERM_DAYS=60)
    with app.app_context():
        assert configured_payment_term_days() == 60
