"""What a command found, computed once, before anyone decides how to show it.

Each command builds one result; `binatsec.cli.app.respond` hands it to the JSON view or the
terminal view, and raises "nothing found" when `missing` says so. Results are plain data:
no I/O, no Rich, no JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from binatsec.corpus.records import DEFAULT_LANGUAGE
from binatsec.frozen import Frozen

if TYPE_CHECKING:
    from pathlib import Path

    from binatsec.corpus.kinds import Kind
    from binatsec.corpus.problems import Problem
    from binatsec.corpus.records import Corpus, Record, Stat
    from binatsec.formats import Format
    from binatsec.queries import Hit
    from binatsec.quiz.engine import QuizResult
    from binatsec.quiz.history import History
    from binatsec.quiz.questions import Question


class Overview(Frozen):
    corpus: Corpus
    language: str = DEFAULT_LANGUAGE
    command: str = "overview"
    missing: str = ""


class Listing(Frozen):
    """The records of one kind that a command shows (all, or those a query chose)."""

    kind: Kind
    records: Sequence[Record]
    corpus: Corpus
    query: str | None = None  # the id or words asked for, as given; None: every record
    options: tuple[tuple[str, int | str | None], ...] = ()  # the command's own options, as
    # its JSON echoes them (the kind's `json_options`: timeline's from_year and to_year)
    language: str = DEFAULT_LANGUAGE
    missing: str = ""  # why nothing was found, when records is empty and that is an error

    @property
    def command(self) -> str:
        return self.kind.name


class Figures(Frozen):
    """`binatsec stats`: figures, maybe converted to `unit`, maybe as a chart."""

    stats: Sequence[Stat]
    corpus: Corpus
    category: str | None = None  # the category the query named, if it named one
    unit: str | None = None  # --unit, as asked
    shown_unit: str | None = None  # the unit every figure is shown in, where they share one
    chart: bool = False
    language: str = DEFAULT_LANGUAGE
    command: str = "stats"
    left_out: Sequence[Stat] = ()  # --chart: the figures of another unit, not drawn
    query: str | None = None  # the category, id or words asked for, as given; None: none
    source: str | None = None  # --source: the id of the body the figures are credited to
    missing: str = ""


class Found(Frozen):
    """`binatsec search`: the best hits, and how many there were in all."""

    query: str
    hits: Sequence[Hit]
    total: int
    searched_for: str | None = None  # the query as searched, when a word of it was replaced
    language: str = DEFAULT_LANGUAGE
    command: str = "search"
    missing: str = ""


class Export(Frozen):
    """The corpus, or some of its sections, in one of the registered formats."""

    corpus: Corpus
    format: Format
    sections: tuple[Kind, ...]  # the kinds to write, in the registry's order
    language: str = DEFAULT_LANGUAGE
    output: Path | None = None  # a file to write instead of stdout
    ascii_only: bool = False  # stdout carries ASCII only: JSON escapes the rest
    # The languages a bilingual format writes, the run's first; () is `language` alone.
    editions: tuple[str, ...] = ()
    command: str = "export"
    missing: str = ""

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages written: one document each for an edition (formats.FromEditions)."""
        return self.editions or (self.language,)


class LintReport(Frozen):
    checked: str
    problems: Sequence[Problem]
    truncated: bool = False  # checking stopped at the cap: there may be more
    language: str = DEFAULT_LANGUAGE
    command: str = "lint"
    missing: str = ""


class QuizOutcome(Frozen):
    play: QuizResult
    topic: str
    seed: int
    review: bool
    saved: bool
    query: str | None = None  # `myths WORDS --quiz`: the look-up whose records it asked
    language: str = DEFAULT_LANGUAGE
    command: str = "quiz"
    missing: str = ""


class QuizSheet(Frozen):
    """`binatsec quiz --print`: the questions a seed asks, to answer without playing, and
    their answer key. Never saved; the same seed gives the same sheet."""

    questions: tuple[Question, ...]
    topic: str
    seed: int
    review: bool
    play: str  # the command that plays these questions (and grades them, with --answers)
    query: str | None = None  # as QuizOutcome's
    scope: str = ""  # what the look-up chose, in words ("2 myths match 'merida'")
    language: str = DEFAULT_LANGUAGE
    # How --print writes it for people (--json ignores them): the format (text, markdown,
    # html or pdf), the paper for pdf and html's print CSS, the file (None: stdout).
    format: str = "text"
    paper: str = "a4"
    output: Path | None = None
    command: str = "quiz"
    missing: str = ""


class QuizHistory(Frozen):
    history: History
    file: str
    due: Sequence[str]  # question ids due now, the first to ask first
    upcoming: Sequence[tuple[str, Sequence[str]]] = ()  # (UTC day, ids) due later, soonest first
    language: str = DEFAULT_LANGUAGE
    command: str = "quiz-history"
    missing: str = ""


Result = (Overview | Listing | Figures | Found | Export | LintReport | QuizOutcome | QuizSheet
          | QuizHistory)
