"""The texts a catalogue record carries in three languages, and the rule they share."""

from __future__ import annotations

from typing import Any

from app.common.single_line import text_problems

TEXT_FIELDS = ("title_fr", "title_nl", "title_en", "description_fr", "description_nl",
               "description_en")

TITLES = ("title_fr", "title_nl", "title_en")
DESCRIPTIONS = ("description_fr", "description_nl", "description_en")


def text_errors(data: Any, *single: str, multi: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Titles and codes on one line, descriptions without control characters (common rule)."""
    return text_problems(single={name: getattr(data, name) for name in single},
                         multi={name: getattr(data, name) for name in multi})
