"""A checklist template (yrkesroll / kravprofil) as plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handledare.domain.enums import Level, Step
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

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items() if item.key == key), None)

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
                        )
                        for item in section["items"]
                    ),
                )
                for section in data["sections"]
            ),
        )
