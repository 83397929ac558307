"""Login, logout, registration, password reset and the settings page. Views own the commit."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from app.auth import invoicing_details, registration, services, sessions
from app.auth.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InvoicingDetailsForm,
    LanguageForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
)
from app.auth.models import Organisation, Role, User
from app.common.api_auth import API_PATH
from app.common.errors import Conflict, ValidationFailed
from app.common.web import ViewResult, apply_errors, safe_next
from app.extensions import client_address, db, limiter

bp = Blueprint("auth", __name__, template_folder="templates")

def register_user_loaders(manager: LoginManager) -> None:
    @manager.user_loader
    def load_user(key: str) -> User | None:
        # The API authenticates by bearer token only: a browser's session cookie does not
        # count there, so the API's CSRF exemption cannot be abused from another site.
        if request.path.startswith(API_PATH):
            return None
        return sessions.load_login_session(key)

    @manager.request_loader
    def load_from_token(req: object) -> User | None:
        """Bearer tokens authenticate the JSON API only, never the HTML pages."""
        if not request.path.startswith(API_PATH):
            return None
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        found = services.api_token_user(token.strip())
        if found is None:
            return None
        user, use_to_record = found
        if use_to_record:
            # Its own short transaction, before the request's work begins (at most once a
            # minute per token): the request itself, a read above all, writes nothing.
            services.record_api_token_use(token.strip())
            db.session.commit()
        return user


def _account() -> str:
    return services.normalise_email(request.form.get("email", ""))[:254]


def _account_key() -> str:
    return "login-account:" + _account()


def _account_address_key() -> str:
    return f"login-account-address:{_account()}|{client_address()}"


def _setting(name: str) -> Callable[[], str]:
    """A limit read from the configuration at request time (tests and operators change it)."""
    return lambda: str(current_app.config[name])


def _failed_login(response: Response) -> bool:
    """Only failures count against an account: its owner logging in often is no attack."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_setting("LOGIN_LIMIT_PER_IP"), methods=["POST"])
# Failures from one address lock that address out of the account, not its owner elsewhere;
# a slower ceiling across all addresses still stops a distributed guess.
@limiter.limit(_setting("LOGIN_LIMIT_PER_ACCOUNT_AND_IP"), key_func=_account_address_key,
               methods=["POST"], deduct_when=_failed_login)
@limiter.limit(_setting("LOGIN_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"],
               deduct_when=_failed_login)
def login() -> ViewResult:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = [_("Wrong e-mail address or password.")]
        else:
            sessions.start_login_session(user, request.headers.get("User-Agent", ""))
            db.session.commit()
            chosen = session.get("lang")
            session.clear()
            login_user(user, remember=bool(form.remember.data))
            keep = chosen in current_app.config["LANGUAGES"] and chosen != user.language.value
            if keep:
                # The language picked on the login page stays, and is offered as the new
                # setting (the settings page says so, with the form to save it).
                session["lang"] = chosen
            refresh()  # the messages below in the language of the person now logged in
            flash(_("You are logged in."), "success")
            if keep:
                flash(_("The site stays in the language you chose. To make it your account's "
                        "language, save it in My settings."), "info")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> ViewResult:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        sessions.end_login_session(current_user.session_key)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_setting("REGISTER_LIMIT_PER_IP"), methods=["POST"])
def register() -> ViewResult:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    if request.method == "GET":
        # Default the account's language to the one the page is shown in.
        locale = get_locale()
        form.language.data = locale.language if locale else "fr"
    if form.validate_on_submit():
        data = registration.Registration(
            organisation_name=form.organisation_name.data or "",
            organisation_type=form.organisation_type.data or "",
            enterprise_number=form.enterprise_number.data or "",
            address=form.address.data or "",
            full_name=form.full_name.data or "",
            email=form.email.data or "",
            password=form.password.data or "",
            language=form.language.data or "fr",
        )
        try:
            registration.register_organisation(data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            return redirect(url_for("auth.registered"))
    return render_template("auth/register.html", form=form)


@bp.route("/register/done")
def registered() -> ViewResult:
    return render_template("auth/registered.html")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_setting("RESET_LIMIT_PER_IP"), methods=["POST"])
# Per address asked for, from all clients: nobody's mailbox is flooded with reset links.
@limiter.limit(_setting("RESET_LIMIT_PER_ACCOUNT"), key_func=lambda: "reset-account:" + _account(),
               methods=["POST"])
def forgot_password() -> ViewResult:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        db.session.commit()
        return render_template("auth/forgot_sent.html")
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ViewResult:
    if services.valid_one_time_token(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        except Conflict:
            db.session.rollback()
            return render_template("auth/reset_invalid.html"), 409
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password is set. Every session was logged out and your API tokens "
                    "were revoked. You can now log in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/settings")
@login_required
def settings() -> ViewResult:
    return _render_settings()


def _render_settings(**forms: object) -> ViewResult:
    # A language picked in this session but not saved (on the login page) is offered.
    reading = session.get("lang") or current_user.language.value
    offered = reading if reading != current_user.language.value else None
    language_form = forms.get("language_form") or LanguageForm(language=reading)
    return render_template(
        "auth/settings.html",
        language_form=language_form, offered_language=offered,
        password_form=forms.get("password_form") or ChangePasswordForm(),
        token_form=forms.get("token_form") or ApiTokenForm(),
        revoke_form=ConfirmForm(),
        tokens=services.list_api_tokens(current_user),
        new_token=forms.get("new_token"),
        missing_invoicing=(invoicing_details.missing_details(current_user.organisation)
                           if current_user.role is Role.BUYER and current_user.organisation
                           else None),
    )


@bp.route("/settings/invoicing", methods=["GET", "POST"])
@login_required
def settings_invoicing() -> ViewResult:
    """Any buyer of the organisation fills in its invoicing details."""
    organisation = invoicing_details.own_organisation(current_user)
    return invoicing_page(organisation, saved=url_for("auth.settings_invoicing"),
                          back=url_for("auth.settings"))


def invoicing_page(organisation: Organisation, *, saved: str, back: str) -> ViewResult:
    """The invoicing details form of ``organisation`` (the buyer's own, or any for staff):
    shown, or saved and redirected to ``saved``; the service checks the actor."""
    form = InvoicingDetailsForm(obj=organisation)
    if form.validate_on_submit():
        try:
            invoicing_details.update_invoicing_details(
                current_user, organisation.id,
                {name: form[name].data or "" for name in invoicing_details.FIELDS})
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("The invoicing details are saved."), "success")
            return redirect(saved)
    return render_template("auth/invoicing.html", form=form, organisation=organisation,
                           missing=invoicing_details.missing_details(organisation), back=back)


@bp.route("/settings/language", methods=["POST"])
@login_required
def settings_language() -> ViewResult:
    form = LanguageForm()
    if form.validate_on_submit():
        services.set_language(current_user, form.language.data or "fr")
        db.session.commit()
        session["lang"] = current_user.language.value
        flash(_("Language saved."), "success")
        return redirect(url_for("auth.settings"))
    return _render_settings(language_form=form)


@bp.route("/settings/password", methods=["POST"])
@login_required
def settings_password() -> ViewResult:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data or "",
                                     form.new_password.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            user = current_user._get_current_object()
            sessions.start_login_session(user, request.headers.get("User-Agent", ""))
            db.session.commit()
            login_user(user)
            flash(_("Your password is changed. Your other sessions were logged out and your API "
                    "tokens were revoked."), "success")
            return redirect(url_for("auth.settings"))
    return _render_settings(password_form=form)


@bp.route("/settings/tokens", methods=["POST"])
@login_required
def settings_token_create() -> ViewResult:
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            _row, plaintext = services.create_api_token(current_user, form.name.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            return _render_settings(new_token=plaintext)
    return _render_settings(token_form=form)


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def settings_token_revoke(token_id: int) -> ViewResult:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    services.revoke_api_token(current_user, token_id)
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.settings"))
