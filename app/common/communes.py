"""The 19 communes of the Brussels-Capital Region (code, French name, Dutch name)."""

from __future__ import annotations

COMMUNES: list[tuple[str, str, str]] = [
    ("anderlecht", "Anderlecht", "Anderlecht"),
    ("auderghem", "Auderghem", "Oudergem"),
    ("berchem-sainte-agathe", "Berchem-Sainte-Agathe", "Sint-Agatha-Berchem"),
    ("bruxelles", "Bruxelles", "Brussel"),
    ("etterbeek", "Etterbeek", "Etterbeek"),
    ("evere", "Evere", "Evere"),
    ("forest", "Forest", "Vorst"),
    ("ganshoren", "Ganshoren", "Ganshoren"),
    ("ixelles", "Ixelles", "Elsene"),
    ("jette", "Jette", "Jette"),
    ("koekelberg", "Koekelberg", "Koekelberg"),
    ("molenbeek-saint-jean", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"),
    ("saint-gilles", "Saint-Gilles", "Sint-Gillis"),
    ("saint-josse-ten-noode", "Saint-Josse-ten-Noode", "Sint-Joost-ten-Node"),
    ("schaerbeek", "Schaerbeek", "Schaarbeek"),
    ("uccle", "Uccle", "Ukkel"),
    ("watermael-boitsfort", "Watermael-Boitsfort", "Watermaal-Bosvoorde"),
    ("woluwe-saint-lambert", "Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe"),
    ("woluwe-saint-pierre", "Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe"),
]
# The whole Region, for projects that are not tied to one commune.
REGION_WIDE = ("region", "Toute la Région", "Heel het Gewest")

CODES = {code for code, _fr, _nl in COMMUNES} | {REGION_WIDE[0]}


def commune_name(code: str, language: str) -> str:
    for entry in [*COMMUNES, REGION_WIDE]:
        if entry[0] == code:
            return entry[2] if language == "nl" else entry[1]
    return code


def commune_choices(language: str) -> list[tuple[str, str]]:
    """Sorted by the name in the reader's language (English readers get the French name)."""
    index = 2 if language == "nl" else 1
    names = sorted(((e[0], e[index]) for e in COMMUNES), key=lambda pair: pair[1])
    return [(REGION_WIDE[0], REGION_WIDE[index]), *names]
