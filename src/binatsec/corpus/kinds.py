"""Every kind of content, declared once.

A kind says where its records live (file and TOML table), what they look like (record type
and fields), and how the rest of binatsec shows them (title, headline and body, search
weights, export order and CSV columns, quiz topic). The loader, lint, the overview, search,
every export format, shell completion, the quiz topics and the quiz history all read this
registry, so a new kind needs its TOML file, its record type, an entry here and a JSON
Schema, and nothing else (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from binatsec.corpus import records, spec
from binatsec.corpus.records import Corpus, Record
from binatsec.corpus.spec import Field
from binatsec.frozen import Frozen

if TYPE_CHECKING:
    RecordCheck = Callable[[dict[str, Any], spec.Report], None]
    CorpusCheck = Callable[[Corpus], Iterator[tuple[str, str, str | None, str]]]


class Kind(Frozen):
    name: str  # the command, the section, the key in JSON, and `corpus.of(name)`
    file: str  # the content file, without .toml; several kinds may share one
    table: str  # the TOML array of tables: [[table]]
    prefix: str | None  # ids look like "<prefix>.some-name"; None: a plain slug
    record: Callable[..., Record]  # the record type, built with the checked fields
    fields: tuple[Field, ...]
    title: str = ""  # the section's title; empty: not a section of its own (categories)
    summary: str = ""  # for the overview; no counts or years (a user's folder changes them)
    heading: str = ""  # the section's heading where there is room; default: title
    headline: str = "title"  # the field a record is known by
    headline_label: str = ""  # a word before the headline ("Myth")
    body: tuple[tuple[str, str], ...] = ()  # (label, field) shown under the headline
    search: tuple[tuple[str, float], ...] = ()  # search weights beyond the defaults
    csv_columns: tuple[str, ...] = ()  # export --format csv columns; empty: every field
    export_rank: int = 100  # the order of the Markdown export; lower comes first
    quiz_topic: str | None = None  # the quiz topic that asks about this kind
    quiz_label: str = ""  # how a quiz names the topic ("figures")
    quiz_rank: int = 0  # the order topics take turns in; part of what a seed replays
    record_checks: tuple[RecordCheck, ...] = ()  # rules across a record's own fields
    corpus_checks: tuple[CorpusCheck, ...] = ()  # rules across every record of the kind

    @property
    def is_section(self) -> bool:
        return bool(self.title)

    @property
    def long_title(self) -> str:
        return self.heading or self.title

    @property
    def links(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.link is not None)

    def headline_of(self, record: Record, language: str) -> str:
        value = getattr(record, self.headline, None)
        if isinstance(value, records.Text):
            return value.get(language)
        return value if isinstance(value, str) else record.id

    def text_fields(self, record: Record) -> Iterator[tuple[str, records.Text, float]]:
        """Every piece of prose in the record, for search, with its weight: the headline
        counts 3, other text 1, unless `search` says otherwise (plain strings only there)."""
        weights = {self.headline: 3.0, **dict(self.search)}
        for name, value in record._asdict().items():
            if isinstance(value, records.Text):
                yield name, value, weights.get(name, 1.0)
            elif isinstance(value, str) and name in weights:
                yield name, records.Text(en=value), weights[name]


# --- rules across fields ---------------------------------------------------------------------


def _end_after_start(values: dict[str, Any], report: spec.Report) -> None:
    start, end = values.get("year"), values.get("end_year")
    if isinstance(start, int) and isinstance(end, int) and end < start:
        report("BC010", f"end_year {end} is before year {start}", "end_year")


def _dated_or_labelled(values: dict[str, Any], report: spec.Report) -> None:
    """An event has the date the article gives (year, maybe end_year) or, where it gives
    none, only a `when` label: never both, so no date is invented to sort or filter by."""
    has_year = "year" in values or "end_year" in values
    if has_year and "when" in values:
        report("BC013", "an event has a year (and end_year) or a `when` label, not both: "
               "keep the dates the article gives, and leave an undated period undated", "when")
    elif not has_year and "when" not in values:
        report("BC013", "an event needs a year, or a `when` label where the article gives "
               "no date", "year")
    elif "end_year" in values and "year" not in values:
        report("BC013", "end_year needs a year", "end_year")


def _percent_at_most_100(values: dict[str, Any], report: spec.Report) -> None:
    value = values.get("value")
    if values.get("unit") == "percent" and isinstance(value, float) and value > 100:
        report("BC010", "a percentage must lie between 0 and 100", "value")


def _pillars_numbered(corpus: Corpus) -> Iterator[tuple[str, str, str | None, str]]:
    numbers = sorted(pillar.number for pillar in corpus.pillars)
    if corpus.pillars and numbers != list(range(1, len(numbers) + 1)):
        yield ("BC010", f"pillar numbers must run 1..{len(numbers)} without gaps, got {numbers}",
               corpus.pillars[0].id, "number")


# --- the registry -----------------------------------------------------------------------------

_RELATED = Field("related", spec.ids, required=False, link="any")
_ID = Field("id", spec.record_id)

KINDS: tuple[Kind, ...] = (
    Kind("summary", "summary", "point", "summary", records.SummaryPoint,
         (_ID, Field("title", spec.text), Field("text", spec.text), _RELATED),
         title="In brief", summary="the article's own framing: introduction to conclusion",
         heading="In brief: how the article frames the cooperation",
         body=(("", "text"),), export_rank=5),
    Kind("faq", "faq", "faq", "faq", records.FaqEntry,
         (_ID, Field("question", spec.text), Field("answer", spec.text), _RELATED),
         title="Frequently asked questions", summary="the article's questions, answered",
         headline="question", body=(("", "answer"),),
         export_rank=80, quiz_topic="faq", quiz_label="FAQ", quiz_rank=2),
    Kind("myths", "myths", "myth", "myth", records.Myth,
         (_ID, Field("myth", spec.text), Field("reality", spec.text), _RELATED),
         title="Myths and realities", summary="common misconceptions, each corrected",
         headline="myth", headline_label="Myth", body=(("Reality", "reality"),),
         search=(("myth", 2.0),),
         export_rank=90, quiz_topic="myths", quiz_label="myths", quiz_rank=1),
    Kind("timeline", "timeline", "event", "event", records.TimelineEvent,
         (_ID, Field("title", spec.text), Field("summary", spec.text),
          Field("year", spec.year, required=False), Field("end_year", spec.year, required=False),
          Field("when", spec.text, required=False), _RELATED),
         title="Timeline", summary="events in the order they happened",
         body=(("", "summary"),),
         export_rank=10, quiz_topic="timeline", quiz_label="timeline", quiz_rank=4,
         record_checks=(_end_after_start, _dated_or_labelled)),
    Kind("pillars", "pillars", "pillar", "pillar", records.Pillar,
         (_ID, Field("number", spec.positive), Field("name", spec.text),
          Field("summary", spec.text), Field("example", spec.text),
          Field("attribution", spec.record_id, required=False, link="any"), _RELATED),
         title="Four pillars", summary="the bilateral security model, pillar by pillar",
         heading="The four pillars of the bilateral security model",
         headline="name", body=(("", "summary"), ("Example", "example")),
         export_rank=30, quiz_topic="pillars", quiz_label="pillars", quiz_rank=5,
         corpus_checks=(_pillars_numbered,)),
    Kind("categories", "stats", "category", None, records.Category,
         (Field("id", spec.slug), Field("name", spec.text)), headline="name"),
    Kind("stats", "stats", "stat", "stat", records.Stat,
         (_ID, Field("category", spec.slug, link="categories"), Field("label", spec.text),
          Field("what", spec.text), Field("value", spec.number),
          Field("unit", spec.one_of(records.UNITS)),
          Field("qualifier", spec.one_of(records.QUALIFIERS)),
          Field("year", spec.year, required=False), Field("period", spec.text, required=False),
          Field("attribution", spec.record_id, required=False, link="any"),
          Field("note", spec.text, required=False),
          Field("supports", spec.ids, required=False, link="any")),
         title="Figures", summary="every figure, with qualifier, year and source",
         headline="label",
         csv_columns=("id", "category", "label", "value", "unit", "qualifier", "year",
                      "period", "attribution", "attribution_name", "text", "note", "supports"),
         export_rank=40, quiz_topic="stats", quiz_label="figures", quiz_rank=3,
         record_checks=(_percent_at_most_100,)),
    Kind("cooperation", "cooperation", "area", "area", records.Area,
         (_ID, Field("name", spec.text), Field("summary", spec.text),
          Field("example", spec.text), _RELATED),
         title="Areas of cooperation", summary="intelligence, military exercises, law enforcement",
         headline="name", body=(("", "summary"), ("Example", "example")),
         export_rank=20),
    Kind("criticisms", "criticisms", "criticism", "criticism", records.Criticism,
         (_ID, Field("title", spec.text), Field("claim", spec.text),
          Field("response", spec.text), _RELATED),
         title="Criticisms", summary="doubts about the model, and responses",
         heading="Criticisms and responses",
         body=(("Criticism", "claim"), ("Response", "response")),
         export_rank=60),
    Kind("outlook", "outlook", "trend", "trend", records.Trend,
         (_ID, Field("title", spec.text), Field("summary", spec.text), _RELATED),
         title="Outlook", summary="where the article expects cooperation to go",
         heading="Outlook (the article's expectations)",
         body=(("", "summary"),), export_rank=50),
    Kind("actions", "actions", "action", "action", records.Action,
         (_ID, Field("title", spec.text), Field("summary", spec.text), _RELATED),
         title="What you can do", summary="steps the article suggests",
         body=(("", "summary"),), export_rank=70),
    Kind("sources", "sources", "source", "source", records.Source,
         (_ID, Field("name", spec.string), Field("short_name", spec.string),
          Field("role", spec.text)),
         title="Sources", summary="the bodies the article credits",
         heading="Sources named in the article",
         headline="name", body=(("", "role"),), search=(("short_name", 3.0),),
         export_rank=100),
)

_registry: list[Kind] = list(KINDS)


def all_kinds() -> tuple[Kind, ...]:
    """Every kind, in the overview's order."""
    return tuple(_registry)


def sections() -> tuple[Kind, ...]:
    """The kinds shown as sections of their own, each with a command."""
    return tuple(kind for kind in _registry if kind.is_section)


def get(name: str) -> Kind | None:
    return next((kind for kind in _registry if kind.name == name), None)


def named(name: str) -> Kind:
    """A kind the code relies on by name; KeyError if the registry lacks it."""
    kind = get(name)
    if kind is None:
        raise KeyError(f"no content kind '{name}'")
    return kind


def files() -> tuple[str, ...]:
    """The content file names a folder may hold, in registry order."""
    return tuple(dict.fromkeys(f"{kind.file}.toml" for kind in _registry))


def in_file(file: str) -> tuple[Kind, ...]:
    return tuple(kind for kind in _registry if kind.file == file)


def of_prefix(prefix: str) -> Kind | None:
    return next((kind for kind in _registry if kind.prefix == prefix), None)


def quiz_topics() -> tuple[str, ...]:
    quizzed = sorted((kind for kind in _registry if kind.quiz_topic), key=lambda k: k.quiz_rank)
    return tuple(kind.quiz_topic for kind in quizzed if kind.quiz_topic)


def quiz_label(topic: str) -> str:
    return next((kind.quiz_label for kind in _registry if kind.quiz_topic == topic), topic)


def fingerprint() -> str:
    """What the registry declares, as text: part of the validated bundle's key."""
    return repr([(kind.name, kind.file, kind.table, kind.prefix,
                  [(f.name, f.required, f.link) for f in kind.fields]) for kind in _registry])


@contextmanager
def registered(*extra: Kind) -> Iterator[None]:
    """The registry with `extra` kinds added, for as long as the block runs (tests, plugins)."""
    saved = list(_registry)
    _registry.extend(extra)
    try:
        yield
    finally:
        _registry[:] = saved


def ordered(kinds: Sequence[Kind]) -> list[Kind]:
    return sorted(kinds, key=lambda kind: kind.export_rank)
