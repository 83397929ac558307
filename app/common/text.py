"""Text normalisation for search: accents and case do not matter."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """``"Évaluation  d'impact"`` → ``"evaluation d impact"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _NON_WORD.sub(" ", stripped).strip()


def search_document(*parts: str | None) -> str:
    """Space-framed, so ``LIKE '% word%'`` matches word prefixes."""
    return " " + " ".join(normalise(p) for p in parts if p) + " "


def search_words(query: str, limit: int = 8) -> list[str]:
    return normalise(query).split()[:limit]
