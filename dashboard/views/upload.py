"""Upload a quarterly file: see what the contract says, acknowledge warnings, confirm replacing."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import auth, data, exports
from data_contracts.periods import is_period, last_ended_quarter, period_label
from data_contracts.report import ValidationReport
from data_contracts.template import write_template


def issues_table(report: ValidationReport) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "severity": i.severity,
                "row": i.row,
                "column": i.column,
                "prison": i.prison_code,
                "period": i.period,
                "data element": i.data_element,
                "what to fix": i.message,
                "rule": i.rule,
            }
            for i in report.issues
        ],
        schema={
            "severity": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "prison": pl.String,
            "period": pl.String,
            "data element": pl.String,
            "what to fix": pl.String,
            "rule": pl.String,
        },
    )


def render() -> None:
    account = auth.current_account()
    assert account is not None and account.may_submit_anything
    st.title("Upload a quarterly file")
    st.caption(
        "CSV (comma, semicolon or tab), Excel (.xlsx: the sheet named 'data', else the first) "
        "or Parquet; at most 10 MiB and 100,000 rows; one row per prison, quarter and data "
        "element. Nothing is stored until you press 'Store the file'."
    )
    uploaded = st.file_uploader("Quarterly file", key="upload_file")
    if uploaded is not None:
        _check_and_store(uploaded.getvalue(), uploaded.name, account)
    st.divider()
    _template(account)


def _check_and_store(content: bytes, name: str, account) -> None:  # type: ignore[no-untyped-def]
    key = hashlib.sha256(content).hexdigest() + name
    if st.session_state.get("upload_key") != key:
        with st.spinner(f"Checking {name} against the contract…"):
            st.session_state["upload_checked"] = data.check_upload(content, name)
        st.session_state["upload_key"] = key
        st.session_state.pop("upload_outcome", None)
    checked = st.session_state["upload_checked"]
    report = checked.report
    outcome = st.session_state.get("upload_outcome")
    if outcome is not None:
        _show_outcome(outcome)
        return
    summary = (
        f"{report.rows:,} rows · prisons {', '.join(report.prisons) or '–'} · "
        f"periods {', '.join(report.periods) or '–'}"
    )
    if report.accepted:
        st.success(f"**{name}** meets the contract ({len(report.warnings)} warning(s)). {summary}")
    else:
        st.error(
            f"**{name}** was rejected: {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s). Nothing was stored. {summary}"
        )
    if report.issues:
        table = issues_table(report)
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(
            "Download the report (CSV)",
            exports.csv_bytes(table),
            file_name=f"{Path(name).stem}-report.csv",
            mime="text/csv",
            icon=":material/download:",
        )
    foreign = [p for p in report.prisons if not account.may_submit(p)]
    if foreign:
        st.error(
            f"You may not submit figures for {', '.join(foreign)}: storing this file will be "
            "refused. Send a file that holds only your own prison's rows."
        )
    if not report.accepted or foreign:
        return
    ready = True
    if report.warnings:
        ready = st.checkbox(
            "I have read the warnings and the figures are right", key="ack_warnings"
        )
    replaced = data.replaced_by(checked)
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
    if outcome.stored:
        st.success(
            f"**{outcome.report.file}** was stored as submission(s) "
            f"{', '.join(str(i) for i in outcome.submission_ids)}. Every page shows it now."
        )
    else:
        reason = outcome.refusal or "; ".join(i.message for i in outcome.report.errors)
        st.error(f"**{outcome.report.file}** was not stored: {reason}")


def _template(account) -> None:  # type: ignore[no-untyped-def]
    st.subheader("Blank template")
    st.caption("Every data element with its definition; fill in the value column.")
    prisons = data.prisons()
    codes = (
        sorted(account.prisons) if account.role == "director" else prisons["prison_code"].to_list()
    )
    if not codes:
        st.info("The prison register is empty.")
        return
    default = period_label(last_ended_quarter(date.today()))
    col1, col2, col3 = st.columns(3)
    prison = col1.selectbox("Prison", codes, key="template_prison")
    period = col2.text_input("Quarter (YYYY-Qn)", value=default, key="template_period")
    fmt = col3.selectbox("Format", ["xlsx", "csv"], key="template_format")
    if not is_period(period):
        st.error(f"'{period}' is not a quarter written YYYY-Qn, e.g. {default}.")
        return
    with tempfile.TemporaryDirectory(prefix="pm-template-") as folder:
        path = Path(folder) / f"template.{fmt}"
        write_template(path, prison, period, fmt)
        content = path.read_bytes()
    st.download_button(
        "Download the template",
        content,
        file_name=f"{prison}_{period}.{fmt}",
        mime="text/csv"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )


render()
