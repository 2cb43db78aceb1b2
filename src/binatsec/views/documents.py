"""The corpus as documents to keep: CSV (one table per kind) and Markdown (every section).

Built from the same records and the same JSON-ready values as `--json`, in the order the
registry of kinds gives, so a new kind appears here with no code of its own. Text from the
content is data: control characters are dropped and Markdown markup is escaped.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from binatsec import figures
from binatsec.corpus import kinds
from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import Corpus, Pillar, Record, Text, TimelineEvent
from binatsec.queries import (
    UNNAMED_SOURCE,
    attribution_text,
    figures_for,
    source_of,
    timeline_between,
)
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
    if isinstance(value, (int, float)) and not isinstance(value, bool):
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


def escape_markdown(text: str) -> SafeText:
    """Text from content is data: keep it from turning into Markdown or HTML.

    One line (a field is never a block of its own), every character Markdown reads as markup
    escaped, a leading list, rule or heading marker escaped, and bare URLs broken up so that
    no renderer turns them into links.
    """
    text = _MARKUP.sub(lambda m: "\\" + m.group(), safe_text(text, one_line=True))
    text = _AUTOLINK.sub(lambda m: m.group().replace("/", "\\/").replace(".", "\\."), text)
    match = _BLOCK_START.match(text)
    if match is not None:
        # "- x" becomes "\- x"; "1. x" becomes "1\. x" (the escape goes before the punctuation).
        at = match.end() if match.group(2)[0].isdigit() else match.start(2)
        text = text[:at] + "\\" + text[at:]
    return safe_text(text)  # escaping added only backslashes: the same text, typed as safe


class _Markdown:
    def __init__(self, corpus: Corpus, language: str) -> None:
        self.corpus = corpus
        self.language = language
        self.out: list[str] = ["# US–Mexico security cooperation: a reference", "",
                               "Drawn from a single source article; figures are as the article "
                               "reports them, with its qualifiers and attributions.", ""]

    def t(self, text: Text | str | None) -> SafeText:
        if text is None:
            return safe_text("")
        return escape_markdown(text if isinstance(text, str) else text.get(self.language))

    def block(self, title: str, record: Record, paragraphs: list[str]) -> None:
        self.out.extend([f"### {title}", "", f"`{record.id}`", ""])
        for paragraph in paragraphs:
            if paragraph:
                self.out.extend([paragraph, ""])
        linked = figures_for(self.corpus, record.id, getattr(record, "related", ()))
        for stat in linked:
            credit = attribution_text(source_of(stat, self.corpus))
            self.out.append(f"- {self.t(figures.sentence(stat, self.language))} — "
                            f"{self.t(credit)} (`{stat.id}`)")
        if linked:
            self.out.append("")

    def headline(self, kind: Kind, record: Record) -> str:
        text = self.t(kind.headline_of(record, self.language))
        if isinstance(record, TimelineEvent):
            return f"{self.t(record.when_text(self.language))}: {text}"
        if isinstance(record, Pillar):
            return f"{record.number}. {text}"
        return f"{kind.headline_label}: {text}" if kind.headline_label else text

    def section(self, kind: Kind) -> None:
        self.out += [f"## {kind.long_title}", ""]
        if kind.name == "stats":
            self.figures_table()
            return
        chosen = self.corpus.of(kind.name)
        if kind.name == "timeline":
            chosen = tuple(timeline_between(self.corpus.timeline, None, None))
        for record in chosen:
            paragraphs = [(f"{label}: " if label else "") + self.t(getattr(record, field, None))
                          for label, field in kind.body if getattr(record, field, None)]
            self.block(self.headline(kind, record), record, paragraphs)

    def figures_table(self) -> None:
        self.out += ["| figure | value | qualifier | year | source | id |",
                     "|---|---|---|---|---|---|"]
        for stat in self.corpus.stats:
            source = source_of(stat, self.corpus)
            name = source.name if source is not None else UNNAMED_SOURCE
            self.out.append(
                f"| {self.t(stat.label)} | {self.t(figures.format_amount(stat.value, stat.unit))} "
                f"| {stat.qualifier} | {self.t(stat.when_text(self.language)) or '—'} | "
                f"{self.t(name)} | `{stat.id}` |")
        self.out.append("")


def markdown(corpus: Corpus, language: str) -> str:
    """Every section as one Markdown document, with ids kept for citation."""
    writer = _Markdown(corpus, language)
    for kind in kinds.ordered(kinds.sections()):
        writer.section(kind)
    return "\n".join(writer.out).rstrip() + "\n"

