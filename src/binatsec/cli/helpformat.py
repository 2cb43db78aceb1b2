"""How --help is laid out: within the terminal's width, however narrow, and on a wide one at
a readable measure.

Click wraps help to the terminal's width, but never below 50 columns (so at 40 every other
line ran off the screen), cuts a value name at its hyphen ("[ID-OR-" / "WORDS]..."), keeps
an option's name and value on one line however long, and leaves an example command as long
as it is. Here help is wrapped at the run's width (`Environment.width`, which COLUMNS sets),
at most HELP_MEASURE columns; below NARROW_HELP, options and commands are listed with their
help under them rather than beside them; and an example too long for the line is folded
as a shell reads it, with a backslash at the end of each line but the last.

Help is also in the run's language (binatsec.i18n): the "Usage:" prefix is passed translated,
the words Typer marks for gettext itself (the "Options", "Arguments" and "Commands"
headings, "[default: ...]", "[env var: ...]", "[required]") go through binatsec's catalog, and
each command's help, its options' and its help option's are translated as the help is drawn
(`localize`), so a command built before the language was known still speaks it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import typer
import typer.core

# Typer 0.28 (which pyproject.toml pins below 0.29) carries its own copy of click.
from typer._click.formatting import HelpFormatter, wrap_text

from binatsec.cli.examples import EXAMPLES
from binatsec.i18n import N_, _

# Typer's own words, which typer.core looks up through its module's `_` (gettext's, bound to
# no catalog): binatsec's catalog has them, so they are said in the run's language.
TYPER_WORDS = (N_("Options"), N_("Arguments"), N_("Commands"), N_("default: {default}"),
               N_("env var: {var}"), N_("required"), N_("(dynamic)"), N_("Missing command."),
               N_("Aborted!"))
setattr(typer.core, "_", _)  # noqa: B010 - typer.core does not export its `_`
# The help option's text, which click writes in English (typer._click.decorators).
HELP_OPTION_HELP = N_("Show this message and exit.")
# Typer's shell completion options' help (the top level only).
COMPLETION_HELP = (N_("Install completion for the current shell."),
                   N_("Show completion for the current shell, to copy it or customize the "
                      "installation."))
# How click names a command's options and a group's command in a usage line.
USAGE_WORDS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))

HELP_MEASURE = 100  # the widest help is wrapped, on a very wide terminal: a readable measure
NARROW_HELP = 60  # below this width, a definition's help goes under it, not beside it
LEAST = 18  # the narrowest help is drawn (Environment.width is never below 20)


def help_width(columns: int) -> int:
    """The width help is wrapped to on a terminal of `columns`: click's margin of 2, at most
    the measure."""
    return max(LEAST, min(columns, HELP_MEASURE) - 2)


def fold_term(term: str, width: int) -> list[str]:
    """An option's name and value name in lines of at most `width`: broken at spaces, and a
    word too long for a line after a '|' or a ',' ([myths|faq|...])."""
    if len(term) <= width:
        return [term]
    lines: list[str] = []
    line = ""
    for word in term.split(" "):
        # A word that fits a line of its own is never cut.
        for index, part in enumerate([word] if len(word) <= width else _parts(word, width)):
            joint = " " if line and index == 0 else ""
            if line and len(line) + len(joint) + len(part) <= width:
                line += joint + part
            else:
                if line:
                    lines.append(line)
                line = part
    return [*lines, line] if line else lines


def _parts(word: str, width: int) -> list[str]:
    """A word cut after each '|' and ',', and anything still wider than `width` cut at it."""
    parts = [part for part in re.split(r"(?<=[|,])", word) if part]
    return [part[start:start + width] for part in parts
            for start in range(0, len(part), width)] or [""]


def fold_command(line: str, width: int) -> list[str]:
    """A command line of an example in lines of at most `width` where its words allow, each
    but the last ending in ' \\', so it still pastes into a shell whole."""
    if len(line) <= width:
        return [line]
    lead = line[:len(line) - len(line.lstrip())]
    lines: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else f"{lead}{word}"
        if current and len(candidate) + 2 > width:
            lines.append(f"{current} \\")
            current = f"{lead}  {word}"
        else:
            current = candidate
    lines.append(current)
    return lines


class Formatter(HelpFormatter):
    """click's help formatter, kept within `width` at any width (see the module)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = _("Usage: ")
        usage = f"{prefix:>{self.current_indent}}{prog}"
        room = self.width - self.current_indent
        if len(usage) > room:  # a very narrow terminal: the command under "Usage:"
            under = " " * (self.current_indent + 2)
            usage = f"{prefix.rstrip():>{self.current_indent}}\n{under}{prog}"
        if not args:
            self.write(f"{usage}\n")
            return
        # A value name is never cut, at its hyphens or anywhere: [ID-OR-WORDS]... stays whole.
        wrap = textwrap.TextWrapper(room, break_on_hyphens=False, break_long_words=False)
        longest = max(len(word) for word in args.split())
        beside = room - len(usage.rsplit("\n", 1)[-1]) - 1
        if beside >= max(12, longest):  # every value name fits beside the command
            wrap.initial_indent = f"{usage} "
            wrap.subsequent_indent = " " * (len(usage) + 1)
            lines = wrap.wrap(args)
        else:  # under it, indented as click does where there is room
            indent = max(self.current_indent, len(prefix)) + 4
            if room - indent < longest:
                indent = self.current_indent + 4
            wrap.initial_indent = wrap.subsequent_indent = " " * indent
            lines = [usage, *wrap.wrap(args)]
        self.write("\n".join(lines) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        if self.width >= NARROW_HELP:
            super().write_dl(rows, col_max, col_spacing)
            return
        indent = " " * self.current_indent
        room = max(1, self.width - self.current_indent)
        for first, second in rows:
            for line in fold_term(first, room):
                self.write(f"{indent}{line}\n")
            if second:
                text = wrap_text(second, max(10, room - 4), initial_indent=f"{indent}    ",
                                 subsequent_indent=f"{indent}    ", preserve_paragraphs=True)
                self.write(f"{text}\n")

    def write_text(self, text: str) -> None:
        super().write_text(self._folded(text.splitlines()))

    def _folded(self, lines: Iterable[str]) -> str:
        """`\\b` paragraphs (kept line by line, as click does) with each command line that
        is too long folded; the rest is wrapped by click."""
        room = self.width - self.current_indent
        kept = False
        out: list[str] = []
        for line in lines:
            if line.strip() == "\b":
                kept = True
            elif not line.strip():
                kept = False
            if kept and line.strip().startswith("binatsec "):
                out.extend(fold_command(line, room))
            else:
                out.append(line)
        return "\n".join(out)


def first_paragraph(text: str) -> str:
    """A command's line in its group's list: the whole first paragraph of its help."""
    return " ".join(text.partition("\f")[0].strip().split("\n\n")[0].split())


def _said(thing: Any, attribute: str) -> None:
    """`thing.attribute` (a help text) in the run's language, from its English, which is kept
    beside it: the same command objects may serve runs in either language (tests)."""
    english = getattr(thing, f"_english_{attribute}", None)
    if english is None:
        english = getattr(thing, attribute, None)
        if not isinstance(english, str):
            return
        setattr(thing, f"_english_{attribute}", english)
    setattr(thing, attribute, _(english))


def _said_examples(command: Any) -> None:
    """An "Examples:" epilog (cli/app.py's polish) under its heading in the run's language;
    the commands stay as they are typed."""
    english = getattr(command, "_english_epilog", None)
    if english is None:
        english = command.epilog
        if not isinstance(english, str):
            return
        command._english_epilog = english
    lines = english.split("\n")
    if len(lines) > 1 and lines[:2] == ["\b", EXAMPLES]:
        lines[1] = _(EXAMPLES)
    command.epilog = "\n".join(lines)


def localize(command: Any, ctx: typer.Context | None = None) -> None:
    """`command`'s help, its options' help and its subcommands' lines in the run's
    language (each text that the catalog has; the others as they are)."""
    for attribute in ("help", "short_help", "options_metavar", "subcommand_metavar"):
        _said(command, attribute)
    in_language = getattr(command, "help_in_language", None)
    if callable(in_language):  # a help made of translated parts (a section's)
        command.help = in_language()
    if getattr(command, "short_help_from_help", False) and command.help:
        command.short_help = first_paragraph(command.help)
    _said_examples(command)
    params = list(getattr(command, "params", ()))
    help_option = command.get_help_option(ctx) if ctx is not None else None
    if help_option is not None:
        params.append(help_option)
    for param in params:
        _said(param, "help")
    for sub in getattr(command, "commands", {}).values():
        localize(sub)


class HelpContext(typer.Context):
    """A context whose help is laid out by `Formatter`, at the width this run was given, in
    the run's language."""

    def make_formatter(self) -> HelpFormatter:
        from binatsec.cli.session import Session

        localize(self.command, self)

        run = self.find_root().obj
        if isinstance(run, Session):
            columns = run.env.width
        else:  # pragma: no cover - a run always has a session; a bare click call may not
            import shutil

            columns = shutil.get_terminal_size().columns
        return Formatter(width=help_width(columns))
