"""A document as plain text for people: wrapped to a width, no markup, no colour.

It walks the document model (binatsec.document) like the Markdown writer: `quiz --print`'s
worksheet is written here. Every text from the content or the user goes through the text
rule (`safe_text`), on one line, before it is wrapped. Ids and commands are never wrapped
or cut: each stands on a line of its own, which the terminal folds if it must.
"""

from __future__ import annotations

import textwrap

from binatsec.document import (
    AnswerKey,
    Block,
    Command,
    DatedEvent,
    Definition,
    DefinitionList,
    Document,
    Entry,
    FigureTable,
    MythReality,
    Paragraph,
    Question,
    unreachable,
)
from binatsec.i18n import _
from binatsec.textsafety import SafeText, safe_text

MIN_WIDTH = 20
MAX_WIDTH = 100  # a readable measure, on however wide a terminal
INDENT = "   "  # under a numbered item ("12. "), options and answers line up


def _lines(text: str, width: int, first: str = "", rest: str = "") -> list[SafeText]:
    """`text` on one line per wrap, after `first` (the first line) or `rest` (the others);
    words are never broken, nor hyphenated words split."""
    wrapped = textwrap.wrap(safe_text(text, one_line=True), width=width, initial_indent=first,
                            subsequent_indent=rest, break_long_words=False,
                            break_on_hyphens=False)
    return [safe_text(line.rstrip()) for line in wrapped] or [safe_text(first.rstrip())]


def _whole(text: str, indent: str = "") -> SafeText:
    """An id or a command on a line of its own, never wrapped."""
    return safe_text(indent + safe_text(text, one_line=True))


def _heading(text: str, rule: str, width: int) -> list[SafeText]:
    lines = _lines(text, width)
    return [*lines, safe_text(rule * min(width, max(len(line) for line in lines))), safe_text("")]


def _question(question: Question, width: int) -> list[SafeText]:
    number = f"{question.number}. "
    hanging = " " * len(number)
    out = _lines(question.prompt, width, number, hanging)
    for choice in question.options:
        label = f"{hanging}{choice.key}) "
        out += _lines(choice.text, width, label, " " * len(label))
    return [*out, safe_text("")]


def _answer_key(key: AnswerKey, width: int) -> list[SafeText]:
    out: list[SafeText] = []
    for answer in key.answers:
        number = f"{answer.number}. "
        hanging = " " * len(number)
        explanation = answer.explanation + (f" ({answer.credit})" if answer.credit else "")
        if answer.text:
            out += _lines(f"{answer.key}) {answer.text}", width, number, hanging)
            out += _lines(explanation, width, hanging, hanging)
        else:  # the explanation says the answer whole
            out += _lines(f"{answer.key}) {explanation}", width, number, hanging)
        if answer.ids:
            out.append(_whole(_("Read: {ids}").format(ids=", ".join(answer.ids)), hanging))
        if answer.read:
            out.append(_whole(_("Read more: {command}").format(command=answer.read), hanging))
        out.append(safe_text(""))
    return out


def _record(block: Entry | MythReality | DatedEvent, width: int) -> list[SafeText]:
    out = _lines(block.headline, width)
    out.append(_whole(block.id, INDENT))
    for text in block.body:
        label = f"{text.label}: " if isinstance(text, Definition) else ""
        out += _lines(label + text.text, width, INDENT, INDENT)
    for figure in block.figures:
        out += _lines(f"{figure.sentence} ({figure.credit}) [{figure.id}]", width,
                      INDENT + "- ", INDENT + "  ")
    return [*out, safe_text("")]


def _figure_table(table: FigureTable, width: int) -> list[SafeText]:
    out: list[SafeText] = []
    for row in table.rows:
        when = f" ({row.when})" if row.when else ""
        out += _lines(f"{row.label}: {row.amount}{when}, {row.source}", width, "- ", "  ")
        out.append(_whole(row.id, "  "))
    return [*out, safe_text("")]


def _block(block: Block, width: int) -> list[SafeText]:
    match block:
        case Entry() | MythReality() | DatedEvent():
            return _record(block, width)
        case FigureTable():
            return _figure_table(block, width)
        case Paragraph():
            return [*_lines(block.text, width), safe_text("")]
        case DefinitionList():
            return [line for item in block.items
                    for line in (*_lines(f"{item.label}: {item.text}", width), safe_text(""))]
        case Command():
            return [_whole(block.text, INDENT), safe_text("")]
        case Question():
            return _question(block, width)
        case AnswerKey():
            return _answer_key(block, width)
    return unreachable(block)  # mypy: every Block type has its case above


def text(document: Document, width: int = 80) -> str:
    """A document as plain text, wrapped to `width` (kept between MIN_WIDTH and MAX_WIDTH)."""
    width = max(MIN_WIDTH, min(width, MAX_WIDTH))
    out = _heading(document.title, "=", width)
    for paragraph in document.introduction:
        out += _block(paragraph, width)
    for section in document.sections:
        out += _heading(section.heading, "-", width)
        for block in section.blocks:
            out += _block(block, width)
    return "\n".join(out).rstrip() + "\n"
