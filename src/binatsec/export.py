"""The whole corpus as CSV (the statistics table) or Markdown (every section). Pure text."""

from __future__ import annotations

import csv
import io

from binatsec import figures, model
from binatsec.model import DEFAULT_LANGUAGE, Corpus
from binatsec.queries import attribution_text, figures_for, source_of, timeline_between

STAT_COLUMNS = ("id", "category", "label", "value", "unit", "qualifier", "year", "period",
                "attribution", "attribution_name", "text", "note", "supports")


def stats_csv(corpus: Corpus, language: str = DEFAULT_LANGUAGE) -> str:
    """One row per statistic, value as a plain number in the unit beside it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STAT_COLUMNS)
    for stat in corpus.stats:
        source = source_of(stat, corpus)
        value = int(stat.value) if stat.value.is_integer() else stat.value
        writer.writerow([
            stat.id, stat.category, stat.label.get(language), value, stat.unit, stat.qualifier,
            "" if stat.year is None else stat.year,
            stat.period.get(language) if stat.period else "",
            stat.attribution or "", source.name if source is not None else "",
            figures.figure_text(stat), stat.note.get(language) if stat.note else "",
            " ".join(stat.supports),
        ])
    return buffer.getvalue()


def _escape(text: str) -> str:
    """Text from content is data: keep it from turning into Markdown or HTML."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


def markdown(corpus: Corpus, language: str = DEFAULT_LANGUAGE) -> str:
    """Every section as one Markdown document, with ids kept for citation."""
    out: list[str] = ["# US–Mexico security cooperation: a reference", "",
                      "Drawn from a single source article; figures are as the article reports "
                      "them, with its qualifiers and attributions.", ""]

    def t(text: model.Text | None) -> str:
        return _escape(text.get(language)) if text else ""

    def figure_bullets(record: model.Record) -> None:
        for stat in figures_for(corpus, record.id, getattr(record, "related", ())):
            credit = attribution_text(source_of(stat, corpus))
            out.append(f"- {_escape(figures.sentence(stat, language))} — {_escape(credit)} "
                       f"(`{stat.id}`)")

    def block(title: str, record: model.Record, *paragraphs: str) -> None:
        out.extend([f"### {title}", "", f"`{record.id}`", ""])
        for paragraph in paragraphs:
            if paragraph:
                out.extend([paragraph, ""])
        before = len(out)
        figure_bullets(record)
        if len(out) > before:
            out.append("")

    out += ["## Timeline", ""]
    for event in timeline_between(corpus.timeline, None, None):
        block(f"{event.when_text(language)}: {t(event.title)}", event, t(event.summary))
    out += ["## Areas of cooperation", ""]
    for area in corpus.cooperation:
        block(t(area.name), area, t(area.summary), f"Example: {t(area.example)}")
    out += ["## The four pillars of the bilateral security model", ""]
    for pillar in corpus.pillars:
        block(f"{pillar.number}. {t(pillar.name)}", pillar, t(pillar.summary),
              f"Example: {t(pillar.example)}")
    out += ["## Figures", "", "| figure | value | qualifier | year | source | id |",
            "|---|---|---|---|---|---|"]
    for stat in corpus.stats:
        source = source_of(stat, corpus)
        name = source.name if source is not None else "not named"
        out.append(f"| {t(stat.label)} | {_escape(figures.format_amount(stat.value, stat.unit))} "
                   f"| {stat.qualifier} | {_escape(stat.when_text(language)) or '—'} | "
                   f"{_escape(name)} | `{stat.id}` |")
    out.append("")
    out += ["## Outlook", ""]
    for trend in corpus.outlook:
        block(t(trend.title), trend, t(trend.summary))
    out += ["## Criticisms and responses", ""]
    for criticism in corpus.criticisms:
        block(t(criticism.title), criticism, f"Criticism: {t(criticism.claim)}",
              f"Response: {t(criticism.response)}")
    out += ["## What you can do", ""]
    for action in corpus.actions:
        block(t(action.title), action, t(action.summary))
    out += ["## Frequently asked questions", ""]
    for entry in corpus.faq:
        block(t(entry.question), entry, t(entry.answer))
    out += ["## Myths and realities", ""]
    for myth in corpus.myths:
        block(f"Myth: {t(myth.myth)}", myth, f"Reality: {t(myth.reality)}")
    out += ["## Sources", ""]
    for source in corpus.sources:
        block(_escape(source.name), source, t(source.role))
    return "\n".join(out).rstrip() + "\n"
