"""Language choice: the session's switch, then the user's setting, then Accept-Language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
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


def _translations() -> Any:
    """Flask-Babel's translations for the current locale, looked up once per locale and app
    context: Flask-Babel resolves the context, the domain and the locale again on each call,
    and a page asks about ninety times. ``force_locale`` (an e-mail rendered in its
    recipient's language) swaps the locale object, so the cache follows it."""
    from flask_babel import get_translations

    if not g:
        return get_translations()
    cached = g.get("_i18n_translations")
    locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    g._i18n_translations = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """The templates' ``_``/``ngettext`` through :func:`_translations` (after Babel's own)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
