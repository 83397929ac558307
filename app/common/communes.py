"""The 19 communes of the Brussels-Capital Region (code, NIS code, French and Dutch names).

A commune is stored as its code (``ixelles``). Callers may name it by that code, by its NIS
code (``21009``, Statbel's REFNIS) or by its French or Dutch name, in any case and with or
without accents (:func:`resolve_commune`); ``region`` (NIS ``04000``) is the whole Region.
"""

from __future__ import annotations

from typing import Any

from app.common.text import normalise

# (code, NIS code, French name, Dutch name)
COMMUNE_TABLE: list[tuple[str, str, str, str]] = [
    ("anderlecht", "21001", "Anderlecht", "Anderlecht"),
    ("auderghem", "21002", "Auderghem", "Oudergem"),
    ("berchem-sainte-agathe", "21003", "Berchem-Sainte-Agathe", "Sint-Agatha-Berchem"),
    ("bruxelles", "21004", "Bruxelles", "Brussel"),
    ("etterbeek", "21005", "Etterbeek", "Etterbeek"),
    ("evere", "21006", "Evere", "Evere"),
    ("forest", "21007", "Forest", "Vorst"),
    ("ganshoren", "21008", "Ganshoren", "Ganshoren"),
    ("ixelles", "21009", "Ixelles", "Elsene"),
    ("jette", "21010", "Jette", "Jette"),
    ("koekelberg", "21011", "Koekelberg", "Koekelberg"),
    ("molenbeek-saint-jean", "21012", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"),
    ("saint-gilles", "21013", "Saint-Gilles", "Sint-Gillis"),
    ("saint-josse-ten-noode", "21014", "Saint-Josse-ten-Noode", "Sint-Joost-ten-Node"),
    ("schaerbeek", "21015", "Schaerbeek", "Schaarbeek"),
    ("uccle", "21016", "Uccle", "Ukkel"),
    ("watermael-boitsfort", "21017", "Watermael-Boitsfort", "Watermaal-Bosvoorde"),
    ("woluwe-saint-lambert", "21018", "Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe"),
    ("woluwe-saint-pierre", "21019", "Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe"),
]
# The whole Region, for projects that are not tied to one commune.
REGION_TABLE = ("region", "04000", "Toute la Région", "Heel het Gewest")
# Other names of the Region a caller may use.
_REGION_ALIASES = ("Région de Bruxelles-Capitale", "Brussels Hoofdstedelijk Gewest",
                   "Région", "Gewest")

COMMUNES: list[tuple[str, str, str]] = [(code, fr, nl) for code, _nis, fr, nl in COMMUNE_TABLE]
REGION_WIDE = (REGION_TABLE[0], REGION_TABLE[2], REGION_TABLE[3])

CODES = {code for code, _fr, _nl in COMMUNES} | {REGION_WIDE[0]}


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, nis, fr, nl in [*COMMUNE_TABLE, REGION_TABLE]:
        for name in (code, nis, fr, nl):
            table[normalise(name)] = code
    for alias in _REGION_ALIASES:
        table[normalise(alias)] = REGION_TABLE[0]
    return table


_BY_NAME = _lookup()


def resolve_commune(value: Any) -> str | None:
    """The code of the commune named by ``value`` (code, NIS code, French or Dutch name, any
    case, accents optional; a NIS code may be a number), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = f"{value:05d}" if 0 < value < 100_000 else ""
    if not isinstance(value, str):
        return None
    return _BY_NAME.get(normalise(value)) if value.strip() else None


def commune_entries() -> list[dict[str, str]]:
    """Every commune then the Region: code, NIS code, French and Dutch names."""
    return [{"code": code, "nis_code": nis, "name_fr": fr, "name_nl": nl}
            for code, nis, fr, nl in [*COMMUNE_TABLE, REGION_TABLE]]


def commune_names(code: str) -> dict[str, str]:
    """``{"fr": ..., "nl": ...}`` for a stored code (the code itself if unknown)."""
    for entry_code, _nis, fr, nl in [*COMMUNE_TABLE, REGION_TABLE]:
        if entry_code == code:
            return {"fr": fr, "nl": nl}
    return {"fr": code, "nl": code}


def commune_name(code: str, language: str) -> str:
    names = commune_names(code)
    return names["nl"] if language == "nl" else names["fr"]


def commune_choices(language: str) -> list[tuple[str, str]]:
    """Sorted by the name in the reader's language (English readers get the French name)."""
    index = 2 if language == "nl" else 1
    names = sorted(((e[0], e[index]) for e in COMMUNES), key=lambda pair: pair[1])
    return [(REGION_WIDE[0], REGION_WIDE[index]), *names]
