"""The quiz's options, declared once: `binatsec quiz` and `binatsec myths --quiz` take them.

Apart from cli/quiz.py, so that building the read commands (myths among them) does not
import the quiz command itself on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from binatsec.quiz import ALL, SEED_LIMIT


def topics() -> list[str]:
    """The quiz topics (quiz/topics.py), then "all"."""
    from binatsec.quiz import topics as registry  # it imports the makers: only quizzes need it

    return [*registry.names(), ALL]


# The quiz's options, declared once: `binatsec quiz` and `binatsec myths --quiz` take them all.
# --topic's {topics} and its [a|b|all] are written when the quiz command is built
# (cli/quiz.py's QuizGroup), from the registry of topics as it is then.
TopicOption = Annotated[str, typer.Option(
    "--topic", "-t", help="What to be asked about: {topics}.",
    autocompletion=lambda incomplete: [t for t in topics() if t.startswith(incomplete)])]
CountOption = Annotated[int, typer.Option(
    "--count", "-n", min=1, metavar="N", help="How many questions (at most one per record).")]
SeedOption = Annotated[Optional[int], typer.Option(  # noqa: UP045 - Typer reads it at run time
    "--seed", min=0, max=SEED_LIMIT - 1, metavar="N",
    help="Choose the questions with this seed; the same seed and answers give the same "
    "output. Without it a seed is picked and shown.", show_default=False)]
AnswersOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--answers", help="Answer without prompts: exactly one answer per question, "
    "comma-separated (a,m,2,...): a letter, a number or an option's text (\"over 15000\", "
    "or the figure alone: 15000) for multiple choice, m/f for myth or fact. Too few or too "
    "many answers is a usage error (exit 2), like an answer that is not one of the options.",
    metavar="ANSWERS", show_default=False)]
NoSaveOption = Annotated[bool, typer.Option(
    "--no-save", help="Don't record this quiz in your history.")]
ReviewOption = Annotated[bool, typer.Option(
    "--review", help="Ask first the questions due again on your review schedule (those you "
    "missed, and those you knew, after days or weeks); see 'binatsec quiz history'.")]
NoInputOption = Annotated[bool, typer.Option(
    "--no-input", help="Never prompt: read answers from --answers or stdin only, and fail "
    "if stdin is a terminal.")]
PrintOption = Annotated[bool, typer.Option(
    "--print", help="Don't play: write the questions as a numbered worksheet, then their "
    "answer key (with --json: for a script to prepare --answers). The same seed gives the "
    "same sheet; nothing is saved and nothing is asked.")]
# What --print writes (--format), any case: the first is the default. pdf is binary: a file
# or a pipe, never a terminal. --paper matters to pdf and to html's print CSS.
SHEET_FORMATS = ("text", "markdown", "html", "pdf")
BINARY_SHEETS = ("pdf",)
SHEET_SUFFIXES = {"text": ".txt", "markdown": ".md", "html": ".html", "pdf": ".pdf"}
PAPERS = ("a4", "letter")
# None when not given: only --print takes them, so giving one without it is a usage error.
SheetFormatOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--format", "-f", help="With --print, what to write: text (the default), markdown, html "
    "(a page to print or share) or pdf (needs the binatsec[pdf] extra; to --output FILE or a "
    "pipe, never a terminal). Any case.", metavar="[" + "|".join(SHEET_FORMATS) + "]",
    show_default=False,
    autocompletion=lambda incomplete: [f for f in SHEET_FORMATS
                                       if f.startswith(incomplete.casefold())])]
SheetOutputOption = Annotated[Optional[Path], typer.Option(  # noqa: UP045
    "--output", "-o", help="With --print, write to this file instead of stdout, in one step "
    "(a reader never sees half a file); '-' for stdout.", metavar="FILE", dir_okay=False,
    allow_dash=True, show_default=False)]
PaperOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--paper", help="With --print, the paper size for pdf and for printing html: a4 (the "
    "default) or letter. Any case.", metavar="[" + "|".join(PAPERS) + "]", show_default=False,
    autocompletion=lambda incomplete: [p for p in PAPERS
                                       if p.startswith(incomplete.casefold())])]
# Their parameter names, for a command that takes them only with another flag (myths --quiz).
QUIZ_PARAMETERS = ("count", "seed", "answers", "no_save", "review", "no_input", "print_sheet",
                   "sheet_format", "output", "paper")


def quiz_options_given(ctx: typer.Context) -> list[str]:
    """The quiz options given on the command line (as typed: --count), in declared order."""
    def typed(name: str) -> bool:
        source = ctx.get_parameter_source(name)  # Click's ParameterSource (Typer vendors it)
        return source is not None and source.name != "DEFAULT"

    return [p.opts[0] for p in ctx.command.params
            if p.name in QUIZ_PARAMETERS and typed(p.name)]
