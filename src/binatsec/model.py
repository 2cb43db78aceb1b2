"""Typed, frozen records for every kind of content, and the corpus that holds them.

Records are NamedTuples rather than dataclasses: they are as typed and immutable, and
creating the classes costs a fraction of the time at import, which every run pays.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Literal, NamedTuple

DEFAULT_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "es")

Qualifier = Literal["over", "nearly", "about", "exact"]
QUALIFIERS: tuple[Qualifier, ...] = ("over", "nearly", "about", "exact")

Unit = Literal["usd", "kg", "lb", "percent", "count"]
UNITS: tuple[Unit, ...] = ("usd", "kg", "lb", "percent", "count")


class Text(NamedTuple):
    """One piece of prose in one or more languages; English is always present."""

    en: str
    es: str | None = None

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The text in `language`, falling back to English where no translation exists."""
        if language == "es" and self.es is not None:
            return self.es
        return self.en

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en} | ({"es": self.es} if self.es is not None else {})


class Source(NamedTuple):
    id: str
    name: str
    short_name: str
    role: Text


class FaqEntry(NamedTuple):
    id: str
    question: Text
    answer: Text
    related: tuple[str, ...] = ()


class Myth(NamedTuple):
    id: str
    myth: Text
    reality: Text
    related: tuple[str, ...] = ()


class TimelineEvent(NamedTuple):
    id: str
    year: int
    title: Text
    summary: Text
    end_year: int | None = None
    when: Text | None = None
    related: tuple[str, ...] = ()

    def when_text(self, language: str = DEFAULT_LANGUAGE) -> str:
        """How the date reads: an explicit label, a span, or the year."""
        if self.when is not None:
            return self.when.get(language)
        if self.end_year is not None:
            return f"{self.year}–{self.end_year}"
        return str(self.year)

    @property
    def last_year(self) -> int:
        return self.end_year if self.end_year is not None else self.year


class Pillar(NamedTuple):
    id: str
    number: int
    name: Text
    summary: Text
    example: Text
    attribution: str | None = None
    related: tuple[str, ...] = ()


class Category(NamedTuple):
    id: str
    name: Text


class Stat(NamedTuple):
    """A figure exactly as the article gives it: the number, its unit, qualifier and year."""

    id: str
    category: str
    label: Text
    what: Text
    value: float
    unit: Unit
    qualifier: Qualifier
    year: int | None = None
    period: Text | None = None
    attribution: str | None = None
    note: Text | None = None
    supports: tuple[str, ...] = ()

    def when_text(self, language: str = DEFAULT_LANGUAGE) -> str:
        if self.period is not None:
            return self.period.get(language)
        return str(self.year) if self.year is not None else ""


class Area(NamedTuple):
    """One of the areas of cooperation."""

    id: str
    name: Text
    summary: Text
    example: Text
    related: tuple[str, ...] = ()


class Criticism(NamedTuple):
    id: str
    title: Text
    claim: Text
    response: Text
    related: tuple[str, ...] = ()


class Trend(NamedTuple):
    id: str
    title: Text
    summary: Text
    related: tuple[str, ...] = ()


class Action(NamedTuple):
    id: str
    title: Text
    summary: Text
    related: tuple[str, ...] = ()


Record = (
    Source | FaqEntry | Myth | TimelineEvent | Pillar | Category | Stat | Area | Criticism
    | Trend | Action
)


class Corpus(NamedTuple):
    """Everything binatsec knows, in the order the content files give it."""

    faq: tuple[FaqEntry, ...] = ()
    myths: tuple[Myth, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    pillars: tuple[Pillar, ...] = ()
    categories: tuple[Category, ...] = ()
    stats: tuple[Stat, ...] = ()
    cooperation: tuple[Area, ...] = ()
    criticisms: tuple[Criticism, ...] = ()
    outlook: tuple[Trend, ...] = ()
    actions: tuple[Action, ...] = ()
    sources: tuple[Source, ...] = ()
    by_id: Mapping[str, Record] | None = None  # an index for get(); None means search

    def records(self) -> Iterator[Record]:
        yield from self.faq
        yield from self.myths
        yield from self.timeline
        yield from self.pillars
        yield from self.categories
        yield from self.stats
        yield from self.cooperation
        yield from self.criticisms
        yield from self.outlook
        yield from self.actions
        yield from self.sources

    def get(self, record_id: str) -> Record | None:
        if self.by_id is not None:
            return self.by_id.get(record_id)
        return next((r for r in self.records() if r.id == record_id), None)
