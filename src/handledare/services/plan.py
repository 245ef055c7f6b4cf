"""The substitute's own plan ("Min introduktion"): the steps in order, what is done,
what comes next, what waits for what, and the hours left.

Care Vårda GR's step model (trappmodell) asks that each person can see what
they must do to reach the next step. The plan is read in the person's own
language with Swedish beside it, so the words come in pairs (`Said`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handledare.domain.actor import Actor
from handledare.domain.enums import Labelled, Place, PlanStatus, Step
from handledare.domain.template import Item, Template, Text
from handledare.errors import NotFoundError
from handledare.i18n import DEFAULT_LANGUAGE, N_, _, format_date, format_minutes, translate
from handledare.services import onboarding, people
from handledare.store.eventlog import Store

TITLE = N_("My introduction")
STEP_HEADING = N_("Step {number}: {step}")
WAITS_FOR = N_("waits for {items}")
HOURS_LEFT = N_("Time left: {time}")
NEXT_HEADING = N_("What comes next")
DONE_COUNT = N_("{done} of {total} done")
NOTHING_NEXT = N_("Everything is done.")
LINK = N_("Link: {link}")
MORE = N_("… and {count} more")
# How many of the next items the summary names; the rest are in the steps below it.
NEXT_SHOWN = 8


@dataclass(frozen=True)
class PlanItem:
    number: str
    item: Item
    status: PlanStatus
    waits_for: tuple[tuple[str, Item], ...]
    signed_on: date | None
    reason: str | None

    @property
    def left(self) -> bool:
        return self.status not in (PlanStatus.DONE, PlanStatus.NOT_APPLICABLE)


@dataclass(frozen=True)
class PlanStep:
    number: int
    step: Step
    items: tuple[PlanItem, ...]

    @property
    def done(self) -> int:
        return sum(1 for entry in self.items if not entry.left)


@dataclass(frozen=True)
class Plan:
    onboarding_id: str
    person_id: str
    person_name: str
    unit_name: str
    language: str
    template: Template
    steps: tuple[PlanStep, ...]

    @property
    def entries(self) -> list[PlanItem]:
        return [entry for step in self.steps for entry in step.items]

    @property
    def next(self) -> list[PlanItem]:
        return [entry for entry in self.entries if entry.status is PlanStatus.NEXT]

    @property
    def minutes_left(self) -> int:
        return sum(entry.item.minutes for entry in self.entries if entry.left)

    @property
    def done(self) -> int:
        return sum(1 for entry in self.entries if not entry.left)

    @property
    def bilingual(self) -> bool:
        return self.language != DEFAULT_LANGUAGE

    def said(self, message: str, **values: object) -> Said:
        """A message of the plan in the person's language and in Swedish; a value that is
        itself `Said` goes in on each side in that side's language."""

        def side(name: str, language: str) -> str:
            filled = {k: getattr(v, name) if isinstance(v, Said) else v for k, v in values.items()}
            return translate(message, language).format(**filled)

        return Said(side("own", self.language), side("swedish", DEFAULT_LANGUAGE))

    def time_left(self) -> Said:
        return self.said(
            HOURS_LEFT,
            time=Said(
                format_minutes(self.minutes_left, self.language),
                format_minutes(self.minutes_left, DEFAULT_LANGUAGE),
            ),
        )

    def sides(self) -> list[tuple[str, str]]:
        """(side of `Said`, language) for each column: the person's language, then Swedish."""
        if not self.bilingual:
            return [("swedish", DEFAULT_LANGUAGE)]
        return [("own", self.language), ("swedish", DEFAULT_LANGUAGE)]


@dataclass(frozen=True)
class Said:
    """One text in the person's language and in Swedish."""

    own: str
    swedish: str

    @classmethod
    def of_text(cls, text: Text, language: str) -> Said:
        return cls(text.get(language), text.get(DEFAULT_LANGUAGE))

    @classmethod
    def of_label(cls, member: Labelled, language: str) -> Said:
        return cls(member.label_in(language), member.label_in(DEFAULT_LANGUAGE))


def plan_of_person(store: Store, actor: Actor, person_id: str) -> Plan:
    """The plan of the person's latest checklist."""
    started = onboarding.onboardings_of_person(store, actor, person_id)
    if not started:
        raise NotFoundError(_("This substitute has no checklist yet."))
    return plan_of(store, actor, started[-1])


def plan_of(store: Store, actor: Actor, onboarding_id: str) -> Plan:
    progress = onboarding.progress(store, actor, onboarding_id)
    person = people.get_person(store, actor, progress.person_id)
    template = progress.template
    numbers = template.numbers()
    states = progress.states
    done = {key for key, state in states.items() if state.signed}
    open_steps = [
        item.step.order
        for item in template.items()
        if item.key not in done and item.key not in progress.waiting
    ]
    next_step = min(open_steps, default=None)
    steps = []
    for number, step in enumerate(Step, start=1):
        entries = []
        for item in template.items():
            if item.step is not step:
                continue
            state = states.get(item.key)
            if state is not None and state.signed:
                status = PlanStatus.NOT_APPLICABLE if state.not_applicable else PlanStatus.DONE
            elif item.key in progress.waiting:
                status = PlanStatus.WAITING
            else:
                status = PlanStatus.NEXT if step.order == next_step else PlanStatus.LATER
            entries.append(
                PlanItem(
                    number=numbers[item.key],
                    item=item,
                    status=status,
                    waits_for=tuple(
                        (numbers[key], template.recorded_item(key))
                        for key in progress.waiting.get(item.key, ())
                    ),
                    signed_on=state.signed_at.astimezone().date()
                    if state and state.signed_at is not None
                    else None,
                    reason=state.reason if state and state.not_applicable else None,
                )
            )
        steps.append(PlanStep(number, step, tuple(entries)))
    return Plan(
        onboarding_id=onboarding_id,
        person_id=progress.person_id,
        person_name=progress.person_name,
        unit_name=person.unit_name,
        language=person.language,
        template=template,
        steps=tuple(steps),
    )


def item_line(plan: Plan, entry: PlanItem, language: str) -> str:
    """What an item is, where it is learnt and how long it takes, in one language."""
    item = entry.item
    facts = [format_minutes(item.minutes, language)]
    if item.where is not Place.ANYWHERE:
        facts.insert(0, item.where.label_in(language))
    return f"{entry.number} {item.title.get(language)} ({', '.join(facts)})"


def status_line(plan: Plan, entry: PlanItem, language: str) -> str:
    """Where the item stands, in one language: done on a date, not applicable, waits for..."""
    text = entry.status.label_in(language)
    if entry.status is PlanStatus.WAITING:
        items = ", ".join(
            f"{number} {item.title.get(language)}" for number, item in entry.waits_for
        )
        text = translate(WAITS_FOR, language).format(items=items)
    elif entry.signed_on is not None and entry.status is PlanStatus.DONE:
        text += f" {format_date(entry.signed_on, language)}"
    elif entry.status is PlanStatus.NOT_APPLICABLE and entry.reason:
        text += f": {entry.reason}"
    return text
