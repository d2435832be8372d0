"""The dashboard's own web routes and headers, mounted on Streamlit's server by dashboard/server.py.

A Streamlit script talks to the browser over a WebSocket and cannot set a cookie, so
two plain routes do what a script cannot: `/_pm/session` turns a one-time grant of
the logged-in page (fetched as a hidden image, so the page stays) into an HttpOnly
session cookie (a reload then logs the person back in), and `/_pm/logout` ends that
session and clears the cookie. The security headers
(no framing by other sites, a content security policy that Streamlit's page keeps
working under, no MIME sniffing, no referrer to other sites) are added to every
response. No Streamlit import: this runs in the server, outside any script run.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
from importlib.resources import files
from urllib.parse import quote

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store import sessions
from store.db import StoreError, get_engine

COOKIE = "pm_session"
SESSION_PATH = "/_pm/session"
LOGOUT_PATH = "/_pm/logout"
HOME = "/"
# Where a redirect may lead: a path of this site only (no scheme, no //host, no backslash).
SAFE_NEXT = re.compile(r"^/(?![/\\])[^\\\s]*$")
# Where log-out may send the browser back to: a page's path, not a link of any length.
MAX_NEXT_CHARS = 2000


def _inline_script_hashes() -> list[str]:
    """CSP hashes of the inline scripts in Streamlit's own index.html (one, today).

    Read from the installed page, so a Streamlit upgrade that changes them keeps working
    without 'unsafe-inline' for scripts.
    """
    page = files("streamlit").joinpath("static", "index.html").read_text(encoding="utf-8")
    bodies = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode("utf-8")).digest()).decode() + "'"
        for b in bodies
    ]


# Streamlit styles its widgets with inline styles (emotion) and draws images and
# fonts from data: and blob: URLs; charts (plotly) need neither eval nor other hosts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' " + " ".join(_inline_script_hashes()),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware: the headers of SECURITY_HEADERS on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_next(value: str | None) -> str:
    """Where to send the browser back to: the page it came from, if it is one of ours."""
    if value and len(value) <= MAX_NEXT_CHARS and SAFE_NEXT.match(value):
        return value
    return HOME


def _https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _redirect(target: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def session_route(request: Request) -> Response:
    """Redeem a grant of the logged-in page: its session token goes into the cookie.

    The page asks for this URL as a hidden image, so the browser stays where it is and
    the answer is empty (204); only its cookie matters. A grant is redeemed once and
    only while its session is live. Sync on purpose: Starlette runs it in a worker
    thread, so the store's blocking calls never hold up the event loop that serves
    every WebSocket.
    """
    try:
        token = sessions.read_grant(request.query_params.get("grant", ""), sessions.signing_key())
        granted = bool(token) and sessions.grant_cookie(get_engine(), token)
    except (StoreError, sessions.SessionSettingError):
        granted = False  # the page stays logged in; only a reload would ask again
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if granted:
        response.set_cookie(
            COOKIE,
            token,
            path=HOME,
            httponly=True,
            samesite="strict",
            secure=_https(request),
        )
    return response


def logout_route(request: Request) -> RedirectResponse:
    """End the cookie's session in the store and clear the cookie; then the log-in page."""
    token = request.cookies.get(COOKIE, "")
    with contextlib.suppress(StoreError):  # the cookie goes anyway; the page says the rest
        sessions.end(get_engine(), token)
    response = _redirect(safe_next(request.query_params.get("next")))
    response.delete_cookie(COOKIE, path=HOME, httponly=True, samesite="strict")
    return response


def session_url(grant: str) -> str:
    return f"{SESSION_PATH}?grant={quote(grant, safe='')}"


def logout_url(back_to: str = HOME) -> str:
    return f"{LOGOUT_PATH}?next={quote(safe_next(back_to), safe='')}"


ROUTES = [
    Route(SESSION_PATH, session_route, methods=["GET"]),
    Route(LOGOUT_PATH, logout_route, methods=["GET"]),
]
MIDDLEWARE = [Middleware(SecurityHeaders)]
