"""Fixtures shared by the vendor-assignment unit tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from app.auth.models import User
from tests.unit.assignment.support import make_people


@pytest.fixture
def people(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    return make_people(make_user)
