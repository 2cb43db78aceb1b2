"""Typed, frozen records for every kind of content, and the corpus that holds them.

Records are NamedTuples rather than dataclasses: they are as typed and immutable, and
creating the classes costs a fraction of the time at import, which every run pays. Which
record type belongs to which content file is declared once, in `binatsec.corpus.kinds`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

from binatsec.frozen import Frozen

DEFAULT_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "es")

Qualifier = Literal["over", "nearly", "about", "exact"]
QUALIFIERS: tuple[Qualifier, ...] = ("over", "nearly", "about", "exact")

Unit = Literal["usd", "kg", "lb", "percent", "count"]
UNITS: tuple[Unit, ...] = ("usd", "kg", "lb", "percent", "count")


class Text(Frozen):
    """One piece of prose in one or more languages; English is always present."""

    en: str
    es: str | None = None

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The text in `language`, falling back to the other language where it has none
        (Spanish to English; English, should it be empty, to Spanish)."""
        if language == "es" and self.es:
            return self.es
        return self.en or self.es or ""

    def has(self, language: str) -> bool:
        """Whether the text is written in `language` (not a fallback)."""
        return bool(self.es if language == "es" else self.en if language == "en" else False)

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en} | ({"es": self.es} if self.es is not None else {})


if TYPE_CHECKING:
    class Record(Protocol):
        """What every record type has: a stable id, and its fields by name."""

        @property
        def id(self) -> str: ...

        def _asdict(self) -> dict[str, Any]: ...
else:
    Record = tuple  # every record is a tuple; a Protocol class costs start-up time to create


class Source(Frozen):
    id: str
    name: Text
    short_name: Text
    role: Text


class FaqEntry(Frozen):
    id: str
    question: Text
    answer: Text
    related: tuple[str, ...] = ()


class Myth(Frozen):
    """A misconception the article rejects; `fact` is a true statement of the same length and
    tone (what the quiz asks as the fact), `reality` the article's explanation."""

    id: str
    myth: Text
    fact: Text
    reality: Text
    related: tuple[str, ...] = ()


class TimelineEvent(Frozen):
    """An event as the article places it: a year or a span, or, where the article gives no
    date ("moving into the 20th century"), only a `when` label and its place in the file.
    `ongoing`: the article describes an ongoing activity, and the year is that of the one
    instance it dates (no date question asks about it)."""

    id: str
    title: Text
    summary: Text
    year: int | None = None
    end_year: int | None = None
    when: Text | None = None
    ongoing: bool = False
    related: tuple[str, ...] = ()

    def when_text(self, language: str = DEFAULT_LANGUAGE) -> str:
        """How the date reads: the label, a span, or the year."""
        if self.when is not None:
            return self.when.get(language)
        if self.end_year is not None:
            return f"{self.year}–{self.end_year}"
        return str(self.year)

    @property
    def dated(self) -> bool:
        return self.year is not None

    @property
    def last_year(self) -> int | None:
        return self.end_year if self.end_year is not None else self.year


def in_time_order(events: Sequence[TimelineEvent]) -> list[TimelineEvent]:
    """Events oldest first. An undated period (only a `when` label) keeps its place in the
    content: it sorts with the dated event before it."""
    placed: list[tuple[tuple[int, int, int], TimelineEvent]] = []
    previous = (0, 0)
    for index, event in enumerate(events):
        if event.year is not None:
            previous = (event.year, event.last_year or event.year)
        placed.append(((*previous, index), event))
    return [event for _, event in sorted(placed, key=lambda item: item[0])]


class SummaryPoint(Frozen):
    """A passage of the article's own framing: its introduction, its overview of the model,
    how it reads its figures, its outlook, its conclusion."""

    id: str
    title: Text
    text: Text
    related: tuple[str, ...] = ()


class Pillar(Frozen):
    id: str
    number: int
    name: Text
    summary: Text
    example: Text
    attribution: str | None = None
    related: tuple[str, ...] = ()


class Category(Frozen):
    id: str
    name: Text


class Stat(Frozen):
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


class CooperationArea(Frozen):
    """One of the areas of cooperation."""

    id: str
    name: Text
    summary: Text
    example: Text
    related: tuple[str, ...] = ()


class Criticism(Frozen):
    id: str
    title: Text
    claim: Text
    response: Text
    related: tuple[str, ...] = ()


class Trend(Frozen):
    id: str
    title: Text
    summary: Text
    related: tuple[str, ...] = ()


class Action(Frozen):
    id: str
    title: Text
    summary: Text
    related: tuple[str, ...] = ()


R = TypeVar("R")
# Each kind's records (by the identity of their tuple) and the corpus and kind they are: a
# look-up given only records can use what the corpus keeps for them (search's index).
_OWNERS: dict[int, tuple[weakref.ref[Corpus], str]] = {}


def _own(corpus: Corpus, kind: str, records: tuple[Record, ...]) -> None:
    if records:
        if len(_OWNERS) > 4096:
            _OWNERS.clear()
        _OWNERS[id(records)] = (weakref.ref(corpus), kind)


_CORPORA: weakref.WeakSet[Corpus] = weakref.WeakSet()  # every corpus alive


def owners(records: Sequence[Record]) -> Iterator[tuple[Corpus, str]]:
    """Each corpus `records` are some of one kind of (the very records its `of(kind)`
    gives, in any order, as a listing sorts or filters them), with that kind: the corpus
    that gave out this very tuple first. Several corpora may share records."""
    found = _OWNERS.get(id(records))
    corpus = found[0]() if found is not None else None
    if found is not None and corpus is not None and corpus._built.get(found[1]) is records:
        yield corpus, found[1]
    if not records:
        return
    first = records[0]
    for corpus in list(_CORPORA):
        if corpus._by_id.get(first.id) is not first:
            continue
        for name, built in corpus._built.items():
            if len(built) >= len(records) and any(r is first for r in built):
                held = set(map(id, built))
                if all(id(record) in held for record in records):
                    yield corpus, name


# What a pending kind's builder gives: its records, and the user's files they come from.
Pending = tuple[Sequence[Record], Mapping[str, str]]


class Corpus:
    """Every record binatsec knows, by kind (in the order the content gives them) and by id.

    Kinds are looked up by name (`corpus.of("faq")`), so a new kind needs nothing here; the
    properties below only give the code that knows a kind's record type a typed view of it.

    A corpus read back from the validated bundle builds each kind's records when first
    asked for (`pending`, with `prefixes` saying which kind an id prefix belongs to): a
    command that shows figures need not read, check or build every FAQ entry of a large
    folder. A pending builder gives the kind's records and their origins (user files).
    """

    __slots__ = ("__weakref__", "_built", "_by_id", "_extras", "_origins", "_pending",
                 "_prefixes")

    def __init__(self, kinds: Mapping[str, Sequence[Record]],
                 pending: Mapping[str, Callable[[], Pending]] | None = None,
                 prefixes: Mapping[str, str] | None = None,
                 origins: Mapping[str, str] | None = None,
                 extras: Mapping[str, Callable[[], bytes | None]] | None = None) -> None:
        self._built = {name: tuple(records) for name, records in kinds.items()}
        self._origins = dict(origins or {})
        self._pending = dict(pending or {})
        self._prefixes = dict(prefixes or {})
        self._extras = dict(extras or {})
        self._by_id = {record.id: record for records in self._built.values()
                       for record in records}
        for name, records in self._built.items():
            _own(self, name, records)
        _CORPORA.add(self)

    def extra(self, name: str) -> bytes | None:
        """What the validated bundle keeps beside the records under `name` (search's index),
        read when first asked for; None when there is none, or it was found damaged."""
        make = self._extras.pop(name, None)
        return make() if make is not None else None

    def add_extra(self, name: str, make: Callable[[], bytes | None]) -> None:
        """`make` gives the `extra` called `name`, when first asked for."""
        self._extras[name] = make

    def _build(self, kind: str) -> None:
        make = self._pending.pop(kind, None)
        if make is not None:
            made, origins = make()
            records = tuple(made)
            self._built[kind] = records
            _own(self, kind, records)
            self._by_id.update((record.id, record) for record in records)
            self._origins.update(origins)

    def of(self, kind: str) -> tuple[Record, ...]:
        """The records of one kind; none when the content has none."""
        self._build(kind)
        return self._built.get(kind, ())

    def kinds(self) -> Mapping[str, tuple[Record, ...]]:
        for kind in list(self._pending):
            self._build(kind)
        return MappingProxyType(self._built)

    def records(self) -> Iterator[Record]:
        for records in self.kinds().values():
            yield from records

    def origin(self, record_id: str) -> str | None:
        """The file in the user's folder a record comes from; None for the article's own."""
        if record_id not in self._by_id:
            self.get(record_id)  # origins come with their kind's records: build it first
        return self._origins.get(record_id)

    def origins(self) -> Mapping[str, str]:
        """Every record from the user's folder, with its file."""
        self.kinds()  # every kind's origins, not only those of the kinds built so far
        return MappingProxyType(self._origins)

    def get(self, record_id: str) -> Record | None:
        found = self._by_id.get(record_id)
        if found is None and self._pending:
            kind = self._prefixes.get(record_id.split(".", 1)[0])
            if kind is not None:
                self._build(kind)
            else:
                self.kinds()
            found = self._by_id.get(record_id)
        return found

    def _typed(self, kind: str, _: type[R]) -> tuple[R, ...]:
        return cast("tuple[R, ...]", self.of(kind))

    @property
    def faq(self) -> tuple[FaqEntry, ...]:
        return self._typed("faq", FaqEntry)

    @property
    def myths(self) -> tuple[Myth, ...]:
        return self._typed("myths", Myth)

    @property
    def timeline(self) -> tuple[TimelineEvent, ...]:
        return self._typed("timeline", TimelineEvent)

    @property
    def pillars(self) -> tuple[Pillar, ...]:
        return self._typed("pillars", Pillar)

    @property
    def categories(self) -> tuple[Category, ...]:
        return self._typed("categories", Category)

    @property
    def stats(self) -> tuple[Stat, ...]:
        return self._typed("stats", Stat)

    @property
    def sources(self) -> tuple[Source, ...]:
        return self._typed("sources", Source)
