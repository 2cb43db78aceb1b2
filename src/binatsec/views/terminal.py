"""Rendering for people, with Rich. With quiz_terminal, the only modules that import Rich;
both are imported lazily, so the JSON path never loads it.

Content is data, and it is kept so by construction, twice over: the views build text only
as `Styled` (a Rich `Text` that cleans whatever is put into it with `safe_text`, and is never
parsed as markup), and every console they draw on is a `SafeConsole`, which applies the same
rule to each segment it is about to write, whatever renderable it came from. So `[bold]` or
an escape sequence in a user's file prints as harmless text. ruff's banned-api rule keeps
Rich's own `Text` and `Console` out of every other module.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text as RichText

from binatsec import __version__, figures, results
from binatsec.corpus import kinds
from binatsec.corpus import records as model
from binatsec.corpus.kinds import Kind
from binatsec.corpus.problems import Problem
from binatsec.corpus.records import DEFAULT_LANGUAGE, Corpus
from binatsec.environment import Environment
from binatsec.frozen import Frozen
from binatsec.i18n import N_, _, ngettext
from binatsec.queries import (
    UNNAMED_SHORT,
    Hit,
    attribution_text,
    credited_with,
    figures_for,
    source_of,
)
from binatsec.quiz import ALL
from binatsec.streams import ReaderGone
from binatsec.textsafety import safe_text, unsafe_characters, visible_text

if TYPE_CHECKING:
    from binatsec.quiz.history import History

CONVERTED_NOTE = N_("Figures the article gives in another unit are converted to {unit} and "
                    "rounded to two significant figures; the article's own figure follows in "
                    "brackets.")
# A kind's noun as a label before a record it names ("Pillar: 1. ..."), in the run's language.
NOUN_LABELS = {"passage": N_("Passage"), "question": N_("Question"),
               "misconception": N_("Misconception"), "event": N_("Event"),
               "pillar": N_("Pillar"), "category": N_("Category"), "figure": N_("Figure"),
               "area": N_("Area"), "criticism": N_("Criticism"), "trend": N_("Trend"),
               "step": N_("Step"), "source": N_("Source"), "record": N_("Record")}
NARROW = 50  # below this many columns, tables become "key: value" lines
MEASURE = 100  # prose is wrapped at most this wide, however wide the terminal: a readable line
YOURS = N_("[yours]")  # the mark on a record that comes from the user's folder
QUALIFIERS = figures.QUALIFIERS  # the stats table's 'qualifier' column, in words


class Line(Frozen):
    """A line of text that ends with a record id."""

    text: RichText
    record_id: str


class Styled(RichText):
    """The views' only Rich text: whatever string goes in is cleaned by `safe_text` first."""

    def __init__(self, text: str = "", style: str | Style = "") -> None:
        super().__init__(safe_text(text), style=style)

    def append(self, text: str | RichText, style: str | Style | None = None) -> Styled:
        super().append(safe_text(text) if isinstance(text, str) else text, style)
        return self


class SafeConsole(Console):
    """A console that cleans every segment of text it draws, so no renderable, however it
    was built, can write a terminal control, a bidi control or an invisible character."""

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and unsafe_characters(segment.text):
                yield Segment(safe_text(segment.text), segment.style)
            else:
                yield segment

    def on_broken_pipe(self) -> None:
        # Rich's own answer is SystemExit(1), past errors.run; a reader that went away
        # (| head) ends a run as for every other output: quietly, exit 0 (streams.py).
        raise ReaderGone()


def make_console(env: Environment) -> SafeConsole:
    """A console on stdout that styles only when `env` says colour is wanted."""
    out = cast(IO[str], env.stdout)
    styled = env.colour
    return SafeConsole(file=cast(IO[str], TrimmedLines(out)),
                       force_terminal=styled, no_color=not styled,
                       color_system="auto" if styled else None, highlight=False, emoji=False,
                       markup=False, width=env.width, soft_wrap=False)


class TrimmedLines(io.TextIOBase):
    """A text stream that drops the spaces Rich pads lines with, in colour or not.

    In a pipe or a file, trailing blanks are noise for grep, diff and copy-paste; in a
    terminal they are copied with the text. Styles that close after them are kept.
    """

    _PADDING = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)*[ \t](?:\x1b\[[0-9;]*m)*(?=\n)")
    _STYLE = re.compile(r"\x1b\[[0-9;]*m")

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(self._PADDING.sub(lambda m: "".join(self._STYLE.findall(m.group())),
                                            text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"


def _t(text: str, style: str = "") -> Styled:
    """Content as a Rich Text, cleaned, never parsed as markup."""
    return Styled(text, style)


def _widest(cells: Iterable[str | RichText]) -> int:
    """The widest line among the cells (a cell may hold several lines)."""
    lines = [line for cell in cells
             for line in (cell.plain if isinstance(cell, RichText) else cell).splitlines()]
    return max((len(line) for line in lines), default=0)


def _longest_word(cells: Iterable[str | RichText]) -> int:
    """The longest word among the cells: a wrapped column is never narrower."""
    return max((len(word) for cell in cells
                for word in (cell.plain if isinstance(cell, RichText) else cell).split()),
               default=0)


def topic_name(topic: str) -> str:
    """How a quiz topic reads on screen: "figures", "FAQ", "all topics"."""
    from binatsec.quiz import topics  # only quiz screens and the history name topics

    return _("all topics") if topic == ALL else topics.label(topic)


def plural(count: int, word: str, many: str = "") -> str:
    """ "1 event", "2 events", "3 quizzes" (`many` for irregular plurals), in English; a count
    shown to people goes through `counted`, which has each noun's forms in every language."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def counted(count: int, noun: str) -> str:
    """ "3 events" in the run's language, for a kind's `noun` (a noun without forms in the
    catalog reads as `plural` gives it)."""
    match noun:
        case "passage":
            form = ngettext("{count} passage", "{count} passages", count)
        case "question":
            form = ngettext("{count} question", "{count} questions", count)
        case "misconception":
            form = ngettext("{count} misconception", "{count} misconceptions", count)
        case "event":
            form = ngettext("{count} event", "{count} events", count)
        case "pillar":
            form = ngettext("{count} pillar", "{count} pillars", count)
        case "category":
            form = ngettext("{count} category", "{count} categories", count)
        case "figure":
            form = ngettext("{count} figure", "{count} figures", count)
        case "area":
            form = ngettext("{count} area", "{count} areas", count)
        case "criticism":
            form = ngettext("{count} criticism", "{count} criticisms", count)
        case "trend":
            form = ngettext("{count} trend", "{count} trends", count)
        case "step":
            form = ngettext("{count} step", "{count} steps", count)
        case "source":
            form = ngettext("{count} source", "{count} sources", count)
        case "record":
            form = ngettext("{count} record", "{count} records", count)
        case _:
            return plural(count, noun)
    return form.format(count=count)


def unfinished_score(right: int, answered: int, not_reached: int) -> str:
    """An unfinished quiz's score, in the same words after the quiz and in its history: "1
    of 2 answered right; 3 not reached" (never a percentage)."""
    done = (ngettext("{right} of {answered} answered right", "{right} of {answered} answered right",
                     answered).format(right=right, answered=answered)
            if answered else _("none answered"))
    return _("{done}; {count} not reached").format(done=done, count=not_reached)


class Renderer:
    """Draws each command's result on one console."""

    def __init__(self, console: SafeConsole, language: str = DEFAULT_LANGUAGE,
                 origins: Mapping[str, str] | None = None) -> None:
        self.console = console
        self.language = language
        # Records from the user's own folder: marked wherever their id is shown, and named
        # in a closing line, so nobody takes them for the article's.
        self.origins = origins if origins is not None else {}  # not `or`: no len() asked
        self.marked: set[str] = set()

    @property
    def narrow(self) -> bool:
        return self.console.width < NARROW

    def print(self, *renderables: RenderableType) -> None:
        """Each renderable on its lines: prose at most MEASURE wide, tables as wide as the
        terminal lets them be."""
        for renderable in renderables:
            wide = isinstance(renderable, Table)
            self.console.print(renderable, width=None if wide else min(self.console.width,
                                                                        MEASURE))

    def whole_line(self, text: RichText) -> None:
        """A line that must never be cut or folded (ids, commands): the terminal wraps it."""
        self.console.print(text, soft_wrap=True)

    def heading(self, title: str, subtitle: str = "") -> None:
        text = _t(title, "bold")
        if subtitle:
            text.append(f"  {subtitle}", style="dim")
        self.print(text)

    def ident(self, record_id: str) -> Styled:
        text = _t(record_id, "cyan")
        if record_id in self.origins:
            text.append(f" {_(YOURS)}", style="yellow")
            self.marked.add(self.origins[record_id])
        return text

    def yours_footer(self) -> None:
        """After a page that showed the user's records: where they come from."""
        if self.marked:
            # The files' paths whole, never folded mid-name: the terminal wraps the line.
            self.print("")
            self.whole_line(_t(_("{yours}: from your content folder, not the article: {files}")
                               .format(yours=_(YOURS), files=", ".join(sorted(self.marked))),
                               "yellow"))

    def _lang(self, text: model.Text | None) -> str:
        return text.get(self.language) if text is not None else ""

    def figure_lines(self, stats: Sequence[model.Stat], corpus: Corpus) -> list[Line]:
        """Each linked figure as a sentence with its source; the id always whole."""
        lines: list[Line] = []
        for stat in stats:
            line = _t("• ", "dim")
            line.append(figures.sentence(stat, self.language), style="bold")
            line.append(f" — {self.attribution(stat, corpus)}", style="dim")
            lines.append(Line(line, stat.id))
        return lines

    def linked_figures(self, record: model.Record, corpus: Corpus) -> list[Line]:
        """The lines for every figure linked to `record`, either way."""
        stats = figures_for(corpus, record.id, getattr(record, "related", ()))
        return self.figure_lines(stats, corpus)

    def credited_lines(self, record: model.Record, corpus: Corpus) -> list[Line]:
        """What else is credited to `record` besides its figures (a source's pillars), one
        line each with its id."""
        lines: list[Line] = []
        for credited in credited_with(corpus, record.id):
            kind = kinds.of_record(credited)
            if kind is None or kind.layout == kinds.FIGURES:
                continue  # figures have lines of their own
            line = _t("• ", "dim")
            line.append(f"{_(NOUN_LABELS.get(kind.noun, kind.noun.capitalize()))}: ", style="dim")
            line.append(kind.headline_text(credited, self.language), style="bold")
            lines.append(Line(line, credited.id))
        return lines

    def attribution(self, stat: model.Stat, corpus: Corpus) -> str:
        return attribution_text(source_of(stat, corpus), self.language)

    # --- commands ---------------------------------------------------------------------------

    def overview(self, corpus: Corpus, version: str) -> None:
        self.heading(f"binatsec {version}",
                     _("an offline reference on US–Mexico security cooperation"))
        yours = corpus.origins()
        if yours:
            folders = sorted({str(Path(path).parent) for path in yours.values()})
            self.print(_t(ngettext(
                "The bundled content is drawn from one source article; {count} record comes "
                "from your folder ({folders}), not the article.",
                "The bundled content is drawn from one source article; {count} records come "
                "from your folder ({folders}), not the article.", len(yours)).format(
                    count=len(yours), folders=", ".join(folders)), "yellow"), "")
        else:
            self.print(_t(_("All content is drawn from one source article; figures are "
                            "reported as the article gives them."), "dim"), "")
        rows = [(k.name, str(len(corpus.of(k.name))), _(k.summary)) for k in kinds.sections()]
        self.table((_("command"), _("items"), _("what")), rows)
        self.print("", _t(_("Try:"), "bold"))
        # A student's first goals first: a quiz, and a search.
        for example in ("binatsec quiz --count 5", "binatsec search fentanyl",
                        "binatsec faq merida", "binatsec stats seizures",
                        "binatsec timeline --from 2000", "binatsec stats --json"):
            self.whole_line(_t(f"  {example}", "green"))
        self.print(_t(_("Run 'binatsec COMMAND --help' for options."), "dim"))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str | RichText]],
              title: str = "", whole: Sequence[int] = ()) -> None:
        """A table, or one "key: value" block per row when it would not fit.

        Columns in `whole` (ids, values) are never cut or folded, and other columns are
        wrapped at spaces, never inside a word: the table is drawn only if it fits so;
        otherwise every row becomes "key: value" lines, the whole ones on lines of their own.
        """
        table = self._table(headers, rows, title, whole)
        if table is not None and not self.narrow:
            self.print(table)
            return
        if title:
            # Titles end in an id, "(seizures)": let the terminal wrap, never cut.
            self.whole_line(_t(title, "bold"))
        for row in rows:
            for index, (header, cell) in enumerate(zip(headers, row, strict=False)):
                plain = cell.plain if isinstance(cell, RichText) else cell
                if not plain.strip():
                    continue  # nothing to say (a figure without a note)
                line = _t(f"{header}: ", "dim")
                line.append(cell if isinstance(cell, RichText) else _t(cell))
                # A one-word value (an id, a command name) is never folded mid-word.
                if index in whole or not re.search(r"\s", plain.strip()):
                    self.whole_line(line)
                else:
                    self.print(line)
            self.print("")

    def _table(self, headers: Sequence[str], rows: Sequence[Sequence[str | RichText]],
               title: str, whole: Sequence[int]) -> Table | None:
        """The table with every column's width decided here, or None if it cannot fit.

        Whole columns get their widest line; the others at least their longest word (an id
        under a label is one word), and the room left goes to them up to their widest line.
        """
        columns = [[header, *(row[index] for row in rows)] for index, header in
                   enumerate(headers)]
        widest = [_widest(cells) for cells in columns]
        least = [widest[i] if i in whole else _longest_word(cells)
                 for i, cells in enumerate(columns)]
        room = self.console.width - 3 * len(headers)  # padding, and what Rich keeps aside
        if sum(least) > room:
            return None
        widths = list(least)
        for index in range(len(widths)):
            extra = min(widest[index] - widths[index], room - sum(widths))
            widths[index] += max(0, extra)
        table = Table(*headers, box=box.SIMPLE_HEAD, title=title or None, title_justify="left",
                      title_style="bold", show_edge=False, pad_edge=False)
        for index, column in enumerate(table.columns):
            column.width = widths[index]
            column.no_wrap = index in whole
        for row in rows:
            table.add_row(*(c if isinstance(c, RichText) else _t(c) for c in row))
        return table

    def card(self, title: str, record_id: str, body: Sequence[tuple[str, str]],
             extra: Sequence[Line] = ()) -> None:
        head = _t(title, "bold")
        if self.narrow:
            self.print(head)
            self.whole_line(self.ident(record_id))
            parts: list[RenderableType] = []
        else:
            head.append("  ")
            head.append(self.ident(record_id))
            parts = [head]
        for label, text in body:
            if not text:
                continue
            line = _t(f"{label}: ", "bold dim") if label else Styled()
            line.append(text)
            parts.append(Padding(line, (0, 0, 0, 2), expand=False))
        self.print(*parts)
        for figure in extra:
            self.lines(figure)
        self.print("")

    def lines(self, line: Line) -> None:
        text = line.text.copy()
        if self.narrow:
            self.print(Padding(text, (0, 0, 0, 2), expand=False))
            indented = _t("  ")
            indented.append_text(self.ident(line.record_id))
            self.whole_line(indented)
            return
        text.append("  ")
        text.append(self.ident(line.record_id))
        self.print(Padding(text, (0, 0, 0, 2), expand=False))

    def stats(self, stats: Sequence[model.Stat], corpus: Corpus, unit: str | None) -> None:
        names = {c.id: self._lang(c.name) for c in corpus.categories}
        order = [c.id for c in corpus.categories]
        for category in sorted({s.category for s in stats}, key=order.index):
            chosen = [s for s in stats if s.category == category]
            wide, narrow = [], []
            for stat in chosen:
                target = unit if unit and figures.convertible(stat, unit) else stat.unit
                # The value column holds the value alone, never split; the article's own
                # figure after a conversion, and its note, go under the label.
                notes = [text for text in (figures.article_note(stat, target,
                                                               self.language).strip("()"),
                                           self._lang(stat.note)) if text]
                amount = figures.format_amount(figures.shown_value(stat, target), target,
                                               self.language)
                qualifier: str = _(QUALIFIERS.get(stat.qualifier, stat.qualifier))
                facts: list[str | RichText] = [
                    _t(amount, "bold"), qualifier, stat.when_text(self.language) or "—",
                    self.short_source(stat, corpus)]
                figure = _t(self._lang(stat.label))
                figure.append("\n")
                figure.append(self.ident(stat.id))
                for note in notes:
                    figure.append("\n")
                    figure.append(note, style="dim")
                wide.append([figure, *facts])
                narrow.append([_t(self._lang(stat.label)), self.ident(stat.id), *facts,
                               _t("; ".join(notes), "dim")])
            headers = [_("figure"), _("value"), _("qualifier"), _("year"), _("source")]
            title = f"{names[category]} ({category})"
            table = self._table(headers, wide, title, (1, 2, 3))
            if table is not None and not self.narrow:
                self.print(table)
            else:
                self.table([_("figure"), _("id"), _("value"), _("qualifier"), _("year"),
                            _("source"), _("note")], narrow, title, whole=(1, 2, 3, 4))
            self.print("")
        theirs = "" if not any(s.id in self.origins for s in stats) else (
            _(" (those marked {yours} come from your folder, not the article)")
            .format(yours=_(YOURS)))
        self.print(_t(_("Figures as the article reports them{theirs}; 'qualifier' is its hedge "
                        "(over, nearly, about) or 'exact'. Source '{unnamed}': the article "
                        "names no source for the figure.").format(theirs=theirs,
                                                                   unnamed=_(UNNAMED_SHORT)),
                      "dim"))
        if unit and any(figures.converted(s, unit) for s in stats
                        if figures.convertible(s, unit)):
            self.print(_t(_(CONVERTED_NOTE).format(unit=unit), "dim"))

    def short_source(self, stat: model.Stat, corpus: Corpus) -> str:
        source = source_of(stat, corpus)
        return source.short_name.get(self.language) if source is not None else _(UNNAMED_SHORT)

    def chart(self, stats: Sequence[model.Stat], unit: str,
              left_out: Sequence[model.Stat] = ()) -> None:
        """Horizontal bars for figures that share a unit, each with its id; then which
        figures were left out, and why."""
        values = [(s, figures.convert(s.value, s.unit, unit)) for s in stats]
        largest = max(v for _, v in values)
        labels = [self._lang(s.label) for s, _ in values]
        amounts = [figures.figure_text(s, unit, self.language) for s, _ in values]
        label_width = max(len(x) for x in labels)
        amount_width = max(len(a) for a in amounts)
        id_width = max(len(s.id) for s in stats)
        bar_room = self.console.width - label_width - amount_width - id_width - 6
        # Nothing is cut: when labels, amounts, ids and a usable bar don't fit on one line,
        # each figure gets its own lines (label, bar, amount, id) instead.
        stacked = self.narrow or bar_room < 10
        if stacked:
            bar_room = max(1, self.console.width - 1)
        self.heading(_("Compared in {unit}").format(unit=unit),
                     _("bar length is proportional to the figure"))
        for (stat, value), label, amount in zip(values, labels, amounts, strict=False):
            size = max(1, round(bar_room * value / largest)) if largest else 1
            if stacked:
                self.print(_t(label), _t("█" * size, "magenta"))
                self.whole_line(_t(amount, "bold"))
                self.whole_line(self.ident(stat.id))
                self.print("")
                continue
            line = _t(label.ljust(label_width) + " ")
            line.append("█" * size, style="magenta")
            line.append(" " * (bar_room - size + 1) + amount.rjust(amount_width), style="bold")
            line.append("  ")
            line.append(self.ident(stat.id))
            self.whole_line(line)
        notes = []
        if any(figures.converted(s, unit) for s in stats):
            notes.append(_(CONVERTED_NOTE).format(unit=unit))
        if left_out:
            units = sorted({s.unit for s in left_out})
            notes.append(_("Not charted ({units}, which a bar in {unit} cannot show): {ids}.")
                         .format(units=", ".join(units), unit=unit,
                                 ids=", ".join(s.id for s in left_out)))
        if notes:
            # Stacked figures already end in a blank line.
            self.print(*([] if stacked else [""]), *(_t(note, "dim") for note in notes))

    def index(self, kind: Kind, records: Sequence[model.Record]) -> None:
        """A table of ids and headlines (a listing that shows no text until asked)."""
        # Full ids, as every other command shows them; the short form is accepted too.
        rows = [(self.ident(r.id), _t(kind.headline_text(r, self.language))) for r in records]
        self.table((_("id"), kind.noun), rows)

    def cards(self, kind: Kind, records: Sequence[model.Record], corpus: Corpus) -> None:
        """Any kind's records as cards: its headline, its body fields, its figures."""
        for record in records:
            parts = [(_(label), self.field_text(getattr(record, key, None)))
                     for label, key in kind.body]
            extra = self.linked_figures(record, corpus)
            if kind.credited:
                extra += self.credited_lines(record, corpus)
            self.card(kind.headline_text(record, self.language), record.id, parts, extra)

    def field_text(self, value: object) -> str:
        if isinstance(value, model.Text):
            return value.get(self.language)
        return value if isinstance(value, str) else ""

    def search(self, hits: Sequence[Hit], query: str, total: int,
               searched_for: str | None = None) -> None:
        if searched_for:
            # A word of the query is not in the content: say which query was searched.
            self.print(_t(_("Showing results for '{searched}' (nothing matched '{query}')")
                          .format(searched=searched_for, query=query), "bold"))
        found = ngettext("{count} result for '{query}'", "{count} results for '{query}'",
                         total).format(count=total, query=searched_for or query)
        if total > len(hits):
            found += _("; the best {count} shown (--limit to see more)").format(count=len(hits))
        self.print(_t(found, "dim"), "")
        for hit in hits:
            head = _t(f"[{hit.section}] ", "dim")
            head.append(self.ident(hit.record.id))
            self.whole_line(head)
            text = Styled(hit.text)
            if len(text.plain) == len(hit.text):
                for start, end in hit.spans:
                    text.stylize("bold reverse", start, end)
            if hit.title != hit.text:
                self.print(Padding(_t(hit.title, "bold"), (0, 0, 0, 2), expand=False))
            self.print(Padding(text, (0, 0, 0, 2), expand=False), "")

    def problems(self, problems: Sequence[Problem], checked: str,
                 truncated: bool = False) -> None:
        if not problems:
            self.print(_t(_("✓ {checked}: no problems").format(checked=checked), "green"))
            return
        for problem in problems:
            # One problem per line, unfolded, so `binatsec lint | grep BC005` finds it whole;
            # a newline in an id or a file name is shown escaped, so it cannot forge a line.
            self.whole_line(_t(visible_text(str(problem)), "" if problem.is_error else "yellow"))
        errors = sum(problem.is_error for problem in problems)
        warnings = len(problems) - errors
        counts = [*([ngettext("{count} problem", "{count} problems", errors)
                     .format(count=errors)] if errors else []),
                  *([ngettext("{count} warning", "{count} warnings", warnings)
                     .format(count=warnings)] if warnings else [])]
        # The folder's path whole, never folded mid-name.
        self.whole_line(_t(_("{counts} in {checked}").format(
            counts=_(" and ").join(counts), checked=checked), "red" if errors else "yellow"))
        if truncated:
            self.print(_t(_("Checking stopped there: there may be more."), "red"))

    def quiz_history(self, history: History, due: int,
                upcoming: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        """Past quizzes, then what the schedule holds: how many questions are due now, and
        when the next ones are (`upcoming`: the days ahead and their questions)."""
        if not history.quizzes:
            self.print(_t(_("No quizzes yet: start one with 'binatsec quiz'."), "dim"))
            self.schedule(due, upcoming)
            return
        rows: list[tuple[str, Styled, str, str]] = []
        for quiz in history.quizzes:
            when = quiz.finished_at.replace("T", " ").removesuffix("Z")
            if quiz.complete and quiz.total:
                score = f"{quiz.score}/{quiz.total} ({round(100 * quiz.score / quiz.total)}%)"
            else:  # unfinished: out of the questions answered, no percentage
                score = unfinished_score(quiz.score, quiz.total, quiz.planned - quiz.total)
            topic = topic_name(quiz.topic) + (_(" (review)") if quiz.review else "")
            rows.append((when, _t(topic), score, str(quiz.seed)))
        count = len(history.quizzes)
        self.print(_t(ngettext("Quiz history: {count} quiz", "Quiz history: {count} quizzes",
                               count).format(count=count), "bold"))
        # The shared table: "key: value" lines on a narrow terminal, so no seed or date is cut.
        self.table((_("finished (UTC)"), _("topic"), _("score"), _("seed")), rows)
        self.schedule(due, upcoming)

    def schedule(self, due: int, upcoming: Sequence[tuple[str, Sequence[str]]]) -> None:
        """"3 questions due now; next: 2 more on 2026-12-01", and how to review them."""
        if not due and not upcoming:
            return
        line = (ngettext("{count} question due now", "{count} questions due now", due)
                .format(count=due) if due else _("No questions due now"))
        if upcoming:
            day, ids = upcoming[0]
            if due:
                later = ngettext("; next: {count} more on {day}", "; next: {count} more on {day}",
                                 len(ids))
            else:
                later = ngettext("; next: {count} question on {day}",
                                 "; next: {count} questions on {day}", len(ids))
            line += later.format(count=len(ids), day=day)
        self.print("", _t(line, "bold"))
        if due:
            self.whole_line(_t(_("Review them first: binatsec quiz --review"), "dim"))


    # --- one entry point per result -----------------------------------------------------------

    def show(self, result: results.Result) -> None:
        """Draw any command's result (an empty one draws nothing: the caller says so)."""
        match result:
            case results.Overview(corpus=corpus):
                self.overview(corpus, __version__)
            case results.Listing():
                self.listing(result)
            case results.Figures(stats=stats, corpus=corpus, unit=unit, shown_unit=shown):
                if not stats and result.missing:
                    pass  # the caller says why nothing was found
                elif result.chart and stats and shown:
                    self.chart(stats, shown, result.left_out)
                elif not result.chart:
                    self.stats(stats, corpus, unit)
            case results.Found(query=query, hits=hits, total=total, searched_for=searched_for):
                if hits:
                    self.search(hits, query, total, searched_for)
            case results.LintReport(checked=checked, problems=problems, truncated=truncated):
                self.problems(problems, checked, truncated)
            case results.QuizHistory(history=history, due=due):
                self.quiz_history(history, len(due), result.upcoming)
            case _:
                pass  # a quiz draws itself as it is played

    def listing(self, result: results.Listing) -> None:
        """A section's records as its kind lays them out: under the section's heading (with
        the kind's subtitle), or, for a look-up the kind shows bare, after a line saying how
        many matched; as an index until a query names some, or as cards."""
        kind, chosen = result.kind, result.records
        if not chosen and result.missing:
            return
        looked_up = bool(result.query)
        if looked_up and not kind.heading_on_lookup:
            if len(chosen) > 1:
                self.print(_t(_("{counted} match; best first.").format(
                    counted=counted(len(chosen), kind.noun)), "dim"),
                           "")
        else:
            self.heading(kind.long_title,
                         _(kind.subtitle).replace("{count}", counted(len(chosen), kind.noun)))
            if kind.layout == kinds.INDEX and not looked_up:
                self.index(kind, chosen)
                return
            self.print("")
        self.cards(kind, chosen, result.corpus)


class _Origins(Mapping[str, str]):
    """The user's file of each record, asked record by record: `Corpus.origins()` whole
    would build every kind of a large folder to mark the few records a page shows."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self._corpus.origin(record_id) is not None

    def __getitem__(self, record_id: str) -> str:
        found = self._corpus.origin(record_id)
        if found is None:
            raise KeyError(record_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._corpus.origins())

    def __len__(self) -> int:
        return len(self._corpus.origins())


def render(result: results.Result, env: Environment) -> None:
    """Draw `result` for people on stdout."""
    corpus = getattr(result, "corpus", None)
    origins: Mapping[str, str] = _Origins(corpus) if isinstance(corpus, Corpus) else {}
    renderer = Renderer(make_console(env), result.language, origins)
    renderer.show(result)
    renderer.yours_footer()
