"""Administration (governance.md §5), for the ministry: add and change accounts (role,
prisons, e-mail, a new password), disable and enable them; import a register file with a
preview of what it changes and the quarter the changes apply from.

Thin: dashboard.admin_data does each write as the account the store has now, through the
same core as `prison-monitor users` and `prisons import`; a rule that refuses comes back as
its one sentence.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import admin_data, auth, data, markup
from dashboard.admin_data import LEAST_ROLE, NEW_ACCOUNT, field_key
from dashboard.tables import column_config
from i18n import _, ngettext
from i18n.formats import number
from store.accounts import MIN_PASSWORD_LENGTH, ROLES
from store.prisons import default_effective_from, effective_from_choices

DONE_KEY = "admin_done"  # the sentence saying what the last change did, shown once


def render() -> None:
    account = auth.current_account()
    assert account is not None and account.manages
    st.title(_("Administration"))
    st.caption(
        _(
            "Accounts and the prison register. Every change is kept in the audit trail with who "
            "made it; the command line (`prison-monitor users`, `prison-monitor prisons import`) "
            "has the same powers."
        )
    )
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done)
    accounts_tab, register_tab = st.tabs([_("Accounts"), _("Prison register")])
    with accounts_tab:
        _accounts(account)
    with register_tab:
        _register(account)


def _finish(outcome: admin_data.Done, *, forget: str | None = None) -> None:
    """Show what a change did (after a rerun, so every table shows it) or why not; `forget`:
    a widget to empty once done (the password typed)."""
    if outcome.ok:
        st.session_state[DONE_KEY] = markup.text(outcome.sentence)
        if forget is not None:
            st.session_state.pop(forget, None)
        st.rerun()
    st.error(markup.text(outcome.sentence))


def _accounts(account) -> None:  # type: ignore[no-untyped-def]
    table = admin_data.account_table(account)
    st.dataframe(table, hide_index=True, width="stretch", column_config=column_config(table, None))
    names = [NEW_ACCOUNT, *table["name"]]
    chosen = st.selectbox(
        _("Account to add or change"),
        names,
        key="admin_account",
        format_func=lambda n: _(n) if n == NEW_ACCOUNT else n,
    )
    existing = None if chosen == NEW_ACCOUNT else admin_data.get_account(chosen)
    codes = data.prisons_seen(account)["prison_code"].to_list()
    with st.form(key=f"admin_form_{chosen}"):
        name = chosen
        if existing is None:
            name = st.text_input(_("Account name"), key=field_key("name", chosen))
        role = st.selectbox(
            _("Role"),
            ROLES,
            # a new account starts with the role that may do least
            index=ROLES.index(existing.role if existing else LEAST_ROLE),
            key=field_key("role", chosen),
        )
        prisons = st.multiselect(
            _("Prisons (directors only: the prisons they submit for and see unsuppressed)"),
            codes,
            default=sorted(existing.prisons) if existing else [],
            key=field_key("prisons", chosen),
        )
        countries = st.multiselect(
            _(
                "Countries (ministry and evaluator accounts: the countries they work for; none: "
                "every country)"
            ),
            sorted(account.countries) or sorted(set(data.prison_countries().values())),
            default=sorted(existing.countries) if existing else [],
            key=field_key("countries", chosen),
        )
        email = st.text_input(
            _("E-mail (optional: the address an OpenID Connect log-in maps to)"),
            value=(existing.email or "") if existing else "",
            key=field_key("email", chosen),
        )
        password = st.text_input(
            _("New password") if existing else _("Password"),
            type="password",
            key=field_key("password", chosen),
            help=_(
                "At least {count} characters, not a common password and not the account's name."
            ).format(count=number(MIN_PASSWORD_LENGTH))
            + " "
            + (
                _("Empty: the current password stays. A new password ends the account's sessions.")
                if existing
                else _("Empty: the account can log in only through OpenID Connect.")
            ),
        )
        label = _("Save the changes") if existing else _("Add the account")
        if st.form_submit_button(label, type="primary"):
            _finish(
                admin_data.save_account(
                    account,
                    name,
                    role,
                    prisons=prisons,
                    password=password,
                    email=email,
                    countries=countries,
                ),
                forget=field_key("password", chosen),
            )
    if existing is not None:
        if existing.disabled:
            st.caption(
                _("{account} is disabled: it cannot log in.").format(
                    account=markup.text(existing.name)
                )
            )
            if st.button(_("Enable the account"), key=f"admin_enable_{existing.name}"):
                _finish(admin_data.set_disabled(account, existing.name, False))
        else:
            st.caption(
                _(
                    "Disabling an account ends its sessions and stops its log-ins; its history "
                    "and audit entries stay."
                )
            )
            if st.button(_("Disable the account"), key=f"admin_disable_{existing.name}"):
                _finish(admin_data.set_disabled(account, existing.name, True))


def _register(account) -> None:  # type: ignore[no-untyped-def]
    current = admin_data.register_table(account)
    st.caption(
        ngettext(
            "{count} prison in the register.", "{count} prisons in the register.", current.height
        ).format(count=number(current.height))
        + " "
        + _(
            "To change it, download it, edit it and upload it here: you see what it changes "
            "before anything is applied."
        )
    )
    st.dataframe(
        current, hide_index=True, width="stretch", column_config=column_config(current, None)
    )
    st.download_button(
        _("Download the register (CSV)"),
        admin_data.register_file(account),
        file_name="register.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    uploaded = st.file_uploader(_("Register file (CSV)"), type=["csv"], key="admin_register")
    if uploaded is None:
        return
    prisons, issues = admin_data.read_register_upload(uploaded.getvalue())
    if issues:
        st.error(
            ngettext(
                "**{file}** cannot be imported: {count} problem.",
                "**{file}** cannot be imported: {count} problems.",
                len(issues),
            ).format(file=markup.text(uploaded.name), count=number(len(issues)))
            + " "
            + _("Nothing was changed; fix them and upload the file again.")
        )
        rows = [{_("row"): i.row, _("column"): i.column, _("problem"): i.message} for i in issues]
        st.table(markup.table_text(pl.DataFrame(rows)), hide_index=True)
        return
    preview = admin_data.preview_register(prisons)
    st.info(
        _("**{file}**: {summary}").format(
            file=markup.text(uploaded.name), summary=preview.summary()
        )
    )
    if not preview.changes_anything:
        st.caption(_("The register already holds this file; there is nothing to apply."))
        return
    changes = pl.DataFrame(preview.rows(), infer_schema_length=None).with_columns(
        pl.all().fill_null("")
    )
    st.dataframe(
        changes, hide_index=True, width="stretch", column_config=column_config(changes, None)
    )
    choices = effective_from_choices()
    since = st.selectbox(
        _("The changes apply from"),
        choices,
        index=choices.index(default_effective_from()),
        key="admin_from",
        help=_(
            "Figures of earlier quarters keep the entry each prison had then; new prisons "
            "apply from the start."
        ),
    )
    if st.button(_("Apply the register"), type="primary", key="admin_apply"):
        _finish(admin_data.apply_register(account, prisons, since))


render()
