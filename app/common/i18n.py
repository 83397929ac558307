"""Language choice: the session's switch, then the user's setting, then Accept-Language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g, has_request_context, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.common.labels import Labels

# Each language in its own words: the language switch and the choice of one's language.
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
# Each language in the reader's words: the languages a vendor serves in, say.
LANGUAGE_LABELS = Labels({"fr": _l("French"), "nl": _l("Dutch"), "en": _l("English")})


def reader_language() -> str:
    """fr, nl or en: the reader's language as ``select_locale`` chose it (the user's setting,
    then Accept-Language); French outside a request or for any other locale."""
    from flask_babel import get_locale

    locale = get_locale()
    language = str(locale.language) if locale else "fr"
    return language if language in LANGUAGE_NAMES else "fr"


def select_locale() -> str | None:
    """Flask-Babel's locale selector; ``None`` outside a request (CLI, Celery).

    The session's choice comes first, for a logged-in user too: it is only there when the
    person picked a language in this session (the switch, which also saves it, or the login
    page, whose choice survives the login), so it is what they are reading now. Without one,
    the account's setting, then Accept-Language."""
    if not has_request_context():
        return None
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if current_user and current_user.is_authenticated:
        return str(current_user.language)
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"]


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Render in ``language`` anywhere, including a worker or the CLI.

    Flask-Babel's ``force_locale`` silently does nothing while ``g`` is empty (as it is at the
    start of a task), so give ``g`` something first.
    """
    if not g:
        g.i18n_forced = True
    with force_locale(language):
        yield
