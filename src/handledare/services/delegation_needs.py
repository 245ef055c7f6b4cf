"""Items that need a delegated task as well as a sign-off (a template item's `delegation`).

Such an item counts as signed off only on a day the person holds a valid delegation for
the task: the supervisor's sign-off says they were shown it, the nurse's delegation says
they may do it. The reason why an item does not count is said in words wherever it is
shown (walkthrough, review, status, approval).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from handledare.domain.enums import DelegationStatus, Mark
from handledare.domain.template import Template
from handledare.domain.validity import Validity
from handledare.i18n import _, current_language, format_date
from handledare.services.delegation_views import (
    Delegation,
    delegations_of_person,
    task_titles,
)
from handledare.store.tables import ItemStateRow, OnboardingRow


def held_back(
    session: Session, onboarding: OnboardingRow, template: Template, day: date
) -> dict[str, str]:
    """The signed items (keys) that need a delegation the person does not hold on `day`,
    each with why, in words. A signed "not applicable" needs none."""
    if not any(item.delegation for item in template.items()):
        return {}
    needing = {
        key: item.delegation
        for key in _signed_applicable(session, onboarding.id)
        if (item := template.item(key)) is not None and item.delegation is not None
    }
    if not needing:
        return {}
    delegations = delegations_of_person(session, onboarding.person_id)
    titles = task_titles(session)
    language = current_language()
    found = {}
    for key, task in needing.items():
        relevant = [d for d in delegations if task in d.task_keys]
        if any((w := d.window()) is not None and w.holds_on(day) for d in relevant):
            continue
        title = titles[task].get(language) if task in titles else task
        found[key] = _("needs a valid delegation for {task}: {why}").format(
            task=title, why=_why_not(relevant, day)
        )
    return found


def _signed_applicable(session: Session, onboarding_id: str) -> list[str]:
    return list(
        session.exec(
            select(ItemStateRow.item_key).where(
                col(ItemStateRow.onboarding_id) == onboarding_id,
                col(ItemStateRow.signed_at).is_not(None),
                col(ItemStateRow.mark) != Mark.NOT_APPLICABLE.value,
            )
        )
    )


def _why_not(delegations: list[Delegation], day: date) -> str:
    """What stands closest to a valid delegation: one about to start, one awaiting an
    answer, the last one that ended, or none at all."""
    if not delegations:
        return _("none has been given")
    later = [d for d in delegations if d.state(day) is Validity.NOT_YET]
    if later:
        first = min((d.window() for d in later), key=lambda w: w.first if w else day)
        if first is not None:
            return _("valid from {date}").format(date=format_date(first.first))
    if any(d.status is DelegationStatus.AWAITING for d in delegations):
        return _("it waits for the person to accept it")
    ended = [w.last for d in delegations if (w := d.window()) is not None and w.last]
    if ended:
        return _("expired {date}").format(date=format_date(max(ended)))
    return _("none has been accepted")
