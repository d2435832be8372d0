"""Who is logged in: local accounts (the default) or OpenID Connect through st.login.

The session keeps only the account's name, its stamp and the session's token; the
account itself (and so the role and prisons) is read from the store on every call
(`current_account`), and `check_session` (before every page run) also asks the store
whether the session is still live. Changing, disabling or deleting the account, or
leaving the browser idle too long, ends the session at once, in every process.

A reload starts a new Streamlit session; the HttpOnly cookie that dashboard/web.py
sets after a log-in (the logged-in page asks for it, `ask_for_cookie`) lets it resume
the server-side session (store/sessions.py).
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from datetime import timedelta

import plotly.graph_objects as go
import streamlit as st

from dashboard import data, markup, web
from data_contracts.contract import translated
from i18n import N_, _
from indicators.registry import load_registry
from store import sessions
from store.accounts import Account
from store.db import StoreError

NAME_KEY = "account_name"
REDIRECT_KEY = "pm_redirect"  # a redirect for the next run (auth._redirect)
GRANT_KEY = "pm_cookie_grant"  # the cookie route's grant, asked for once (ask_for_cookie)
STAMP_KEY = "account_stamp"
TOKEN_KEY = "session_token"
METHOD_KEY = "login_method"
NOTICE_KEY = "login_notice"
OIDC_REFUSED_KEY = "oidc_refused"
CHANGED = N_("Your account was changed or disabled; log in again.")
ENDED = N_(
    "Your session has ended (no activity for more than {minutes} minute(s), or you logged "
    "out in another tab); log in again."
)
PASSWORD_LOGIN_ENV = "PRISON_MONITOR_PASSWORD_LOGIN"
PASSWORD_LOGIN_SECRET = "password_login"
OFF_WORDS = frozenset({"off", "false", "no", "0"})
ON_WORDS = frozenset({"on", "true", "yes", "1"})
PASSWORD_OFF = N_("Password log-in is switched off here; log in with your organisation's account.")
NO_WAY_IN = N_(
    "Password log-in is switched off and no organisation log-in is set up; ask the ministry's "
    "IT service to configure one ([auth] in .streamlit/secrets.toml)."
)


class LoginSettingError(Exception):
    """The deployment's log-in setting is not understood; one plain sentence."""


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _secret(name: str) -> object:
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all
        return None


def password_login_enabled(environ: Mapping[str, str] = os.environ, secret: object = None) -> bool:
    """Whether this deployment lets people log in with a password (the default: yes).

    The environment variable wins over the secrets file's `password_login`; a value that
    is neither on nor off is refused, so a typo never opens what was meant to be shut.
    """
    raw = environ.get(PASSWORD_LOGIN_ENV)
    value = raw if raw is not None else secret
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in OFF_WORDS:
        return False
    if word in ON_WORDS:
        return True
    text = _("{variable} (or password_login in the secrets) is '{value}'; set it to on or off.")
    raise LoginSettingError(text.format(variable=PASSWORD_LOGIN_ENV, value=word[:20]))


def idle_time() -> timedelta:
    return timedelta(minutes=sessions.idle_minutes())


# ---------------------------------------------------------------- the session


def _seat(account: Account, token: str, method: str) -> None:
    st.session_state[NAME_KEY] = account.name
    st.session_state[STAMP_KEY] = account.stamp
    st.session_state[TOKEN_KEY] = token
    st.session_state[METHOD_KEY] = method


def end_session(notice: str | None) -> None:
    """Forget who is logged in (here and in the store) and say why on the log-in page."""
    token = st.session_state.get(TOKEN_KEY, "")
    for key in (NAME_KEY, STAMP_KEY, TOKEN_KEY, METHOD_KEY):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice
    data.end_session(token)


def current_account() -> Account | None:
    """The logged-in account as the store has it now; None when nobody is logged in.

    Raises data.AccountChanged when the account changed since the log-in: app.py then
    ends the session, whatever page was running.
    """
    name = st.session_state.get(NAME_KEY)
    if name is None:
        return None
    account = data.session_account(name, st.session_state.get(STAMP_KEY, ""))
    if account is None:
        raise data.AccountChanged(name)
    return account


def check_session() -> Account | None:
    """Before every page run: the live session's account, or a session resumed or begun.

    A session ends here when the store says it has ended or idled out, or the account
    changed; a reload resumes it from the cookie; an organisation log-in begins one.
    """
    send_redirect()
    idle = idle_time()
    if st.session_state.get(NAME_KEY) is None:
        return _from_cookie(idle) or _from_oidc()
    if data.resume_session(st.session_state.get(TOKEN_KEY, ""), idle) is None:
        end_session(_(ENDED).format(minutes=int(idle.total_seconds() // 60)))
        return None
    try:
        return current_account()
    except data.AccountChanged:
        end_session(_(CHANGED))
        return None


def _from_cookie(idle: timedelta) -> Account | None:
    """A reload: the cookie's server-side session, if it is live and its account unchanged."""
    token = st.context.cookies.get(web.COOKIE, "")
    if not isinstance(token, str):  # AppTest's stand-in client has no real cookies
        return None
    session = data.resume_session(token, idle) if token else None
    if session is None:
        return None
    account = data.session_account(session.user_name, session.stamp)
    if account is None:
        data.end_session(token)
        st.session_state[NOTICE_KEY] = _(CHANGED)
        return None
    _seat(account, token, "cookie")
    return account


def _from_oidc() -> Account | None:
    """An organisation log-in (st.login) maps its verified e-mail address to an account."""
    if not (oidc_configured() and st.user.is_logged_in):
        return None
    email = str(st.user.get("email") or "")
    if st.session_state.get(OIDC_REFUSED_KEY) == email:
        return None  # refused (and audited) once in this session; do not audit every rerun
    result = data.login_oidc(email, st.user.get("email_verified"))
    if result.account is None:
        st.session_state[OIDC_REFUSED_KEY] = email
        st.session_state[NOTICE_KEY] = result.message
        return None
    _seat(result.account, data.start_session(result.account), "oidc")
    return result.account


def _redirect(url: str) -> None:
    """Send the browser to `url` at the start of the next run (see send_redirect).

    Log-out reruns the script at once; a redirect sent in the run that st.rerun
    interrupts was sometimes lost (the browser stayed, without its cookie), so it waits
    for the run that draws the page after it."""
    st.session_state[REDIRECT_KEY] = url


def send_redirect() -> None:
    """Send a redirect asked for by the run before, as st.login does (the front end sets
    window.location); the page goes on drawing meanwhile."""
    url = st.session_state.pop(REDIRECT_KEY, None)
    if url is None:
        return
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    ctx.enqueue(message)
    # The browser is leaving: drawing the page too would only hold up, in this process,
    # the run of the page it is going to (seconds at 2,000 prisons).
    st.stop()


def log_in(name: str, password: str) -> str | None:
    """A password log-in; None when it succeeded, else the sentence to show.

    The store audits the attempt before the session is granted; a store that cannot
    record it refuses the log-in with its own sentence.
    """
    try:
        if not password_login_enabled(secret=_secret(PASSWORD_LOGIN_SECRET)):
            # the form is not shown; this is a forged or stale request
            return _(PASSWORD_OFF)
        result = data.authenticate(name, password)
        if result.account is None:
            return result.message
        token = data.start_session(result.account)
        grant = sessions.make_grant(token, sessions.signing_key())
    except (StoreError, sessions.SessionSettingError, LoginSettingError) as exc:
        return str(exc)
    _seat(result.account, token, "password")
    st.session_state[GRANT_KEY] = grant
    return None


def ask_for_cookie() -> None:
    """Once after a password log-in: the page fetches the cookie route as a hidden image,
    which sets the HttpOnly cookie a reload resumes the session from (dashboard/web.py).

    The browser stays on its page and its link: nothing reloads, and the first chart is
    drawn by this very run."""
    grant = st.session_state.pop(GRANT_KEY, None)
    if grant is None:
        return
    url = html.escape(web.session_url(grant), quote=True)
    st.html(f'<img src="{url}" alt="" width="1" height="1" style="display:none">')


def log_out() -> None:
    method = st.session_state.get(METHOD_KEY)
    end_session(None)
    if method == "oidc" and oidc_configured() and st.user.is_logged_in:
        st.logout()
    else:
        _redirect(web.logout_url())


# ---------------------------------------------------------------- what is drawn


def login_form() -> None:
    """The log-in page: local account, or the organisation's OpenID Connect provider."""
    data.warm_up()
    st.title("prison-monitor")
    domains = " · ".join(translated(d, "title") for d in load_registry().domains)
    intro = _("Monitoring indicators for drug services in prisons. {domains}.")
    st.write(intro.format(domains=domains))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:  # may quote an identity provider's e-mail address: outside text
        st.warning(markup.text(notice))
    try:
        passwords = password_login_enabled(secret=_secret(PASSWORD_LOGIN_SECRET))
    except LoginSettingError as exc:
        st.error(str(exc))
        passwords = False
    if passwords:
        with st.form("login"):
            name = st.text_input(_("Username"))
            password = st.text_input(_("Password"), type="password")
            submitted = st.form_submit_button(_("Log in"), type="primary")
        if submitted:
            refused = log_in(name.strip(), password)
            if refused is None:
                st.rerun()
            st.error(refused)
    if oidc_configured():
        st.divider()
        if st.button(_("Log in with your organisation"), icon=":material/key:"):
            st.login()
    elif not passwords:
        st.error(_(NO_WAY_IN))
    _warm_chart_library()


# The key of the hidden container of the log-in page's empty chart (_warm_chart_library).
WARM_KEY = "pm_warm_charts"


def _warm_chart_library() -> None:
    """An empty, hidden Plotly chart on the log-in page: the browser fetches and evaluates
    the chart library (a second of a fresh browser's time) while the person types, not after
    they press "Log in". It shows nothing and holds no data."""
    with st.container(key=WARM_KEY):
        st.plotly_chart(go.Figure(), config={"staticPlot": True}, key="pm_warm_chart")
    st.html(f"<style>.st-key-{WARM_KEY} {{display: none;}}</style>")


def sidebar(account: Account) -> None:
    with st.sidebar:
        codes = markup.text(", ".join(sorted(account.prisons)))
        prisons = f" · {codes}" if account.prisons else ""
        # names may hold _ and other Markdown; markup.text shows them as typed
        st.caption(
            _("Logged in as **{name}** ({role}{prisons})").format(
                name=markup.text(account.name), role=account.role, prisons=prisons
            )
        )
        if st.button(_("Log out"), icon=":material/logout:"):
            log_out()
            st.rerun()
        ask_for_cookie()
