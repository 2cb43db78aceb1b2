"""Every kind of content, declared once.

A kind says where its records live (file and TOML table), what they look like (record type
and fields), and how the rest of binatsec shows them: title, headline and body, the order
and layout of a listing, what a look-up matches, search weights, what its JSON echoes,
export order and CSV columns. The loader, lint, the overview, search, every view and
export format, shell completion, the quiz (quiz/topics.py names the kinds it asks about)
and the generated JSON Schemas all read this registry, so a new kind needs its TOML file, its
record type, an entry here, and a run of `python -m binatsec.devtools.generate`
(docs/architecture.md).

Imported by every run: declarations only, and nothing here is worked out until asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from binatsec.corpus import records, spec
from binatsec.corpus.records import Corpus, Record
from binatsec.corpus.spec import Field
from binatsec.frozen import Frozen
from binatsec.i18n import N_, _
from binatsec.registry import extended

if TYPE_CHECKING:
    RecordCheck = Callable[[dict[str, Any], spec.Report], None]
    CorpusCheck = Callable[[Corpus], Iterator[tuple[str, str, str | None, str]]]

# How a listing lays out its records; every view draws each of them, whatever the kind.
CARDS = "cards"  # each record under its headline, then its body
INDEX = "index"  # a table of ids and headlines until a look-up names some; those as cards
FIGURES = "figures"  # a table of figures, each with its qualifier, year and source
LAYOUTS = (CARDS, INDEX, FIGURES)


class Derived(Frozen):
    """A value worked out from a record's fields (an event's date as it reads), shown,
    searched and echoed like a field of its own; it stands in for a field of the same name."""

    name: str
    value: Callable[[Record, str], str]  # (record, language) -> its text
    search: float = 0.0  # its weight in search; 0: not searched
    in_json: bool = False  # the record's JSON carries it
    about: str = ""  # its description in the JSON Schema


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
    description: str = ""  # what one record is, for docs and schemas ("a question and its answer")
    noun: str = "record"  # one record, as counts name it ("3 events")
    headline: str = "title"  # the field a record is known by
    headline_label: str = ""  # a word before the headline ("Myth")
    headline_format: str = ""  # how its headline reads, from `shown` ("{number}. {name}")
    subtitle: str = ""  # beside the section's heading; "{count}" counts the records shown
    body: tuple[tuple[str, str], ...] = ()  # (label, field) shown under the headline
    layout: str = CARDS  # how a listing lays out its records (LAYOUTS)
    heading_on_lookup: bool = True  # records a query chose still come under the heading
    order: Callable[[Sequence[Record]], list[Record]] | None = None  # None: the content's
    lookup_number: str = ""  # the field a typed whole number names a record by ("pillars 2")
    derived: tuple[Derived, ...] = ()
    search: tuple[tuple[str, float], ...] = ()  # search weights beyond the defaults
    json_options: tuple[tuple[str, str], ...] = ()  # (key, common $defs name): the command's
    # own options its --json echoes beside the query (timeline's from_year and to_year)
    csv_columns: tuple[str, ...] = ()  # export --format csv columns; empty: every field
    export_rank: int = 100  # the order of the Markdown export; lower comes first
    credited: bool = False  # other records credit its records (their `attribution`): each
    # is shown with what it is credited with, and `stats --source` names one
    record_checks: tuple[RecordCheck, ...] = ()  # rules across a record's own fields
    corpus_checks: tuple[CorpusCheck, ...] = ()  # rules across every record of the kind

    @property
    def is_section(self) -> bool:
        return bool(self.title)

    @property
    def long_title(self) -> str:
        """The section's heading in the run's language."""
        return _(self.heading or self.title)

    @property
    def links(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.link is not None)

    @property
    def carries_figures(self) -> bool:
        """Whether its records are shown with the figures linked to them (the figures
        themselves, and categories, are not)."""
        return self.is_section and self.layout != FIGURES

    def headline_of(self, record: Record, language: str) -> str:
        """The text a record is known by: its headline field (search hits, quiz options)."""
        value = getattr(record, self.headline, None)
        if isinstance(value, records.Text):
            return value.get(language)
        return value if isinstance(value, str) else record.id

    def headline_text(self, record: Record, language: str) -> str:
        """The line a record is shown under, in every view and format: `headline_format`
        filled from `shown`, else the headline, after `headline_label` if there is one."""
        if self.headline_format:
            return self.headline_format.format_map(self.shown(record, language))
        text = self.headline_of(record, language)
        return f"{_(self.headline_label)}: {text}" if self.headline_label else text

    def shown(self, record: Record, language: str) -> dict[str, str]:
        """Every field as text in `language` (an absent one empty), then each derived value."""
        values = {name: _as_text(value, language) for name, value in record._asdict().items()}
        values.update((value.name, value.value(record, language)) for value in self.derived)
        return values

    def in_order(self, chosen: Sequence[Record]) -> list[Record]:
        """Records in the order a listing shows them: `order`'s, else as given."""
        return self.order(chosen) if self.order is not None else list(chosen)

    def searchable(self, record: Record, language: str) -> list[tuple[str, str, float]]:
        """Every text a search reads in the record, in `language`, with its weight: the
        headline counts 3, other prose 1, unless `search` says otherwise (plain strings are
        read only when it names them); then each derived value that is searched."""
        weights = {self.headline: 3.0, **dict(self.search)}
        replaced = {value.name for value in self.derived}
        texts: list[tuple[str, str, float]] = []
        for name, value in record._asdict().items():
            if name in replaced:
                continue
            if isinstance(value, records.Text):
                texts.append((name, value.get(language), weights.get(name, 1.0)))
            elif isinstance(value, str) and name in weights:
                texts.append((name, value, weights[name]))
        texts += [(value.name, value.value(record, language), value.search)
                  for value in self.derived if value.search]
        return texts


def _as_text(value: object, language: str) -> str:
    if isinstance(value, records.Text):
        return value.get(language)
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


# --- what some kinds work out -----------------------------------------------------------------


def _when(record: Record, language: str) -> str:
    return cast("records.TimelineEvent", record).when_text(language)


def _in_time_order(events: Sequence[Record]) -> list[Record]:
    return list(records.in_time_order(cast("Sequence[records.TimelineEvent]", events)))


def _sentence(record: Record, language: str) -> str:
    from binatsec import figures  # only a search reads a figure's sentence

    return figures.sentence(cast("records.Stat", record), language)


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


def _ongoing_is_dated(values: dict[str, Any], report: spec.Report) -> None:
    """`ongoing` says the year is that of the one instance the article dates: an event
    without a year has no such instance."""
    if values.get("ongoing") is True and "year" not in values:
        report("BC016", "an event marked ongoing needs the year of the instance the article "
               "dates; an undated period needs no mark", "ongoing")


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
_ATTRIBUTION = Field("attribution", spec.record_id, required=False, link="any",
                     about="The id of the source the article credits; null when it names none.")

KINDS: tuple[Kind, ...] = (
    Kind("summary", "summary", "point", "summary", records.SummaryPoint,
         (_ID, Field("title", spec.text), Field("text", spec.text), _RELATED),
         title=N_("In brief"),
         summary=N_("the article's own framing: introduction to conclusion"),
         heading=N_("In brief: how the article frames the cooperation"),
         description="a passage of the article's own framing", noun="passage",
         body=(("", "text"),), export_rank=5),
    Kind("faq", "faq", "faq", "faq", records.FaqEntry,
         (_ID, Field("question", spec.text), Field("answer", spec.text), _RELATED),
         title=N_("Frequently asked questions"),
         summary=N_("the article's questions, answered"),
         description="a question and its answer", noun="question",
         headline="question", body=(("", "answer"),),
         subtitle=N_("binatsec faq ID-or-words for an answer"), layout=INDEX,
         heading_on_lookup=False,
         export_rank=80),
    Kind("myths", "myths", "myth", "myth", records.Myth,
         (_ID, Field("myth", spec.text),
          Field("fact", spec.text,
                about="A true statement drawn from the article, short and plain like the "
                "myth (what the quiz asks as the fact); `reality` is the explanation."),
          Field("reality", spec.text), _RELATED),
         title=N_("Myths and realities"),
         summary=N_("common misconceptions, each corrected"),
         description="a misconception and the reality", noun="misconception",
         headline="myth", headline_label=N_("Myth"),
         body=((N_("Fact"), "fact"), (N_("Reality"), "reality")),
         subtitle=N_("{count} the article corrects"), search=(("myth", 2.0),),
         export_rank=90),
    Kind("timeline", "timeline", "event", "event", records.TimelineEvent,
         (_ID, Field("title", spec.text), Field("summary", spec.text),
          Field("year", spec.year, required=False,
                about="The year the article gives; null for a period it does not date (then "
                "`when` holds its words)."),
          Field("end_year", spec.year, required=False),
          Field("when", spec.text, required=False),
          Field("ongoing", spec.boolean, required=False,
                about="True when the article describes an ongoing activity and the year is "
                "that of the one instance it dates; the quiz asks no date question about "
                "it. False when absent."),
          _RELATED),
         title=N_("Timeline"), summary=N_("events in the order they happened"),
         description="an event, in the article's order of time", noun="event",
         headline_format="{when}: {title}", subtitle="{count}", body=(("", "summary"),),
         order=_in_time_order,
         # An event's date is searched as it reads ("2019", "2008–2021"), so a hit on a
         # year shows the date, not only the id it also appears in.
         derived=(Derived("when", _when, search=1.0, in_json=True,
                          about="How the date reads: the article's label for an undated "
                          "period ('Moving into the 20th century'), a span ('1846–1848') or "
                          "the year."),),
         json_options=(("from_year", "optional_year"), ("to_year", "optional_year")),
         export_rank=10,
         record_checks=(_end_after_start, _dated_or_labelled, _ongoing_is_dated)),
    Kind("pillars", "pillars", "pillar", "pillar", records.Pillar,
         (_ID, Field("number", spec.positive,
                     about="The pillar's place in the article's order, from 1."),
          Field("name", spec.text), Field("summary", spec.text), Field("example", spec.text),
          _ATTRIBUTION, _RELATED),
         title=N_("Four pillars"),
         summary=N_("the bilateral security model, pillar by pillar"),
         heading=N_("The four pillars of the bilateral security model"),
         description="a pillar of the bilateral security model", noun="pillar",
         headline="name", headline_format="{number}. {name}",
         subtitle=N_("as the article gives them, citing the U.S. Department of State"),
         body=(("", "summary"), (N_("Example"), "example")),
         heading_on_lookup=False, lookup_number="number",
         export_rank=30,
         corpus_checks=(_pillars_numbered,)),
    Kind("categories", "stats", "category", None, records.Category,
         (Field("id", spec.slug), Field("name", spec.text)),
         description="a category of figures", noun="category", headline="name"),
    Kind("stats", "stats", "stat", "stat", records.Stat,
         (_ID, Field("category", spec.slug, link="categories"), Field("label", spec.text),
          Field("what", spec.text),
          Field("value", spec.number,
                about="A plain number in `unit` (3.9 million is 3900000); when --unit "
                "converted it, rounded to two significant figures as `text` shows it (the "
                "exact conversion is `converted_from.exact_value`)."),
          Field("unit", spec.one_of(records.UNITS)),
          Field("qualifier", spec.one_of(records.QUALIFIERS)),
          Field("year", spec.year, required=False), Field("period", spec.text, required=False),
          _ATTRIBUTION,
          Field("note", spec.text, required=False),
          Field("supports", spec.ids, required=False, link="any")),
         title=N_("Figures"),
         summary=N_("every figure, with qualifier, year and source"),
         description="one figure, as data", noun="figure", headline="label", layout=FIGURES,
         # People search for a figure as they would say it ("over 10,000 kg").
         derived=(Derived("sentence", _sentence, search=1.5),),
         csv_columns=("id", "category", "label", "value", "unit", "qualifier", "year",
                      "period", "attribution", "attribution_name", "text", "note", "supports"),
         export_rank=40,
         record_checks=(_percent_at_most_100,)),
    Kind("cooperation", "cooperation", "area", "area", records.CooperationArea,
         (_ID, Field("name", spec.text), Field("summary", spec.text),
          Field("example", spec.text), _RELATED),
         title=N_("Areas of cooperation"),
         summary=N_("intelligence, military exercises, law enforcement"),
         description="an area of cooperation", noun="area",
         headline="name", body=(("", "summary"), (N_("Example"), "example")),
         export_rank=20),
    Kind("criticisms", "criticisms", "criticism", "criticism", records.Criticism,
         (_ID, Field("title", spec.text), Field("claim", spec.text),
          Field("response", spec.text), _RELATED),
         title=N_("Criticisms"), summary=N_("doubts about the model, and responses"),
         heading=N_("Criticisms and responses"),
         description="a criticism and the article's response", noun="criticism",
         body=((N_("Criticism"), "claim"), (N_("Response"), "response")),
         export_rank=60),
    Kind("outlook", "outlook", "trend", "trend", records.Trend,
         (_ID, Field("title", spec.text), Field("summary", spec.text), _RELATED),
         title=N_("Outlook"), summary=N_("where the article expects cooperation to go"),
         heading=N_("Outlook (the article's expectations)"),
         description="a future trend", noun="trend",
         body=(("", "summary"),), export_rank=50),
    Kind("actions", "actions", "action", "action", records.Action,
         (_ID, Field("title", spec.text), Field("summary", spec.text), _RELATED),
         title=N_("What you can do"), summary=N_("steps the article suggests"),
         description="a step readers can take", noun="step",
         body=(("", "summary"),), export_rank=70),
    Kind("sources", "sources", "source", "source", records.Source,
         (_ID, Field("name", spec.text), Field("short_name", spec.text),
          Field("role", spec.text)),
         title=N_("Sources"), summary=N_("the bodies the article credits"),
         heading=N_("Sources named in the article"),
         description="a body the article credits", noun="source",
         headline="name", body=(("", "role"),), search=(("short_name", 3.0),),
         credited=True, export_rank=100),
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


def of_record(record: Record) -> Kind | None:
    """The kind a record belongs to, by its id: the prefix before the dot, or, for an id
    without one, the kind whose ids have no prefix (categories)."""
    prefix, dot, _ = record.id.partition(".")
    return _by_prefix().get(prefix if dot else None)


_PREFIXES: tuple[list[Kind], dict[str | None, Kind]] = ([], {})


def _by_prefix() -> dict[str | None, Kind]:
    """Each kind by its prefix (the first of a prefix), worked out again only when the
    registry changed: search asks it once for every record."""
    global _PREFIXES
    seen, found = _PREFIXES
    if seen != _registry:
        found = {}
        for kind in _registry:
            found.setdefault(kind.prefix, kind)
        _PREFIXES = (list(_registry), found)
    return found


def fingerprint() -> str:
    """What the registry declares, as text: part of the validated bundle's key."""
    return repr([(kind.name, kind.file, kind.table, kind.prefix,
                  [(f.name, f.required, f.link) for f in kind.fields]) for kind in _registry])


class RegistryError(ValueError):
    """A kind that would clash with one already registered, or could not be told apart."""


def problems(declared: Sequence[Kind]) -> list[str]:
    """What is wrong with a list of kinds: a name, a prefix, or a table in one file that two
    kinds share; a name or prefix that is not lowercase letters (commands, JSON keys and ids
    are made of them); a layout no view draws."""
    found: list[str] = []
    seen: dict[object, str] = {}
    for kind in declared:
        for what, key in (("name", kind.name), ("id prefix", kind.prefix),
                          ("table", (kind.file, kind.table))):
            shown = f"[[{kind.table}]] in {kind.file}.toml" if what == "table" else repr(key)
            if (what, key) in seen:
                found.append(f"kind '{kind.name}' has the {what} {shown} of kind "
                             f"'{seen[(what, key)]}'")
            seen.setdefault((what, key), kind.name)
        for what, word in (("name", kind.name), ("id prefix", kind.prefix or "a")):
            if not (word.isascii() and word.isalpha() and word.islower()):
                found.append(f"kind '{kind.name}': its {what} must be lowercase letters a-z")
        if kind.layout not in LAYOUTS:
            found.append(f"kind '{kind.name}': unknown layout '{kind.layout}' "
                         f"(known: {', '.join(LAYOUTS)})")
    return found


@contextmanager
def registered(*extra: Kind) -> Iterator[None]:
    """The registry with `extra` kinds added, for as long as the block runs (tests, plugins).
    Raises RegistryError, registering nothing, if one clashes with a kind already there."""
    wrong = problems([*_registry, *extra])
    if wrong:
        raise RegistryError("; ".join(wrong))
    with extended(_registry, extra):
        yield


def ordered(kinds: Sequence[Kind]) -> list[Kind]:
    return sorted(kinds, key=lambda kind: kind.export_rank)
