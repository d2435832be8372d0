"""The ministry's review (governance.md §1): the queue, one submission's warnings and values
beside its prison's last quarters, and approve, return or reopen in one place.

Thin: the queue, the values and every rule come from store.review_queue and store.review;
a refusal (a newer version arrived, a comment missing) is shown as its one sentence.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, markup
from dashboard import review_data as data
from dashboard.tables import blank_text, column_config
from i18n import _, ngettext
from i18n.formats import number
from store.governance import phrase
from store.review import APPROVE, APPROVED, REOPEN, RETURN, STATES, SUBMITTED

DONE_KEY = "review_done"  # the sentence saying what the last action did, shown once


def render() -> None:
    account = auth.current_account()
    assert account is not None
    st.title(_("Review"))
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done)
    state = st.segmented_control(
        _("State"), list(STATES), default=SUBMITTED, key="review_state", format_func=_state
    )
    queue = data.review_queue(state, account)
    count = queue.table.height
    st.caption(
        ngettext(
            "{count} prison-quarter {state}.", "{count} prison-quarters {state}.", count
        ).format(count=number(count), state=_state(state) if state else _("in any state"))
        + " "
        + _(
            "Approving says the figures were checked and count as final for that prison; "
            "returning sends them back to the director with your comment; an approved quarter "
            "is reopened with a reason before it can be replaced."
        )
    )
    if not count:
        st.info(_("Nothing to review here."))
        return
    table = queue.table
    st.dataframe(
        blank_text(table),
        hide_index=True,
        width="stretch",
        column_config=column_config(table, None),
    )
    labels = queue.labels
    chosen = st.selectbox(_("Submission to review"), list(labels), key="review_item")
    _one(account, data.queue_entry(labels[chosen]))


def _one(account, entry: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    code, period, sid = entry["prison_code"], entry["period"], entry["submission_id"]
    st.subheader(
        _("{prison} {period}: version {version}, {state}").format(
            prison=markup.text(code),
            period=period,
            version=entry["version"],
            state=_state(entry["state"]),
        )
    )
    if entry["comment"]:
        st.caption(
            _("Latest comment ({reviewer}): {comment}").format(
                reviewer=markup.text(entry["reviewed_by"]), comment=markup.text(entry["comment"])
            )
        )
    for warning in entry["warnings"]:
        st.warning(f"{warning['rule']}: {markup.text(warning['message'])}")
    beside = data.values_beside(code, period)
    st.caption(
        _("Its values beside {prison}'s earlier quarters (empty: not reported).").format(
            prison=markup.text(code)
        )
    )
    st.dataframe(
        beside, hide_index=True, width="stretch", column_config=column_config(beside, None)
    )
    text = st.text_area(_("Comment (needed to return; the reason, to reopen)"), key=f"review_{sid}")
    if entry["state"] == APPROVED:
        actions = [(REOPEN, _("Reopen"), "secondary")]
    else:
        actions = [
            (APPROVE, _("Approve"), "primary"),
            (RETURN, _("Return for correction"), "secondary"),
        ]
    row = st.container(horizontal=True)  # the buttons side by side, not spread out
    for action, label, kind in actions:
        if row.button(label, type=kind, key=f"review_{action}_{sid}"):
            message = data.review(account, action, code, period, sid, text)
            if message is None:
                done = phrase(f"done.{action}")
                st.session_state[DONE_KEY] = f"{markup.text(code)} {period}: {done}."
                st.rerun()
            st.error(markup.text(message))


def _state(state: str) -> str:
    """A review state in the reader's language (store/governance.yaml's `state.` phrases)."""
    return phrase(f"state.{state}")


render()
