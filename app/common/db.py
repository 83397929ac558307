"""Column helpers shared by the domain models."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by value as VARCHAR with a CHECK constraint (portable, readable in SQL)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )
