"""The gettext catalogues are complete for every language the product ships.

A developer who adds a string to the sources without translating it gets a failing test
that lists the missing msgids: run ``make babel-update``, translate them in
``app/translations/{fr,nl,en}/LC_MESSAGES/messages.po``, then run this test again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
LANGUAGES = ("fr", "nl", "en")

# A named printf placeholder as Flask-Babel formats it: %(name)s, %(n)d, %(x).2f ...
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _load(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _forms(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return value if isinstance(value, tuple) else (value,)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def extracted_msgids(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every msgid extractable from the sources, with the options of ``make babel-extract``."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract",
         "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
         "--no-location", "--sort-output", "--project", "procure",
         "-o", str(pot), str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    with pot.open("rb") as f:
        template = read_po(f)
    msgids = {_key(m) for m in _messages(template)}
    assert msgids, "pybabel extract found no messages: is babel.cfg still right?"
    return msgids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang: str) -> None:
    catalog = _load(lang)
    untranslated = []
    for message in _messages(catalog):
        forms = _forms(message.string)
        expected = catalog.num_plurals if message.pluralizable else 1
        if len(forms) < expected or not all(form.strip() for form in forms):
            untranslated.append(_key(message))
    assert not untranslated, (
        f"{len(untranslated)} untranslated message(s) in {lang}:\n" + "\n".join(untranslated)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_fuzzy(lang: str) -> None:
    fuzzy = [_key(m) for m in _messages(_load(lang)) if m.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy message(s) in {lang}:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_the_source(lang: str) -> None:
    wrong = []
    for message in _messages(_load(lang)):
        expected = sorted(set().union(*(_placeholders(i) for i in _forms(message.id))))
        for index, form in enumerate(_forms(message.string)):
            if form and sorted(set(_placeholders(form))) != expected:
                wrong.append(f"{_key(message)!r} [{index}]: {form!r} (expected {expected})")
    assert not wrong, f"placeholders differ in {lang}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_covers_every_source_string(lang: str, extracted_msgids: set[str]) -> None:
    in_catalogue = {_key(m) for m in _messages(_load(lang))}
    missing = sorted(extracted_msgids - in_catalogue)
    assert not missing, (
        f"{len(missing)} msgid(s) in the sources are missing from {lang}/messages.po; "
        "run `make babel-update` and translate them:\n" + "\n".join(missing)
    )
