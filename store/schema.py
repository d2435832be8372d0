"""The database tables, in SQLAlchemy Core.

Append-only by design: an upload, a submission and its values are written
once and never updated or deleted. Which submission of a prison-quarter is
current is derived (the highest version), not stored, so a supersession is
one insert, and concurrent ingests can only collide on the unique version
number, never overwrite each other.

Migrations in store/migrations/ create these tables; this module is what the
code reads and writes through.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

prisons = Table(
    "prisons",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("prison_type", Text),
    Column("opened", String(7)),
    Column("closed", String(7)),
    # the modules beyond core (submission-format §5), in the contract's order, joined by ';'
    Column("modules", Text, nullable=False, server_default=""),
    Column("peer_group", Text),
    # ISO 3166-1 alpha-2 (international.md §1); rows stored before it: default_country
    Column("country", String(2), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text),
    Column("email", String(320), unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # a disabled account cannot log in and its sessions end; nothing is deleted
    Column("disabled", Boolean, nullable=False, server_default=false()),
    # the language the person reads the dashboard in (international.md §3); None: the default
    Column("language", String(8)),
)

user_prisons = Table(
    "user_prisons",
    metadata,
    Column("user_name", String(100), ForeignKey("users.name"), primary_key=True),
    Column("prison_code", String(20), ForeignKey("prisons.code"), primary_key=True),
)

# The countries an account works for (international.md §2); none: every country.
user_countries = Table(
    "user_countries",
    metadata,
    Column("user_name", String(100), ForeignKey("users.name"), primary_key=True),
    Column("country", String(2), primary_key=True),
)

uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("submitted_by", String(100), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("accepted", Boolean, nullable=False),
    Column("report", Text, nullable=False),  # the validation report, JSON
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("prison_code", String(20), nullable=False),
    Column("period", String(7), nullable=False),
    Column("period_index", Integer, nullable=False),
    # 1, 2, ... per prison-quarter for accepted submissions; null for a rejected attempt
    Column("version", Integer),
    Column("accepted", Boolean, nullable=False),
    UniqueConstraint("prison_code", "period_index", "version", name="uq_submission_version"),
)
Index("ix_submissions_quarter", submissions.c.period_index, submissions.c.prison_code)

submission_values = Table(
    "submission_values",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("data_element", String(40), primary_key=True),
    Column("value", Float),  # null: not reported
    Column("note", Text),
    Column("row", Integer, nullable=False),
)

# The review of each prison-quarter (governance.md §1), one row per action, never updated: its
# state is that of the latest action on its current submission (store/review.py).
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("prison_code", String(20), nullable=False),
    Column("period", String(7), nullable=False),
    Column("period_index", Integer, nullable=False),
    Column("action", String(20), nullable=False),  # approve, return or reopen
    Column("actor", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("comment", Text),  # the reviewer's comment, or the reason of a reopen
)
Index("ix_reviews_quarter", reviews.c.prison_code, reviews.c.period_index)

# Locked quarters (governance.md §2), one row per lock or unlock: locked while the latest says so.
period_locks = Table(
    "period_locks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(7), nullable=False),
    Column("period_index", Integer, nullable=False),
    Column("action", String(20), nullable=False),  # lock or unlock
    Column("actor", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),
)
Index("ix_period_locks_quarter", period_locks.c.period_index)

# Releases (governance.md §3): a name, who, when, and the exact submissions current then.
releases = Table(
    "releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

release_submissions = Table(
    "release_submissions",
    metadata,
    Column("release_id", Integer, ForeignKey("releases.id"), primary_key=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
)

# Every version of each prison's register entry (governance.md §5), never updated: the entry
# that applies to a quarter is the newest recorded one whose effective_from is not after it
# (null: from the first quarter); `prisons` above is the register as it is now.
register_history = Table(
    "register_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(20), nullable=False),
    Column("effective_from", String(7)),
    Column("effective_from_index", Integer),
    Column("name", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("prison_type", Text),
    Column("opened", String(7)),
    Column("closed", String(7)),
    Column("modules", Text, nullable=False, server_default=""),
    Column("peer_group", Text),
    # ISO 3166-1 alpha-2 (international.md §1); rows stored before it: default_country
    Column("country", String(2), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", Text, nullable=False),
)
Index("ix_register_history_code", register_history.c.code, register_history.c.recorded_at)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False),  # JSON
)
Index("ix_audit_at", audit_log.c.at)

# Failed log-ins per name typed (known or not, so the answer does not tell names apart), shared
# by every dashboard process; the key is the sha256 of the name, so any text typed fits.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("name_key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)
Index("ix_login_attempts_last", login_attempts.c.last_failure_at)

# Dashboard sessions, server-side (store/sessions.py): only the sha256 of the token is kept; a
# session is valid while not ended, not idle too long, and its stamp is the account's stamp.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(100), ForeignKey("users.name"), nullable=False),
    Column("stamp", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    # When the cookie route set this session's cookie: a grant is redeemed once.
    Column("cookie_granted_at", DateTime(timezone=True)),
)
