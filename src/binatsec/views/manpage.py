"""binatsec(1) as a roff man page, from a description of the commands (cli/docs.py makes it
by walking the same Typer app that parses the command line, so the two never disagree).

Plain man(7) macros only (TH, SH, SS, TP, PP, RS/RE, nf/fi, B, I), so man-db, groff and
mandoc all render it. Every text is escaped: backslashes, hyphens (as \\- so options copy
and paste), a leading dot or quote, and anything outside ASCII as \\[uXXXX].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from binatsec.frozen import Frozen
from binatsec.i18n import N_, _


class CommandDoc(Frozen):
    """One command as the man page shows it."""

    path: str  # "binatsec quiz history"
    usage: str  # "binatsec stats [OPTIONS] [CATEGORY]"
    help: str  # its help, paragraphs separated by blank lines
    arguments: tuple[tuple[str, str], ...]  # ("CATEGORY", "A category (seizures, ...)")
    options: tuple[tuple[str, str], ...]  # ("-n, --limit N", "Show at most ...")
    examples: tuple[str, ...] = ()


class Page(Frozen):
    name: str
    version: str
    summary: str  # the NAME line, after the dash
    root: CommandDoc
    commands: tuple[CommandDoc, ...]
    exit_status: tuple[tuple[str, str], ...]
    environment: tuple[tuple[str, str], ...]
    see_also: str = ""


def escape(text: str) -> str:
    """Text as roff reads it literally (within a line)."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)


def _line(text: str) -> str:
    """One input line of text: never mistaken for a request (a leading . or ')."""
    escaped = escape(text)
    return f"\\&{escaped}" if escaped.startswith((".", "'")) else escaped


def _paragraphs(text: str) -> Iterable[list[str]]:
    block: list[str] = []
    for raw in text.splitlines():
        line = raw.replace("\b", "").rstrip()
        if line.strip():
            block.append(" ".join(line.split()))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _prose(text: str) -> list[str]:
    out: list[str] = []
    for number, block in enumerate(_paragraphs(text)):
        if number:
            out.append(".PP")
        out.extend(_line(line) for line in block)
    return out


def _term(term: str) -> str:
    """An option's names in bold and its value in italics (\\fB\\-n\\fR, \\fB\\-\\-limit\\fR
    \\fIN\\fR); an argument in italics."""
    parts = []
    for piece in term.split(", "):
        name, _, value = piece.partition(" ")
        if name.startswith("-"):
            shown = f"\\fB{escape(name)}\\fR"
            parts.append(f"{shown} \\fI{escape(value)}\\fR" if value else shown)
        else:
            parts.append(f"\\fI{escape(piece)}\\fR")
    return ", ".join(parts)


def _definitions(items: Sequence[tuple[str, str]], bold: bool = False) -> list[str]:
    out: list[str] = []
    for term, text in items:
        out.append(".TP")
        out.append(f"\\fB{escape(term)}\\fR" if bold else _term(term))
        out.extend(_prose(text) or [""])
    return out


def _command(doc: CommandDoc, heading: bool = True) -> list[str]:
    out = [f'.SS "{escape(doc.path)}"'] if heading else []
    out += [".PP", f"\\fB{escape(doc.usage)}\\fR", ".PP", *_prose(doc.help)]
    if doc.arguments:
        out += [".PP", escape(_("Arguments") + ":"), *_definitions(doc.arguments)]
    if doc.options:
        out += [".PP", escape(_("Options") + ":"), *_definitions(doc.options)]
    if doc.examples:
        out += [".PP", escape(_("Examples:")), ".RS", ".nf", *(_line(e) for e in doc.examples),
                ".fi", ".RE"]
    return out


def _section(name: str) -> str:
    """A section's heading, in the run's language (man's own names: NAME, SYNOPSIS, ...)."""
    return f".SH {escape(_(name))}"


def render(page: Page) -> str:
    """The whole man page, one roff document."""
    title = page.name.upper()
    manual = escape(_("User Commands"))
    out = [
        f'.TH {title} 1 "" "{escape(page.name)} {escape(page.version)}" "{manual}"',
        ".nh",  # no hyphenation: option and variable names stay whole
        ".ad l",
        _section(N_("NAME")),
        f"{escape(page.name)} \\- {escape(page.summary)}",
        _section(N_("SYNOPSIS")),
        f"\\fB{escape(page.root.usage)}\\fR",
        _section(N_("DESCRIPTION")),
        *_prose(page.root.help),
        _section(N_("OPTIONS")),
        *_definitions(page.root.options),
    ]
    if page.root.arguments:
        out += [_section(N_("ARGUMENTS")), *_definitions(page.root.arguments)]
    if page.root.examples:
        out += [_section(N_("EXAMPLES")), ".nf", *(_line(e) for e in page.root.examples), ".fi"]
    out.append(_section(N_("COMMANDS")))
    for doc in page.commands:
        out += _command(doc)
    out += [_section(N_("EXIT STATUS")), *_definitions(page.exit_status, bold=True)]
    out += [_section(N_("ENVIRONMENT")), *_definitions(page.environment, bold=True)]
    if page.see_also:
        out += [_section(N_("SEE ALSO")), *_prose(page.see_also)]
    return "\n".join(out) + "\n"
