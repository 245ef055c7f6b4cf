"""Recording an item with its proof: exactly the fields its kind of evidence needs.

A certificate asks for the issuer, the date, and its number or a note that
it was seen; a knowledge test for the result and the pass mark; a document
for which one and its version; the practical part of an item that a
colleague may vouch for, for that colleague's name and role.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label

from handledare.domain.enums import Evidence, Mark
from handledare.domain.evidence import MAX_PROOF_TEXT, Proof
from handledare.domain.template import Item
from handledare.i18n import _
from handledare.services import onboarding
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.screens.forms import Form


def needs_form(item: Item, mark: Mark) -> bool:
    """Whether marking asks for anything: proof, or who vouched for the practical part."""
    if item.evidence is not Evidence.OBSERVED:
        return True
    return item.observer and mark is Mark.PRACTISED


class ProofForm(Form):
    """Marks the item with its proof; what was typed stays when the service refuses it."""

    def __init__(self, onboarding_id: str, item: Item, heading: str, mark: Mark):
        super().__init__()
        self.onboarding_id = onboarding_id
        self.item = item
        self.heading = heading
        self.mark = mark

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box form"):
            yield Label(literal(self.heading), classes="dialog-title")
            kind = self.item.evidence
            about = self.mark.label.capitalize()
            yield Label(about if kind is Evidence.OBSERVED else f"{about} · {kind.label}")
            yield from self._fields()
            yield from self.buttons()

    def _field(self, field: str, label: str, value: str = "", **options) -> ComposeResult:
        yield Label(label)
        yield Input(value, id=field, max_length=MAX_PROOF_TEXT, **options)
        yield self.error_label(field)

    def _fields(self) -> ComposeResult:
        kind = self.item.evidence
        if kind is Evidence.CERTIFICATE:
            yield from self._field("issuer", _("Issuer (e.g. Socialstyrelsen)"))
            yield from self._field(
                "issued", _("Date on the certificate (YYYY-MM-DD)"), self.app.today().isoformat()
            )
            yield from self._field("number", _("The certificate's number"))
            yield from self._field("seen", _("Or, without a number: how you saw it"))
        elif kind is Evidence.TEST:
            yield from self._field("score", _("Result (points)"), type="integer")
            for field, label, fixed in (
                ("out_of", _("Highest possible score"), self.item.out_of),
                ("pass_mark", _("Pass mark"), self.item.pass_mark),
            ):
                value = "" if fixed is None else str(fixed)
                fixed_here = fixed is not None
                yield from self._field(field, label, value, type="integer", disabled=fixed_here)
        elif kind is Evidence.DOCUMENT:
            yield from self._field("document", _("Which document"))
            yield from self._field("version", _("Its version or date"))
        else:
            yield Label(_("Did a colleague observe the practical part? Leave empty if you did."))
            yield from self._field("observer_name", _("The colleague's name"))
            yield from self._field("observer_role", _("The colleague's role"))

    def _enabled(self) -> list[Input]:
        return [field for field in self.query(Input) if not field.disabled]

    def on_mount(self) -> None:
        self._enabled()[0].focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input is self._enabled()[-1]:
            self.action_save()
        else:
            self.focus_next()

    def _text(self, field: str) -> str | None:
        return self.query_one(f"#{field}", Input).value.strip() or None

    def _number(self, field: str) -> int | None:
        text = self._text(field)
        if text is None or not text.isdigit():
            self.field_error(field, _("Write a whole number."))
            return None
        return int(text)

    def _proof(self) -> Proof | Literal[False] | None:
        """The proof typed, None for none, or False when a field must be fixed first."""
        kind = self.item.evidence
        if kind is Evidence.CERTIFICATE:
            try:
                issued = date.fromisoformat(self._text("issued") or "")
            except ValueError:
                self.field_error("issued", _("Write the date as YYYY-MM-DD, e.g. 2026-11-22."))
                return False
            return Proof(
                kind,
                issuer=self._text("issuer"),
                issued_on=issued,
                number=self._text("number"),
                seen=self._text("seen"),
            )
        if kind is Evidence.TEST:
            numbers = [self._number(f) for f in ("score", "out_of", "pass_mark")]
            if None in numbers:
                return False
            score, out_of, pass_mark = numbers
            return Proof(kind, score=score, out_of=out_of, pass_mark=pass_mark)
        if kind is Evidence.DOCUMENT:
            return Proof(kind, document=self._text("document"), version=self._text("version"))
        name, role = self._text("observer_name"), self._text("observer_role")
        if name is None and role is None:
            return None
        return Proof(kind, observer_name=name, observer_role=role)

    def save(self) -> None:
        proof = self._proof()
        if proof is False:
            return
        store, actor = self.app.session
        oid, key, mark = self.onboarding_id, self.item.key, self.mark
        in_background(
            self,
            lambda: onboarding.mark_item(store, actor, oid, key, mark, evidence=proof),
            lambda _none: self.dismiss(key),
            failed=self.show_problem,
        )
