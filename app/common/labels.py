"""The one wording of an enumeration's values, used by pages, e-mails, documents and exports.

Each package declares the words for its own enumerations once (``app/<package>/labels.py``)
with :class:`Labels`; every reader of a value goes through it, so a page and an e-mail never
word the same state differently. The words are lazy: they are translated into the reader's
language when read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Labels(Mapping[str, Any]):
    """Words for the values of one enumeration: ``LABELS[value]`` is a lazy string,
    ``LABELS.word(value)`` the text in the current language (the value itself if unknown),
    ``LABELS.choices()`` the ``(value, text)`` pairs of a select, in declaration order."""

    def __init__(self, words: Mapping[str, Any]) -> None:
        self._words = dict(words)

    def __getitem__(self, value: str) -> Any:
        return self._words[str(value)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def word(self, value: object) -> str:
        key = str(value)
        return str(self._words[key]) if key in self._words else key

    def choices(self) -> list[tuple[str, str]]:
        return [(value, str(text)) for value, text in self._words.items()]
