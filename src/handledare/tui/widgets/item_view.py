"""How one checklist item and its history read on screen."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from textual.content import Content

from handledare.domain.enums import Evidence, Mark
from handledare.domain.events import EventType
from handledare.domain.evidence import Proof
from handledare.domain.template import Item
from handledare.i18n import (
    _,
    current_language,
    format_date,
    format_datetime,
    format_minutes,
    ngettext,
)
from handledare.services.onboarding import HistoryEntry, ItemState, Progress
from handledare.text import printable

MARKERS = {
    "signed": "✓",
    "waiting": "◌",
    Mark.PRACTISED: "●",
    Mark.WALKED_THROUGH: "◐",
    Mark.NOT_APPLICABLE: "–",
    None: "·",
}


def marker(state: ItemState | None, waiting: bool = False) -> str:
    """One sign per state; "not applicable" never looks like a signed item."""
    if state is not None and state.not_applicable:
        return MARKERS[Mark.NOT_APPLICABLE]
    if state is not None and state.signed:
        return MARKERS["signed"]
    if waiting:
        return MARKERS["waiting"]
    return MARKERS[state.mark if state else None]


def legend() -> str:
    return _("✓ signed  ● practised  ◐ walked through  – not applicable  ◌ waiting  · open")


def item_prompt(item: Item, state: ItemState | None, number: str, waiting: bool) -> Content:
    return Content(f"{marker(state, waiting)} {number} {item.title.get(current_language())}")


def facts(item: Item) -> str:
    parts = [
        _("Step: {step}").format(step=item.step.label),
        _("Level: {level}").format(level=item.level.label),
        _("About {time}").format(time=format_minutes(item.minutes)),
        item.where.label.capitalize(),
    ]
    if item.evidence is not Evidence.OBSERVED:
        parts.append(_("Proof: {kind}").format(kind=item.evidence.label))
    return " · ".join(parts)


def numbered(number: str, item: Item) -> str:
    return f"{number} {item.title.get(current_language())}"


def waits_for(progress: Progress, key: str) -> str:
    """What an item waits for, as the checklist numbers and names it; empty if nothing."""
    return "; ".join(
        numbered(progress.numbers[other], progress.template.recorded_item(other))
        for other in progress.waiting.get(key, ())
    )


def flags(item: Item) -> str:
    found = []
    if item.required_before_alone:
        found.append(_("Required before working alone"))
    if item.needs_practical:
        found.append(_("Must be practised, not only explained"))
    if item.valid_for_days:
        found.append(_("Valid for {days} days after sign-off").format(days=item.valid_for_days))
    if item.observer:
        found.append(_("A named colleague may vouch for the practical part"))
    return " · ".join(found)


def name_of(names: Mapping[str, str], user_id: str | None, unknown: str = "?") -> str:
    """A user's name, printable; `unknown` for none (the command line) or one not known here."""
    return printable(names.get(user_id, unknown) if user_id is not None else unknown)


def state_line(state: ItemState | None, names: Mapping[str, str]) -> str:
    if state is None or (state.mark is None and not state.signed):
        return _("Not yet walked through.")
    if state.not_applicable:
        line = _("Not applicable: {reason}").format(reason=printable(state.reason or ""))
        if state.signed_at is not None:
            line += " · " + _("signed by {name}, {when}").format(
                name=name_of(names, state.signed_by), when=format_datetime(state.signed_at)
            )
        return line
    if state.signed_at is not None:
        line = _("Signed off by {name}, {when}").format(
            name=name_of(names, state.signed_by), when=format_datetime(state.signed_at)
        )
        if state.expires_on:
            line += " · " + _("expires {date}").format(
                date=format_date(date.fromisoformat(state.expires_on))
            )
        return line
    if state is None or state.mark is None:
        return _("Not yet walked through.")
    line = state.mark.label.capitalize()
    if state.reason:
        line += f": {printable(state.reason)}"
    return line + " · " + _("not signed yet")


def what(entry: HistoryEntry, whole: bool = False) -> str:
    """What an event did, in words; `whole` for the onboarding's history rather than an item's."""
    data = entry.data
    return {
        EventType.ONBOARDING_STARTED: lambda: _("checklist started"),
        EventType.ITEM_MARKED: lambda: (
            Mark(data["mark"]).label
            + (f": {printable(data['reason'])}" if data.get("reason") else "")
            + (
                " · " + printable(Proof.from_dict(data["evidence"]).summary())
                if data.get("evidence")
                else ""
            )
        ),
        EventType.NOTE_ADDED: lambda: (
            (_("substitute's comment") if data.get("by_substitute") else _("note"))
            + f": {printable(data['text'])}"
        ),
        EventType.ITEMS_SIGNED_OFF: lambda: (
            ngettext(
                "signed off {count} item", "signed off {count} items", len(data["item_keys"])
            ).format(count=len(data["item_keys"]))
            if whole
            else _("signed off")
        ),
        EventType.SIGN_OFF_REVOKED: lambda: _("sign-off revoked: {reason}").format(
            reason=printable(data["reason"])
        ),
        EventType.ACKNOWLEDGED: lambda: (
            _("acknowledged by the substitute as {name}").format(name=printable(data["typed_name"]))
            + (f" ({printable(data['comment'])})" if data.get("comment") else "")
        ),
        EventType.APPROVED: lambda: (
            _("approved to work alone")
            + (
                " "
                + _("with an exception: {reason}").format(reason=printable(data["override_reason"]))
                if data.get("override_reason")
                else ""
            )
        ),
        EventType.CONFLICT_RESOLVED: lambda: _("conflict resolved: {note}").format(
            note=printable(data["note"])
        ),
    }.get(entry.type, lambda: entry.type.value)()


def who(entry: HistoryEntry, names: Mapping[str, str]) -> str:
    return name_of(names, entry.actor_id, _("command line"))


def describe(entry: HistoryEntry, names: Mapping[str, str]) -> str:
    """One line of an item's history: when, who, what."""
    return f"{format_datetime(entry.at)}  {who(entry, names)}: {what(entry)}"
