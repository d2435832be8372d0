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

from dashboard import auth, data, exports, markup, upload_data
from data_contracts.issue_groups import grouped_issues
from data_contracts.periods import is_period, last_ended_quarter, period_label
from data_contracts.template import write_template
from i18n import _, ngettext
from i18n.formats import number
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
        _(
            "CSV (comma, semicolon or tab), Excel (.xlsx: the sheet named 'data', else the "
            "first) or Parquet; at most 10 MiB and 100,000 rows; one row per prison, quarter "
            "and data element. Nothing is stored until you press 'Store the file'."
        )
    )
    _returned(account)
    uploaded = st.file_uploader(_("Quarterly file"), key="upload_file")
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
        _("- **{prison} {period}** (version {version}): {comment}").format(
            prison=markup.text(r["prison_code"]),
            period=r["period"],
            version=r["version"],
            comment=markup.text(r["comment"] or _("no comment")),
        )
        for r in returned.head(SHOWN_RETURNED).iter_rows(named=True)
    ]
    if returned.height > SHOWN_RETURNED:
        lines.append(
            _("- … and {count} more (see History).").format(
                count=number(returned.height - SHOWN_RETURNED)
            )
        )
    count = returned.height
    st.warning(
        ngettext(
            "The ministry returned {count} prison-quarter to you for correction.",
            "The ministry returned {count} prison-quarters to you for correction.",
            count,
        ).format(count=number(count))
        + " "
        + _("Send a corrected file for each (it replaces the returned version):")
        + "\n\n"
        + "\n".join(lines)
    )


def _verdict_line(name: str, verdict) -> None:  # type: ignore[no-untyped-def]
    """The verdict in one alert. The file's name and the codes and quarters its cells hold
    are the sender's text, so each is shown escaped (dashboard.markup)."""
    report = verdict.report
    name = markup.text(name)
    prisons = ", ".join(markup.text(p) for p in report.prisons) or "–"
    periods = ", ".join(markup.text(p) for p in report.periods) or "–"
    summary = _("{rows} rows · prisons {prisons} · periods {periods}").format(
        rows=number(report.rows), prisons=prisons, periods=periods
    )
    warnings = len(report.warnings)
    if verdict.status == ACCEPTED:
        note = (
            _("no warnings")
            if not warnings
            else ngettext(
                "{count} warning to read below", "{count} warnings to read below", warnings
            ).format(count=number(warnings))
        )
        st.success(
            _("**{file}** meets the contract and can be stored ({note}).").format(
                file=name, note=note
            )
            + " "
            + summary
        )
    elif verdict.status == REJECTED:
        st.error(
            _("**{file}** was rejected: {errors}, {warnings}.").format(
                file=name,
                errors=ngettext("{count} error", "{count} errors", len(report.errors)).format(
                    count=number(len(report.errors))
                ),
                warnings=ngettext("{count} warning", "{count} warnings", warnings).format(
                    count=number(warnings)
                ),
            )
            + " "
            + _("Nothing was stored.")
            + " "
            + summary
        )
    else:
        st.error(
            _("**{file}** cannot be stored: {reason}").format(
                file=name, reason=markup.text(verdict.reason)
            )
            + " "
            + summary
        )


def _issues(name: str, verdict) -> None:  # type: ignore[no-untyped-def]
    table = grouped_issues(verdict.report.issues)
    if table.height == 0:
        return
    st.subheader(_("What to fix") if verdict.report.errors else _("Warnings"))
    shown = table.drop("count").head(SHOWN_GROUPS)
    # a table, not a grid: every message shows whole; its cells are Markdown, and the
    # messages quote the file's cells
    headed = markup.table_text(shown, ours=("severity", "rule"))
    st.table(headed.rename({c: _(c) for c in headed.columns}), hide_index=True)
    if table.height > SHOWN_GROUPS:
        st.caption(
            _("{shown} of {count} problems shown; the report has all.").format(
                shown=SHOWN_GROUPS, count=number(table.height)
            )
        )
    st.download_button(
        _("Download the report (CSV)"),
        exports.csv_bytes(table),
        file_name=f"{Path(name).stem}-report.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def _check_and_store(content: bytes, name: str, account) -> None:  # type: ignore[no-untyped-def]
    key = hashlib.sha256(content).hexdigest() + name
    if st.session_state.get("upload_key") != key:
        with st.spinner(_("Checking {file} against the contract…").format(file=markup.text(name))):
            st.session_state["upload_checked"] = upload_data.check_upload(content, name, account)
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
            _("I have read the warnings and the figures are right"), key="ack_warnings"
        )
    replaced = upload_data.replaced_by(verdict)
    replace = False
    if replaced:
        rows = [
            {
                _("prison"): code,
                _("period"): period_label(index),
                _("current version"): v["version"],
                _("sent by"): v["submitted_by"],
                _("sent at"): str(v["submitted_at"])[:19],
            }
            for (code, index), v in sorted(replaced.items())
        ]
        st.warning(
            ngettext(
                "This file would replace an accepted submission.",
                "This file would replace accepted submissions.",
                len(replaced),
            )
            + " "
            + _("The earlier versions stay in the history, but the indicators will use this file.")
        )
        st.dataframe(pl.DataFrame(rows), hide_index=True)
        replace = st.checkbox(
            ngettext(
                "Replace the accepted submission with this file",
                "Replace the accepted submissions with this file",
                len(replaced),
            ),
            key="ack_replace",
        )
        ready = ready and replace
    if st.button(_("Store the file"), type="primary", disabled=not ready, icon=":material/save:"):
        bar = st.progress(0.0, text=_("Storing…"))

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(
                min(done / max(total, 1), 1.0),
                text=_("{stage} {done}/{total}").format(stage=stage, done=done, total=total),
            )

        outcome = upload_data.store_upload(
            content, name, account, replace=replace, progress=progress
        )
        st.session_state["upload_outcome"] = outcome
        st.rerun()


def _show_outcome(outcome) -> None:  # type: ignore[no-untyped-def]
    if not outcome.stored:
        reason = outcome.refusal or "; ".join(i.message for i in outcome.report.errors)
        st.error(
            _("**{file}** was not stored: {reason}").format(
                file=markup.text(outcome.report.file), reason=markup.text(reason)
            )
        )
        return
    versions = upload_data.stored_versions(outcome)
    if len(versions) > SHOWN_VERSIONS:
        st.success(
            _("**{file}**: {count} prison-quarters stored. Every page shows them now.").format(
                file=markup.text(outcome.report.file), count=number(len(versions))
            )
        )
        return
    st.success(
        "; ".join(markup.text(v.headline) for v in versions)
        + " "
        + _("(from **{file}**). Every page shows it now.").format(
            file=markup.text(outcome.report.file)
        )
    )
    for v in versions:
        if v.version == 1:
            continue
        if v.changes.height == 0:
            st.info(
                _("{prison} {period}: no figure changed from version {version}.").format(
                    prison=v.prison_code, period=v.period, version=v.version - 1
                )
            )
            continue
        st.markdown(
            _("**What changed in {prison} {period} from version {version}**").format(
                prison=v.prison_code, period=v.period, version=v.version - 1
            )
        )
        changes = v.changes.select(
            (pl.col("title") + " (" + pl.col("data_element") + ")").alias(_("data element")),
            _figure("old").alias(_("version {version}").format(version=v.version - 1)),
            _figure("new").alias(_("version {version}").format(version=v.version)),
        )
        st.table(changes, hide_index=True)  # the contract's titles and stored numbers only


def _figure(column: str) -> pl.Expr:
    """A stored value as text: whole numbers without '.0', empty as 'not reported'."""
    value = pl.col(column)
    return (
        pl.when(value.is_null())
        .then(pl.lit(_("not reported")))
        .when(value == value.floor())
        .then(value.cast(pl.Int64).cast(pl.String))
        .otherwise(value.cast(pl.String))
    )


def _template(account) -> None:  # type: ignore[no-untyped-def]
    st.subheader(_("Blank template"))
    st.caption(
        _(
            "Every data element the prison reports (core and its modules), with its "
            "definition; fill in the value column."
        )
    )
    codes = account.submittable(data.prison_countries())
    if not codes:
        st.info(_("The prison register is empty."))
        return
    default = period_label(last_ended_quarter(date.today()))
    col1, col2, col3 = st.columns(3)
    prison = col1.selectbox(_("Prison"), codes, key="template_prison")
    period = col2.text_input(_("Quarter (YYYY-Qn)"), value=default, key="template_period")
    fmt = col3.selectbox(_("Format"), ["xlsx", "csv"], key="template_format")
    if not is_period(period):
        st.error(
            _("'{text}' is not a quarter written YYYY-Qn, e.g. {example}.").format(
                text=markup.text(period), example=default
            )
        )
        return
    with tempfile.TemporaryDirectory(prefix="pm-template-") as folder:
        path = Path(folder) / f"template.{fmt}"
        write_template(path, load_register(data.engine()).prisons[prison], period, fmt)
        content = path.read_bytes()
    file_name = f"{prison}_{period}.{fmt}"
    st.download_button(
        _("Download the template"),
        content,
        file_name=file_name,
        mime="text/csv"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
    st.caption(_("Saves as {file}").format(file=file_name))


render()
