"""Upload a quarterly file: one verdict (as ingest would give it), the problems grouped, storing.

The verdict, the grouping of identical problems and what a new version
changed are core functions (store.verdict, data_contracts.issue_groups,
store.changes); this page shows them and asks the sender to confirm.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import auth, data, exports, markup
from data_contracts.issue_groups import grouped_issues
from data_contracts.periods import is_period, last_ended_quarter, period_label
from data_contracts.template import write_template
from i18n import _
from store.history import returned_to_sender, visible_history
from store.prisons import load_register
from store.verdict import ACCEPTED, REJECTED

REPLACES = "submission.replaces"
# The screen lists this many distinct problems; the report download holds every one.
SHOWN_GROUPS = 200
# Above this many stored prison-quarters (a back-fill), one line counts them.
SHOWN_VERSIONS = 10
# The returned prison-quarters listed above the upload (History lists every one).
SHOWN_RETURNED = 10


def render() -> None:
    account = auth.current_account()
    assert account is not None and account.may_submit_anything
    st.title(_("Upload a quarterly file"))
    st.caption(
        "CSV (comma, semicolon or tab), Excel (.xlsx: the sheet named 'data', else the first) "
        "or Parquet; at most 10 MiB and 100,000 rows; one row per prison, quarter and data "
        "element. Nothing is stored until you press 'Store the file'."
    )
    _returned(account)
    uploaded = st.file_uploader("Quarterly file", key="upload_file")
    if uploaded is not None:
        _check_and_store(uploaded.getvalue(), uploaded.name, account)
    st.divider()
    _template(account)


def _returned(account) -> None:  # type: ignore[no-untyped-def]
    """The prison-quarters the ministry returned to this sender, each with its comment."""
    returned = returned_to_sender(visible_history(data.history(), account, data.prison_countries()))
    if returned.height == 0:
        return
    lines = [
        f"- **{markup.text(r['prison_code'])} {r['period']}** (version {r['version']}): "
        f"{markup.text(r['comment'] or 'no comment')}"
        for r in returned.head(SHOWN_RETURNED).iter_rows(named=True)
    ]
    if returned.height > SHOWN_RETURNED:
        lines.append(f"- … and {returned.height - SHOWN_RETURNED:,} more (see History).")
    count = returned.height
    st.warning(
        f"The ministry returned {count:,} prison-quarter{'' if count == 1 else 's'} to you for "
        "correction. Send a corrected file for each (it replaces the returned version):\n\n"
        + "\n".join(lines)
    )


def _verdict_line(name: str, verdict) -> None:  # type: ignore[no-untyped-def]
    """The verdict in one alert. The file's name and the codes and quarters its cells hold
    are the sender's text, so each is shown escaped (dashboard.markup)."""
    report = verdict.report
    name = markup.text(name)
    prisons = ", ".join(markup.text(p) for p in report.prisons) or "–"
    periods = ", ".join(markup.text(p) for p in report.periods) or "–"
    summary = f"{report.rows:,} rows · prisons {prisons} · periods {periods}"
    warnings = len(report.warnings)
    if verdict.status == ACCEPTED:
        note = "no warnings" if not warnings else f"{warnings} warning(s) to read below"
        st.success(f"**{name}** meets the contract and can be stored ({note}). {summary}")
    elif verdict.status == REJECTED:
        st.error(
            f"**{name}** was rejected: {len(report.errors)} error(s), {warnings} warning(s). "
            f"Nothing was stored. {summary}"
        )
    else:
        st.error(f"**{name}** cannot be stored: {markup.text(verdict.reason)} {summary}")


def _issues(name: str, verdict) -> None:  # type: ignore[no-untyped-def]
    table = grouped_issues(verdict.report.issues)
    if table.height == 0:
        return
    st.subheader("What to fix" if verdict.report.errors else "Warnings")
    shown = table.drop("count").head(SHOWN_GROUPS)
    # a table, not a grid: every message shows whole; its cells are Markdown, and the
    # messages quote the file's cells
    st.table(markup.table_text(shown, ours=("severity", "rule")), hide_index=True)
    if table.height > SHOWN_GROUPS:
        st.caption(f"{SHOWN_GROUPS} of {table.height:,} problems shown; the report has all.")
    st.download_button(
        "Download the report (CSV)",
        exports.csv_bytes(table),
        file_name=f"{Path(name).stem}-report.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def _check_and_store(content: bytes, name: str, account) -> None:  # type: ignore[no-untyped-def]
    key = hashlib.sha256(content).hexdigest() + name
    if st.session_state.get("upload_key") != key:
        with st.spinner(f"Checking {markup.text(name)} against the contract…"):
            st.session_state["upload_checked"] = data.check_upload(content, name, account)
        st.session_state["upload_key"] = key
        st.session_state.pop("upload_outcome", None)
    verdict = st.session_state["upload_checked"]
    outcome = st.session_state.get("upload_outcome")
    if outcome is not None:
        _show_outcome(outcome)
        return
    _verdict_line(name, verdict)
    _issues(name, verdict)
    if verdict.status != ACCEPTED:
        return
    ready = True
    # the replacement has its own box below; every other warning is acknowledged here
    if [w for w in verdict.report.warnings if w.rule != REPLACES]:
        ready = st.checkbox(
            "I have read the warnings and the figures are right", key="ack_warnings"
        )
    replaced = data.replaced_by(verdict)
    replace = False
    if replaced:
        rows = [
            {
                "prison": code,
                "period": period_label(index),
                "current version": v["version"],
                "sent by": v["submitted_by"],
                "sent at": str(v["submitted_at"])[:19],
            }
            for (code, index), v in sorted(replaced.items())
        ]
        st.warning(
            "This file would replace accepted submission(s). The earlier versions stay in the "
            "history, but the indicators will use this file."
        )
        st.dataframe(pl.DataFrame(rows), hide_index=True)
        replace = st.checkbox(
            "Replace the accepted submission(s) with this file", key="ack_replace"
        )
        ready = ready and replace
    if st.button("Store the file", type="primary", disabled=not ready, icon=":material/save:"):
        bar = st.progress(0.0, text="Storing…")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{stage} {done}/{total}")

        outcome = data.store_upload(content, name, account, replace=replace, progress=progress)
        st.session_state["upload_outcome"] = outcome
        st.rerun()


def _show_outcome(outcome) -> None:  # type: ignore[no-untyped-def]
    if not outcome.stored:
        reason = outcome.refusal or "; ".join(i.message for i in outcome.report.errors)
        st.error(f"**{markup.text(outcome.report.file)}** was not stored: {markup.text(reason)}")
        return
    versions = data.stored_versions(outcome)
    if len(versions) > SHOWN_VERSIONS:
        st.success(
            f"**{markup.text(outcome.report.file)}**: {len(versions):,} prison-quarters stored. "
            "Every page shows them now."
        )
        return
    st.success(
        "; ".join(markup.text(v.headline) for v in versions)
        + f" (from **{markup.text(outcome.report.file)}**). Every page shows it now."
    )
    for v in versions:
        if v.version == 1:
            continue
        if v.changes.height == 0:
            st.info(f"{v.prison_code} {v.period}: no figure changed from version {v.version - 1}.")
            continue
        st.markdown(f"**What changed in {v.prison_code} {v.period} from version {v.version - 1}**")
        changes = v.changes.select(
            (pl.col("title") + " (" + pl.col("data_element") + ")").alias("data element"),
            _figure("old").alias(f"version {v.version - 1}"),
            _figure("new").alias(f"version {v.version}"),
        )
        st.table(changes, hide_index=True)  # the contract's titles and stored numbers only


def _figure(column: str) -> pl.Expr:
    """A stored value as text: whole numbers without '.0', empty as 'not reported'."""
    value = pl.col(column)
    return (
        pl.when(value.is_null())
        .then(pl.lit("not reported"))
        .when(value == value.floor())
        .then(value.cast(pl.Int64).cast(pl.String))
        .otherwise(value.cast(pl.String))
    )


def _template(account) -> None:  # type: ignore[no-untyped-def]
    st.subheader("Blank template")
    st.caption(
        "Every data element the prison reports (core and its modules), with its definition; "
        "fill in the value column."
    )
    codes = account.submittable(data.prison_countries())
    if not codes:
        st.info("The prison register is empty.")
        return
    default = period_label(last_ended_quarter(date.today()))
    col1, col2, col3 = st.columns(3)
    prison = col1.selectbox("Prison", codes, key="template_prison")
    period = col2.text_input("Quarter (YYYY-Qn)", value=default, key="template_period")
    fmt = col3.selectbox("Format", ["xlsx", "csv"], key="template_format")
    if not is_period(period):
        st.error(f"'{markup.text(period)}' is not a quarter written YYYY-Qn, e.g. {default}.")
        return
    with tempfile.TemporaryDirectory(prefix="pm-template-") as folder:
        path = Path(folder) / f"template.{fmt}"
        write_template(path, load_register(data.engine()).prisons[prison], period, fmt)
        content = path.read_bytes()
    file_name = f"{prison}_{period}.{fmt}"
    st.download_button(
        "Download the template",
        content,
        file_name=file_name,
        mime="text/csv"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
    st.caption(f"Saves as {file_name}")


render()
