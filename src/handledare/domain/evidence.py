"""What a supervisor records as proof of an item: a certificate, a test result, a
document read, or the colleague who observed the practical part.

The template says which kind an item needs (`Evidence`); a `Proof` is what
was shown for one person. Its free text can hold names, so erasure blanks it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any, TypeGuard

from handledare.domain.enums import Evidence, Mark
from handledare.domain.template import Item
from handledare.i18n import _, format_date

MAX_PROOF_TEXT = 200

# The fields of a proof that hold free text (erasure blanks them).
FREE_TEXT = ("issuer", "number", "seen", "document", "version", "observer_name", "observer_role")


@dataclass(frozen=True)
class Proof:
    kind: Evidence
    issuer: str | None = None
    issued_on: date | None = None
    number: str | None = None
    seen: str | None = None
    score: int | None = None
    out_of: int | None = None
    pass_mark: int | None = None
    document: str | None = None
    version: str | None = None
    observer_name: str | None = None
    observer_role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The form kept in events: only the fields that are set."""
        data = {key: value for key, value in asdict(self).items() if value is not None}
        data["kind"] = self.kind.value
        if self.issued_on is not None:
            data["issued_on"] = self.issued_on.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proof:
        known = {field.name for field in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["kind"] = Evidence(data["kind"])
        if values.get("issued_on"):
            try:
                values["issued_on"] = date.fromisoformat(values["issued_on"])
            except ValueError:  # blanked by erasure
                values["issued_on"] = None
        return cls(**values)

    @property
    def passed(self) -> bool:
        return (
            self.score is not None and self.pass_mark is not None and (self.score >= self.pass_mark)
        )

    @property
    def has_observer(self) -> bool:
        return bool(self.observer_name)

    def summary(self) -> str:
        """One line for people, in the active language."""
        if self.kind is Evidence.CERTIFICATE:
            parts = [self.issuer or "?"]
            if self.issued_on:
                parts.append(format_date(self.issued_on))
            if self.number:
                parts.append(_("no. {number}").format(number=self.number))
            if self.seen:
                parts.append(_("seen: {note}").format(note=self.seen))
            return _("Certificate: {details}").format(details=", ".join(parts))
        if self.kind is Evidence.TEST:
            return _("Knowledge test: {score} of {out_of} (pass mark {pass_mark})").format(
                score=self.score, out_of=self.out_of, pass_mark=self.pass_mark
            )
        if self.kind is Evidence.DOCUMENT:
            return _("Document: {document}, version {version}").format(
                document=self.document, version=self.version
            )
        return _("Observed by {name} ({role}); the supervisor signs").format(
            name=self.observer_name, role=self.observer_role
        )


def _text_problem(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return _("{what} is missing.").format(what=what)
    if len(value) > MAX_PROOF_TEXT:
        return _("{what} is too long ({length} characters, at most {limit}).").format(
            what=what, length=len(value), limit=MAX_PROOF_TEXT
        )
    return None


def _certificate_problem(proof: Proof, today: date) -> str | None:
    problem = _text_problem(proof.issuer, _("The certificate's issuer"))
    if problem:
        return problem
    if proof.issued_on is None:
        return _("The certificate's date is missing.")
    if proof.issued_on > today:
        return _("The certificate's date {date} is in the future.").format(
            date=format_date(proof.issued_on)
        )
    if not (proof.number or "").strip() and not (proof.seen or "").strip():
        return _("Write the certificate's number, or a note that you have seen it.")
    for value, what in ((proof.number, _("The number")), (proof.seen, _("The note"))):
        if value and len(value) > MAX_PROOF_TEXT:
            return _text_problem(value, what)
    return None


def _whole(value: object) -> TypeGuard[int]:
    """A whole number; not a bool, which Python counts as one."""
    return isinstance(value, int) and not isinstance(value, bool)


def _test_problem(item: Item, proof: Proof) -> str | None:
    score, out_of, pass_mark = proof.score, proof.out_of, proof.pass_mark
    if not (_whole(score) and _whole(out_of) and _whole(pass_mark)):
        return _("Write the result, the highest possible score and the pass mark as whole numbers.")
    if not 0 < out_of <= 10_000 or not 0 < pass_mark <= out_of:
        return _("The pass mark must be from 1 up to the highest possible score.")
    if not 0 <= score <= out_of:
        return _("The result {score} is not between 0 and {out_of}.").format(
            score=score, out_of=out_of
        )
    if item.out_of is not None and out_of != item.out_of:
        return _("The checklist says this test has {out_of} points.").format(out_of=item.out_of)
    if item.pass_mark is not None and pass_mark != item.pass_mark:
        return _("The checklist says the pass mark is {pass_mark}.").format(
            pass_mark=item.pass_mark
        )
    if not proof.passed:
        return _(
            "{score} of {out_of} is below the pass mark {pass_mark}: a failed test cannot be "
            "signed off. Write a note about the attempt, and record the test when it is passed."
        ).format(score=proof.score, out_of=proof.out_of, pass_mark=proof.pass_mark)
    return None


def _document_problem(proof: Proof) -> str | None:
    return _text_problem(proof.document, _("Which document")) or _text_problem(
        proof.version, _("The document's version")
    )


def _observer_problem(item: Item, proof: Proof) -> str | None:
    if not item.observer:
        return _("This item is signed on the supervisor's own observation only.")
    return _text_problem(proof.observer_name, _("The colleague's name")) or _text_problem(
        proof.observer_role, _("The colleague's role")
    )


def proof_problem(item: Item, mark: Mark, proof: Proof | None, today: date) -> str | None:
    """What is wrong with recording `mark` on `item` with `proof`, or None when it is right."""
    if mark is Mark.NOT_APPLICABLE:
        return _("An item that does not apply has no proof.") if proof else None
    if item.evidence is Evidence.OBSERVED:
        if proof is None:
            return None
        if proof.kind is not Evidence.OBSERVED:
            return _("This item is proved by being shown and seen, not by {kind}.").format(
                kind=proof.kind.label
            )
        if mark is not Mark.PRACTISED:
            return _("A colleague can only vouch for the practical part: mark it as practised.")
        return _observer_problem(item, proof)
    if proof is None or proof.kind is not item.evidence:
        return _("This item needs proof: {kind}.").format(kind=item.evidence.label)
    if item.evidence is Evidence.CERTIFICATE:
        return _certificate_problem(proof, today)
    if item.evidence is Evidence.TEST:
        return _test_problem(item, proof)
    return _document_problem(proof)
