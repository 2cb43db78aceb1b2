"""One document model for every written format: a tree of sections and blocks.

An export (and, later, a printed quiz) is built here once, as plain values: which sections
and in what order, each record's headline and the order of its section's records (as its Kind
declares them), the block each record becomes, the figures table. The formats that write
documents (Markdown today; HTML, Anki and printable sheets to come) only walk the tree, so
none of them decides any of that again. Text is kept as the content has
it (in the document's language); each writer escapes it for its own syntax. Pure: no I/O.

Every block that shows a record carries its id, so an edition can make anchors and links.
A record's block has `id`, `headline`, `body` and `figures` whatever its type, so a writer
with no layout of its own for myths or events can show every record the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from binatsec import figures
from binatsec.corpus import kinds
from binatsec.corpus.kinds import FIGURES, Kind
from binatsec.corpus.records import Corpus, Myth, Record, Stat, Text, TimelineEvent
from binatsec.frozen import Frozen, building_many
from binatsec.i18n import N_, _, speaking
from binatsec.queries import UNNAMED_SOURCE, attribution_text, figures_for, source_of

if TYPE_CHECKING:
    from binatsec.quiz import questions as quiz

TITLE = N_("US–Mexico security cooperation: a reference")
INTRODUCTION = N_("Drawn from a single source article; figures are as the article reports "
                  "them, with its qualifiers and attributions.")


# --- text ------------------------------------------------------------------------------------


class Paragraph(Frozen):
    text: str


class Definition(Frozen):
    """Text under a label: "Reality: ...", "Example: ..."."""

    label: str
    text: str


class DefinitionList(Frozen):
    items: tuple[Definition, ...]


class Command(Frozen):
    """A command to copy as it is: never wrapped or cut, set apart from the prose."""

    text: str


# --- figures ----------------------------------------------------------------------------------


class Figure(Frozen):
    """A figure as every written format shows it: a row of the table, a line under a record."""

    id: str
    label: str  # what is counted, short: "Methamphetamine seized"
    sentence: str  # the line a reader can quote: "Over 10,000 kg of ... (2020)"
    value: float  # in `unit`, as the article gives it
    unit: str
    amount: str  # value and unit as text: "10,000 kg", "$3 billion"
    qualifier: str  # over, nearly, about, exact
    hedge: str  # the qualifier in the document's language: "más de", "exact"
    year: int | None
    when: str  # the year or period as text; "" when the article gives none
    source: str  # the credited body's name, or the words saying the article names none
    source_id: str | None
    credit: str  # how the credit reads after a figure: "per the ..., as cited in the article"

    def cells(self) -> tuple[str, ...]:
        """The figure's row of a FigureTable, one text a column, in FIGURE_COLUMNS' order."""
        return (self.label, self.amount, self.hedge, self.when or "—", self.source, self.id)


FIGURE_COLUMNS = ("figure", "value", "qualifier", "year", "source", "id")


class FigureTable(Frozen):
    rows: tuple[Figure, ...]
    columns: tuple[str, ...] = FIGURE_COLUMNS  # the headings of Figure.cells()


# --- records ----------------------------------------------------------------------------------

Body = tuple[Paragraph | Definition, ...]


class Entry(Frozen):
    """A record under its headline: its text, then the figures linked to it."""

    id: str
    headline: str
    body: Body
    figures: tuple[Figure, ...] = ()


class MythReality(Frozen):
    """A myth, a fact set beside it and the reality that corrects it; `body` holds the fact
    and the reality as they read under the headline ("Fact: ...", "Reality: ...")."""

    id: str
    headline: str  # "Myth: ..."
    body: Body
    figures: tuple[Figure, ...]
    myth: str
    fact: str
    reality: str


class DatedEvent(Frozen):
    """An event of the timeline, in date order; `when` is how its date reads (a year, a
    span, or the article's label for an undated period, which has no year)."""

    id: str
    headline: str  # "2008: ..."
    body: Body
    figures: tuple[Figure, ...]
    when: str
    title: str
    year: int | None
    end_year: int | None


# --- a worksheet (quiz --print) ---------------------------------------------------------------


class Choice(Frozen):
    key: str  # what a student writes: a letter, or m/f
    text: str


class Question(Frozen):
    number: int
    prompt: str
    options: tuple[Choice, ...]
    id: str  # the record it asks about


class Answer(Frozen):
    number: int  # the question's
    key: str  # the right option's key
    text: str  # the right option's text; "" when the explanation repeats it whole (the FAQ's)
    explanation: str
    ids: tuple[str, ...]  # the records to read
    credit: str = ""  # who the article credits for the fact, if anyone
    read: str = ""  # the command that shows them ("binatsec faq merida-initiative")


class AnswerKey(Frozen):
    answers: tuple[Answer, ...]


# --- the tree ---------------------------------------------------------------------------------

Block = (Paragraph | DefinitionList | Command | FigureTable | Entry | MythReality | DatedEvent
         | Question | AnswerKey)
RecordBlock = Entry | MythReality | DatedEvent


class Section(Frozen):
    name: str  # the kind's name (an anchor, a tag); a worksheet's own names its parts
    heading: str
    blocks: tuple[Block, ...]


class Document(Frozen):
    title: str
    language: str
    introduction: tuple[Paragraph, ...]
    sections: tuple[Section, ...]


def unreachable(block: NoReturn) -> NoReturn:
    """Ends a walker's match over Block: mypy reports a block type the walker forgot."""
    raise TypeError(f"no way to write {type(block).__name__}")


# --- an export, built once -----------------------------------------------------------------


def reference(corpus: Corpus, chosen: Sequence[Kind], language: str) -> Document:
    """The chosen kinds of the corpus as one document: those that are sections, in export
    order (Kind.export_rank)."""
    made: dict[str, Figure] = {}  # each figure once: a record links one another shows
    # Headings and labels in the document's language too: an edition holds both. A
    # document of 70,000 records is some million tuples, none in a cycle: collecting while
    # they are made only walks them again (frozen.building_many).
    with speaking(language), building_many():
        sections = tuple(_section(kind, corpus, language, made)
                         for kind in kinds.ordered([kind for kind in chosen if kind.is_section]))
        return Document(_(TITLE), language, (Paragraph(_(INTRODUCTION)),), sections)


class Editions(Frozen):
    """The documents of an export in each of its languages (the first the run's), each built
    when asked for: by whichever process writes it (an edition of 70,000 records is written
    in two, a language each)."""

    corpus: Corpus
    chosen: tuple[Kind, ...]
    languages: tuple[str, ...]

    def document(self, language: str) -> Document:
        """The document in `language`, built anew each time it is asked for."""
        return reference(self.corpus, self.chosen, language)

    def cover(self, language: str) -> Document:
        """The document's title and introduction, without its sections."""
        return reference(self.corpus, (), language)

    def size(self) -> int:
        """How many records each document holds."""
        return sum(len(self.corpus.of(kind.name)) for kind in self.chosen if kind.is_section)


def _section(kind: Kind, corpus: Corpus, language: str, made: dict[str, Figure]) -> Section:
    if kind.layout == FIGURES:
        table = FigureTable(tuple(_figure(stat, corpus, language, made)
                                  for stat in kind.in_order(corpus.of(kind.name))
                                  if isinstance(stat, Stat)))
        return Section(kind.name, kind.long_title, (table,))
    # Records in the order a reader meets them (the timeline's by date: Kind.in_order).
    return Section(kind.name, kind.long_title,
                   tuple(_record(kind, record, corpus, language, made)
                         for record in kind.in_order(corpus.of(kind.name))))


def _text(value: object, language: str) -> str:
    if isinstance(value, Text):
        return value.get(language)
    return value if isinstance(value, str) else ""


def _record(kind: Kind, record: Record, corpus: Corpus, language: str,
            made: dict[str, Figure]) -> RecordBlock:
    """A record's block: a myth with its reality, an event with its date, else an entry.
    The one place that tells record types apart: the other blocks need nothing but the kind."""
    body: Body = tuple(Definition(_(label), text) if label else Paragraph(text)
                       for label, field in kind.body
                       if (text := _text(getattr(record, field, None), language)))
    linked = tuple(_figure(stat, corpus, language, made)
                   for stat in figures_for(corpus, record.id, getattr(record, "related", ())))
    headline = kind.headline_text(record, language)  # "2008: ...", "1. ...", "Myth: ..."
    if isinstance(record, Myth):
        return MythReality(record.id, headline, body, linked, record.myth.get(language),
                           record.fact.get(language), record.reality.get(language))
    if isinstance(record, TimelineEvent):
        return DatedEvent(record.id, headline, body, linked, record.when_text(language),
                          record.title.get(language), record.year, record.end_year)
    return Entry(record.id, headline, body, linked)


def _figure(stat: Stat, corpus: Corpus, language: str, made: dict[str, Figure]) -> Figure:
    found = made.get(stat.id)
    if found is None:
        found = made[stat.id] = figure(stat, corpus, language)
    return found


def figure(stat: Stat, corpus: Corpus, language: str) -> Figure:
    source = source_of(stat, corpus)
    return Figure(
        id=stat.id, label=stat.label.get(language), sentence=figures.sentence(stat, language),
        value=stat.value, unit=stat.unit,
        amount=figures.format_amount(stat.value, stat.unit, language),
        qualifier=stat.qualifier, hedge=_(figures.QUALIFIERS[stat.qualifier]),
        year=stat.year, when=stat.when_text(language),
        source=source.name.get(language) if source is not None else _(UNNAMED_SOURCE),
        source_id=source.id if source is not None else None,
        credit=attribution_text(source, language))


# --- a worksheet, built once (quiz --print) ---------------------------------------------------

QUESTIONS, ANSWERS = "questions", "answers"  # a worksheet's sections


def worksheet(questions: Sequence[quiz.Question], title: str, introduction: Sequence[str],
              play: str, language: str) -> Document:
    """Quiz questions to answer without playing: the numbered questions with their options,
    then the answer key, each answer with its explanation, the records to read and the
    command that shows them. `play` is the command that plays (and grades) them."""
    asked = tuple(Question(number, q.prompt, tuple(Choice(o.key, o.text) for o in q.options),
                           q.record_id)
                  for number, q in enumerate(questions, start=1))
    key = AnswerKey(tuple(
        Answer(number, q.answer, "" if q.repeats_answer else q.answer_text, q.explanation,
               (q.record_id,), q.credit, q.read)
        for number, q in enumerate(questions, start=1)))
    how = Paragraph(_("Answer each question with the letter of an option (m or f for myth or "
                      "fact). To have your answers graded, give them in order, comma-separated "
                      "(b,m,a,...), to this command:"))
    graded = Command(f"{play} --answers ANSWERS")
    return Document(title, language, tuple(Paragraph(text) for text in introduction),
                    (Section(QUESTIONS, _("Questions"), (how, graded, *asked)),
                     Section(ANSWERS, _("Answer key"), (key,))))
