"""Everything the pages read or write, and the one place where the dashboard caches.

Cached results are keyed by the store's data version (the database, its
newest upload id and upload count), read fresh on every run: a new
submission changes the key, so every page shows it at once, in this process
and in any other dashboard process sharing the database. (The key parameter
must not start with an underscore: Streamlit leaves such parameters out of
the cache key.)

Data frames are cached as resources (`FRAMES`), not as data: st.cache_data
pickles its value on every read, and unpickling the indicator table of 2,000
prisons x 40 quarters cost 0.43 s of every page run. A cached frame is
shared by every session, so nothing may change it in place (Polars methods
return new frames; tests/dashboard/test_data_cache.py checks that no
dashboard code calls one of Polars' in-place methods).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, timedelta

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from i18n import _
from store import accounts, sessions
from store.db import database_url, get_engine, require_schema
from store.history import latest_accepted_at, submission_history
from store.prisons import list_prisons, register_frame
from store.submissions import data_version

# Shared, never copied: see the module's docstring. Keyed like st.cache_data.
FRAMES = st.cache_resource


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = get_engine(url)
    require_schema(engine)
    return engine


def engine() -> Engine:
    return _engine(database_url())


# Where the session keeps the release its reader chose (dashboard.filters.release).
RELEASE_STATE = "pm_release"


def chosen_release() -> str | None:
    """The release the figures of this session come from (None: the latest data)."""
    return st.session_state.get(RELEASE_STATE)


def version() -> tuple[str, int, int]:
    """The cache key of everything stored but the reviews: the database with the state of
    its register and accounts (a register import or an account change shows at once; a
    log-in changes neither), the release the session reads (if any), its newest upload and
    its upload count. A review changes no figure, so the indicator pages keep their frames
    while the ministry reviews; what shows a review state is keyed by review_key()."""
    setup = accounts.setup_version(engine())
    release = chosen_release()
    read = "" if release is None else f"{RELEASE_MARK}{release}"
    return (f"{database_url()}|{setup}{read}", *data_version(engine()))


def review_key(key: tuple[str, int, int] | None = None) -> tuple[str, int, int]:
    """version() (or `key`, one the caller read) with the state of the reviews and locks:
    the key of what shows a review state (the queue, completeness, history)."""
    from store.review import review_version

    key = key or version()
    return (f"{key[0]}|reviews={review_version(engine())}", *key[1:])


RELEASE_MARK = "|release="


def _vintage_of(key: tuple[str, int, int]):  # type: ignore[no-untyped-def]
    """The vintage (store.vintage) a cache key reads: its release, else the latest data."""
    from store.vintage import LATEST, VintageError, resolve

    if RELEASE_MARK not in key[0]:
        return LATEST
    try:
        return resolve(engine(), key[0].split(RELEASE_MARK, 1)[1])
    except VintageError:  # removed since: nothing is ever removed, but never fail a page
        return LATEST


def vintage():  # type: ignore[no-untyped-def]
    """The vintage this session's figures come from (its release, else the latest data)."""
    return _vintage_of(version())


def releases() -> list[str]:
    """The release names, newest first (the release picker's choices)."""
    from store.releases import list_releases

    return [r.name for r in reversed(list_releases(engine()))]


# ---------------------------------------------------------------- accounts


class AccountChanged(Exception):
    """The logged-in account was changed, disabled or deleted since the session began.

    Raised before any write (and by auth.current_account); the app ends the session
    and shows the log-in page with one sentence.
    """


def authenticate(name: str, password: str) -> accounts.LoginResult:
    """A password log-in; the store throttles and audits it before handing the account back."""
    return accounts.authenticate(engine(), name, password)


def login_oidc(email: str, email_verified: object) -> accounts.LoginResult:
    """An OpenID Connect log-in; refused (and audited) unless the e-mail address is verified."""
    return accounts.login_oidc(engine(), email, email_verified)


def session_account(name: str, stamp: str) -> accounts.Account | None:
    """The account, read afresh: None once it changed, was disabled or deleted."""
    return accounts.session_account(engine(), name, stamp)


def start_session(account: accounts.Account) -> str:
    return sessions.start(engine(), account.name, account.stamp)


def resume_session(token: str, idle: timedelta) -> sessions.Session | None:
    return sessions.resume(engine(), token, idle)


def end_session(token: str) -> None:
    sessions.end(engine(), token)


def _still_current(account: accounts.Account) -> accounts.Account:
    """The account as the store has it now; AccountChanged if it may no longer act."""
    fresh = accounts.session_account(engine(), account.name, account.stamp)
    if fresh is None:
        raise AccountChanged(account.name)
    return fresh


# ---------------------------------------------------------------- register and history


@FRAMES(show_spinner=False, max_entries=4)
def _prisons(key: tuple[str, int, int]) -> pl.DataFrame:
    return register_frame(list_prisons(engine()))


def prisons() -> pl.DataFrame:
    return _prisons(version())


def prisons_seen(account: accounts.Account) -> pl.DataFrame:
    """The register's prisons of the countries `account` works for (authz.country)."""
    from store.reading_scope import prisons_in_scope

    return prisons_in_scope(prisons(), account, prison_countries())


def prison_countries() -> dict[str, str]:
    """Each registered prison's country by its code (for the core's authz.country rules)."""
    frame = prisons()
    return dict(zip(frame["prison_code"], frame["country"], strict=True))


@FRAMES(show_spinner=False, max_entries=4)
def _history(key: tuple[str, int, int]) -> pl.DataFrame:
    entries = submission_history(engine())
    schema = {
        "prison_code": pl.String,
        "period": pl.String,
        "version": pl.Int64,
        "status": pl.String,
        "submitted_by": pl.String,
        "submitted_at": pl.String,  # ISO 8601, made a time below
        "file_name": pl.String,
        "sha256": pl.String,
        "submission_id": pl.Int64,
        "upload_id": pl.Int64,
        "errors": pl.Int64,
        "warnings": pl.Int64,
        "refusal": pl.String,
        "reason": pl.String,
        "state": pl.String,
        "comment": pl.String,
    }
    frame = pl.DataFrame(entries, schema=schema)
    return frame.with_columns(pl.col("submitted_at").str.to_datetime(time_zone="UTC", format="%+"))


def history() -> pl.DataFrame:
    return _history(review_key())


# ---------------------------------------------------------------- indicators


# Streamlit takes the spinner's words at import, before any language: they stay English.
@FRAMES(show_spinner=False, max_entries=4)
def _full_table(key: tuple[str, int, int], benchmark: str) -> pl.DataFrame:
    """Every indicator, quarter, prison, region and the nation, unsuppressed (server side only)."""
    from indicators.compute import indicator_values
    from store.read import current_values
    from store.register_history import register_over_time

    vintage = _vintage_of(key)
    return indicator_values(
        current_values(engine(), vintage=vintage),
        register_over_time(engine(), vintage.moment),
        benchmark=benchmark,
    )


# What the indicator caches key a reader by: role, prisons and countries (never the name, so
# that every evaluator of the same countries shares one table).
ReaderKey = tuple[str, tuple[str, ...], tuple[str, ...]]


def _key_of(account: accounts.Account) -> ReaderKey:
    return account.role, tuple(sorted(account.prisons)), tuple(sorted(account.countries))


def _reader(who: ReaderKey) -> accounts.Account:
    role, prisons, countries = who
    return accounts.Account("reader", role, frozenset(prisons), countries=frozenset(countries))


def _in_scope(key: tuple[str, int, int], benchmark: str, who: ReaderKey) -> pl.DataFrame:
    """The unsuppressed table of the reader's countries (authz.country)."""
    from indicators.scope import in_scope

    return in_scope(_full_table(key, benchmark), _reader(who))


@FRAMES(show_spinner=False, max_entries=64)
def _table_for(key: tuple[str, int, int], benchmark: str, who: ReaderKey) -> pl.DataFrame:
    from indicators.scope import seen_by

    return seen_by(_full_table(key, benchmark), _reader(who), benchmark=benchmark)


def indicator_table(account: accounts.Account, benchmark: str = "national") -> pl.DataFrame:
    """The table of spec §6 at every level, as `account` may see it: its countries, the
    levels its role reads, suppressed where due. (st.spinner shows only after half a second:
    a cached table shows none; its words are the reader's language, as a cache decorator's
    fixed text could not be.)"""
    with st.spinner(_("Computing the indicators…")):
        return _table_for(version(), benchmark, _key_of(account))


@st.cache_data(show_spinner=False, max_entries=1)
def _warm(key: tuple[str, int, int]) -> bool:
    # nested in a cached function: no spinner, and no script run is needed
    _full_table(key, "national")
    _history(key)
    return True


_warming: set[tuple[str, int, int]] = set()
_warming_lock = threading.Lock()


def warm_up() -> None:
    """Start computing the indicator table in the background, once per data version.

    The log-in form calls it, and so does a stored upload: the first person of the
    day types their password while the table (seconds at 2,000 prisons x 40
    quarters) and the submission history are computed, and after an upload they
    are recomputed while its sender reads the confirmation. A page that needs them
    meanwhile waits for this computation (Streamlit's per-value compute lock)
    rather than repeating it.
    """
    try:
        key = version()
    except Exception:  # no database yet: the pages say so; nothing to warm
        return
    with _warming_lock:
        if key in _warming:
            return
        _warming.add(key)

    # Imported here, before the thread: plotly finds numpy through sys.modules, so a chart
    # drawn while the thread is still importing it met a half-initialised numpy (an error on
    # a server's very first page).
    import numpy  # noqa: F401

    def run() -> None:
        try:
            _warm(key)
        except Exception:  # the page that needs the table reports the problem itself
            logging.getLogger(__name__).warning("warming the indicator table failed", exc_info=True)

    threading.Thread(target=run, name="prison-monitor-warm-up", daemon=True).start()


def funnel(
    account: accounts.Account,
    indicator: str,
    period: str,
    benchmark: str = "national",
    overdispersion: str = "none",
) -> pl.DataFrame:
    """Funnel data of one indicator and quarter against the chosen benchmark (one funnel per
    region when by region), computed on all prisons, shown as ``account`` may see it."""
    from indicators.funnel import funnel_data

    full = _in_scope(version(), benchmark, _key_of(account))
    shown = indicator_table(account, benchmark)
    return funnel_data(
        full,
        indicator,
        period,
        shown=shown,
        benchmark=benchmark,  # type: ignore[arg-type]
        overdispersion=overdispersion,  # type: ignore[arg-type]
    )


@FRAMES(show_spinner=False, max_entries=16)
def _international(key: tuple[str, int, int], benchmark: str, who: ReaderKey) -> pl.DataFrame:
    from indicators.international import international_rows

    full = _in_scope(key, benchmark, who)
    # a reader of unsuppressed aggregates sees the pooled rows unsuppressed (as the command
    # line's unsuppressed table); anyone else as its national rows are shown
    if _reader(who).sees_unsuppressed(None):
        return international_rows(full)
    return international_rows(full, _table_for(key, benchmark, who))


def international(account: accounts.Account, benchmark: str = "national") -> pl.DataFrame:
    """The international rows (the pooled figure of the countries `account` sees), suppressed
    as that account's national rows are."""
    return _international(version(), benchmark, _key_of(account))


@FRAMES(show_spinner=False, max_entries=16)
def _pooled(key: tuple[str, int, int], benchmark: str, who: ReaderKey) -> pl.DataFrame:
    from indicators.pooling import rolling_pool
    from indicators.scope import levels_read
    from indicators.suppression import seen_unsuppressed

    full = _in_scope(key, benchmark, who)
    reader = _reader(who)
    sees_all = full.height == 0 or full.select(seen_unsuppressed(full, reader).all()).item()
    shown = None if sees_all else _table_for(key, benchmark, who)
    pooled = rolling_pool(full, shown=shown, benchmark=benchmark)  # type: ignore[arg-type]
    return levels_read(pooled, reader)


def pooled(account: accounts.Account, benchmark: str = "national") -> pl.DataFrame:
    """The indicator table pooled over rolling four quarters, as ``account`` may see it."""
    return _pooled(version(), benchmark, _key_of(account))


@FRAMES(show_spinner=False, max_entries=64)
def _trends(key: tuple[str, int, int], benchmark: str, who: ReaderKey, last: str) -> pl.DataFrame:
    from indicators.compute import recent_trends

    return recent_trends(_table_for(key, benchmark, who), last=last)


def trends(account: accounts.Account, last: str, benchmark: str = "national") -> pl.DataFrame:
    return _trends(version(), benchmark, _key_of(account), last)


@st.cache_data(show_spinner=False, max_entries=4)
def _as_of(key: tuple[str, int, int]) -> str | None:
    vintage = _vintage_of(key)
    if not vintage.latest:
        return vintage.describe()
    newest = latest_accepted_at(engine())
    return None if newest is None else newest.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def data_as_of() -> str:
    """When the newest accepted file was stored, or the release read: the provenance printed
    on every export (its words in the reader's language: not cached)."""
    return _as_of(version()) or _("no data yet")
