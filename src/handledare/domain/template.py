"""A checklist template (yrkesroll / kravprofil) as plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from handledare.domain.enums import Evidence, Level, Place, Step
from handledare.i18n import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Text:
    """A text in several languages; Swedish is always present and the fallback."""

    translations: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, mapping: dict[str, str]) -> Text:
        return cls(tuple(sorted(mapping.items())))

    def get(self, language: str) -> str:
        mapping = dict(self.translations)
        return mapping.get(language) or mapping[DEFAULT_LANGUAGE]

    def as_dict(self) -> dict[str, str]:
        return dict(self.translations)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _text in self.translations)


@dataclass(frozen=True)
class Item:
    key: str
    title: Text
    guidance: Text
    step: Step
    level: Level
    minutes: int
    required_before_alone: bool = False
    needs_practical: bool = False
    valid_for_days: int | None = None
    # Format 2: what it comes after, what proves it, where it is learnt.
    after: tuple[str, ...] = ()
    evidence: Evidence = Evidence.OBSERVED
    where: Place = Place.ANYWHERE
    link: str | None = None
    observer: bool = False
    pass_mark: int | None = None
    out_of: int | None = None


# Format 2 fields and their defaults: left out of the canonical form when they are the
# default, so that a format 1 template keeps the content hash it was imported with.
_FORMAT_2_DEFAULTS = {
    "after": (),
    "evidence": Evidence.OBSERVED,
    "where": Place.ANYWHERE,
    "link": None,
    "observer": False,
    "pass_mark": None,
    "out_of": None,
}


def _format_2_fields(item: Item) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, default in _FORMAT_2_DEFAULTS.items():
        value = getattr(item, name)
        if value != default:
            found[name] = list(value) if name == "after" else value
    return found


def _format_2_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in _FORMAT_2_DEFAULTS if name in data}
    if "after" in values:
        values["after"] = tuple(values["after"])
    if "evidence" in values:
        values["evidence"] = Evidence(values["evidence"])
    if "where" in values:
        values["where"] = Place(values["where"])
    return values


@dataclass(frozen=True)
class Section:
    key: str
    title: Text
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    title: Text
    role: Text
    sections: tuple[Section, ...]

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def languages(self) -> list[str]:
        """Every language the item texts are written in, Swedish first."""
        found = {
            lang
            for item in self.items()
            for lang in (*item.title.languages, *item.guidance.languages)
        }
        return sorted(found, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang))

    # A template never changes, so its lookups are made once (read them, never change them).
    @cached_property
    def _by_key(self) -> dict[str, Item]:
        return {item.key: item for item in self.items()}

    @cached_property
    def _numbers(self) -> dict[str, str]:
        return {
            item.key: f"{section_number}.{item_number}"
            for section_number, section in enumerate(self.sections, start=1)
            for item_number, item in enumerate(section.items, start=1)
        }

    def item(self, key: str) -> Item | None:
        return self._by_key.get(key)

    def numbers(self) -> dict[str, str]:
        """Each item's number as on a paper checklist: `2.3` is the third item of section 2."""
        return self._numbers

    def waiting(self, done: set[str]) -> dict[str, tuple[str, ...]]:
        """The items not done that wait for others, with the keys of what is not done yet."""
        found = {}
        for item in self.items():
            if item.key in done:
                continue
            missing = tuple(key for key in item.after if key not in done)
            if missing:
                found[item.key] = missing
        return found

    def recorded_item(self, key: str) -> Item:
        """An item that a stored event names: there, since keys are checked before an event
        is made and a template version never changes."""
        item = self.item(key)
        if item is None:
            raise KeyError(f"{self.id} v{self.version} has no item {key}")
        return item

    def to_dict(self) -> dict[str, Any]:
        """The canonical form stored in events and compared on re-import."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title.as_dict(),
            "role": self.role.as_dict(),
            "sections": [
                {
                    "key": section.key,
                    "title": section.title.as_dict(),
                    "items": [
                        {
                            "key": item.key,
                            "title": item.title.as_dict(),
                            "guidance": item.guidance.as_dict(),
                            "step": item.step.value,
                            "level": item.level.value,
                            "minutes": item.minutes,
                            "required_before_alone": item.required_before_alone,
                            "needs_practical": item.needs_practical,
                            "valid_for_days": item.valid_for_days,
                            **_format_2_fields(item),
                        }
                        for item in section.items
                    ],
                }
                for section in self.sections
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Template:
        return cls(
            id=data["id"],
            version=data["version"],
            title=Text.of(data["title"]),
            role=Text.of(data["role"]),
            sections=tuple(
                Section(
                    key=section["key"],
                    title=Text.of(section["title"]),
                    items=tuple(
                        Item(
                            key=item["key"],
                            title=Text.of(item["title"]),
                            guidance=Text.of(item["guidance"]),
                            step=Step(item["step"]),
                            level=Level(item["level"]),
                            minutes=item["minutes"],
                            required_before_alone=item["required_before_alone"],
                            needs_practical=item["needs_practical"],
                            valid_for_days=item["valid_for_days"],
                            **_format_2_values(item),
                        )
                        for item in section["items"]
                    ),
                )
                for section in data["sections"]
            ),
        )
