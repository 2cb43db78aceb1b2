"""The corpus as documents to keep: CSV (one table per kind) and Markdown.

CSV is built from the same records and JSON-ready values as `--json`; Markdown walks the
document model (binatsec.document), which decides the sections, their order and every
headline, so a new kind appears here with no code of its own. Text from the content is data:
control characters are dropped and Markdown markup is escaped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import Corpus
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
    RecordBlock,
    unreachable,
)
from binatsec.i18n import _
from binatsec.textsafety import SafeText, safe_text
from binatsec.views import json as json_view

# A cell a spreadsheet would read as a formula (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")


def _cell(value: Any) -> SafeText | int | float:
    """A CSV cell: numbers stay numbers; text is cleaned, and text that a spreadsheet would
    run as a formula starts with an apostrophe (OWASP), unless it is a plain number."""
    if value is None:
        return safe_text("")
    if isinstance(value, bool):  # as JSON writes it (an event's `ongoing`)
        return safe_text("true" if value else "false")
    if isinstance(value, (int, float)):
        return value
    text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    text = safe_text(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return safe_text("'" + text)
    return text


def csv_table(corpus: Corpus, kind: Kind, language: str) -> str:
    """One row per record of `kind`; a statistic's value is a plain number in its unit."""
    rows = json_view.records(corpus.of(kind.name), corpus, language)
    columns = kind.csv_columns or tuple(field.name for field in kind.fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


_MARKUP = re.compile(r"[\\`*_\[\]<>#|~&]")
# What starts a list item, a rule, a setext underline or a quote at the start of a line.
_BLOCK_START = re.compile(r"\A(\s*)([-+=]|\d+(?=[.)]))")
_AUTOLINK = re.compile(r"(?i)(://|www\.)")


def escape_markdown(text: str, line_start: bool = True) -> SafeText:
    """Text from content is data: keep it from turning into Markdown or HTML.

    One line (a field is never a block of its own), every character Markdown reads as markup
    escaped, a leading list, rule or heading marker escaped (`line_start`: the text starts a
    line), and bare URLs broken up so that no renderer turns them into links.
    """
    text = _MARKUP.sub(lambda m: "\\" + m.group(), safe_text(text, one_line=True))
    text = _AUTOLINK.sub(lambda m: m.group().replace("/", "\\/").replace(".", "\\."), text)
    match = _BLOCK_START.match(text) if line_start else None
    if match is not None:
        # "- x" becomes "\- x"; "1. x" becomes "1\. x" (the escape goes before the punctuation).
        at = match.end() if match.group(2)[0].isdigit() else match.start(2)
        text = text[:at] + "\\" + text[at:]
    return safe_text(text)  # escaping added only backslashes: the same text, typed as safe


def _heading_text(text: str) -> SafeText:
    """Text after a heading's "### ": no block can start there, so only markup is escaped."""
    return escape_markdown(text, line_start=False)


def _record(block: RecordBlock) -> list[str]:
    """A record: its headline, its id (for citation), its text, the figures linked to it."""
    out = [f"### {_heading_text(block.headline)}", "", f"`{block.id}`", ""]
    for text in block.body:
        label = f"{escape_markdown(text.label)}: " if isinstance(text, Definition) else ""
        out += [label + escape_markdown(text.text), ""]
    out += [f"- {escape_markdown(figure.sentence)} — {escape_markdown(figure.credit)} "
            f"(`{figure.id}`)" for figure in block.figures]
    return [*out, ""] if block.figures else out


def _figure_table(table: FigureTable) -> list[str]:
    # The headings are the ones the terminal's table shows, in the run's language.
    out = ["| " + " | ".join(_(column) for column in table.columns) + " |",
           "|" + "---|" * len(table.columns)]
    for row in table.rows:
        *cells, record_id = row.cells()
        out.append("| " + " | ".join(escape_markdown(cell) for cell in cells)
                   + f" | `{record_id}` |")
    return [*out, ""]


def _question(question: Question) -> list[str]:
    out = [f"**{question.number}.** {escape_markdown(question.prompt)}", ""]
    out += [f"- {choice.key}) {escape_markdown(choice.text)}" for choice in question.options]
    return [*out, ""]


def _answer_key(key: AnswerKey) -> list[str]:
    out = []
    for answer in key.answers:
        read = ", ".join(f"`{record_id}`" for record_id in answer.ids)
        if answer.read:
            read += f": `{safe_text(answer.read, one_line=True)}`"
        credit = f" ({escape_markdown(answer.credit, line_start=False)})" if answer.credit else ""
        shown = f"{escape_markdown(answer.text)} — " if answer.text else ""
        out.append(f"- **{answer.number}.** {answer.key}) {shown}"
                   f"{escape_markdown(answer.explanation)}{credit}"
                   + (_(" (read {ids})").format(ids=read) if read else ""))
    return [*out, ""]


def _block(block: Block) -> list[str]:
    match block:
        case Entry() | MythReality() | DatedEvent():
            return _record(block)
        case FigureTable():
            return _figure_table(block)
        case Paragraph():
            return [escape_markdown(block.text), ""]
        case DefinitionList():
            return [line for item in block.items
                    for line in (f"{escape_markdown(item.label)}: "
                                 f"{escape_markdown(item.text)}", "")]
        case Command():
            return [f"    {safe_text(block.text, one_line=True)}", ""]
        case Question():
            return _question(block)
        case AnswerKey():
            return _answer_key(block)
    return unreachable(block)  # mypy: every Block type has its case above


def markdown(document: Document) -> str:
    """A document as Markdown: every section and record, with ids kept for citation."""
    return "".join(markdown_pieces(document))


# Lines gathered into one piece: a piece per line would cost a write each.
_LINES_A_PIECE = 2048


def markdown_pieces(document: Document) -> Iterator[str]:
    """`markdown(document)` in pieces, written as made: 20 MB at 70,000 records is never
    held whole."""
    return text_of_lines(_markdown_lines(document))


def text_of_lines(lines: Iterable[str]) -> Iterator[str]:
    """What "\\n".join(lines).rstrip() + "\\n" is, in pieces: the lines, each ending in a
    newline, up to the last line with text, whose trailing spaces are dropped. Blank lines
    wait until a line of text follows them, and the last line of text until the end."""
    piece: list[str] = []
    held: list[str] = []  # the last line of text and the blank lines after it
    for line in lines:
        if line.strip():
            piece += held
            held.clear()
            if len(piece) >= _LINES_A_PIECE:
                yield "".join(f"{kept}\n" for kept in piece)
                piece.clear()
        held.append(line)
    # `held` starts with the last line of text, if there was one; the blank lines go.
    ending = [held[0].rstrip()] if held and held[0].strip() else []
    yield "".join(f"{kept}\n" for kept in [*piece, *ending]) or "\n"


def _markdown_lines(document: Document) -> Iterator[str]:
    yield f"# {_heading_text(document.title)}"
    yield ""
    for paragraph in document.introduction:
        yield escape_markdown(paragraph.text)
        yield ""
    for section in document.sections:
        yield f"## {_heading_text(section.heading)}"
        yield ""
        for block in section.blocks:
            yield from _block(block)
