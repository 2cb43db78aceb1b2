"""The read commands, one short function each: parse, query, build a result, respond.

A kind of content that needs no options of its own gets a command made from the registry
of kinds (`_listing`), so a new kind is a command with no code here.
"""


import os
from collections.abc import Callable, Iterator
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.models import CommandInfo

from binatsec import figures, queries, results
from binatsec.cli.session import JsonOption, respond, session, usage_error
from binatsec.corpus import kinds, resources
from binatsec.corpus.kinds import Kind
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.problems import ContentError
from binatsec.corpus.spec import YEAR_RANGE

# Commands with options of their own; every other section gets `_listing`.
registry = typer.Typer()
TOOLS = ("search", "export", "lint")


def names() -> list[str]:
    """Every read command, sections first, in the registry's order."""
    return [*(kind.name for kind in kinds.sections()), *TOOLS]


@cache
def _custom() -> dict[str, CommandInfo]:
    return {info.name or typer.main.get_command_name(info.callback.__name__): info
            for info in registry.registered_commands if info.callback is not None}


def info(name: str) -> CommandInfo | None:
    if name in _custom():
        return _custom()[name]
    kind = kinds.get(name)
    if kind is None or not kind.is_section:
        return None
    return CommandInfo(name=name, callback=_listing(kind),
                       help=f"{kind.long_title}: {kind.summary}.")


# --- shell completion -------------------------------------------------------------------------


def complete_ids(kind_name: str) -> Callable[[str], Iterator[str]]:
    """Shell completion from the content itself: a kind's short ids (or category ids)."""

    def complete(incomplete: str) -> Iterator[str]:
        folder = os.environ.get(resources.CONTENT_DIR_ENV, "").strip()
        try:
            overlay = Path(folder) if folder else None
            corpus = ContentSource(resources.bundled_content(), overlay).load()
        except ContentError:
            return
        values = [record.id.split(".", 1)[-1] for record in corpus.of(kind_name)]
        yield from (value for value in values if value.startswith(incomplete))

    return complete


# --- the sections -----------------------------------------------------------------------------


def _listing(kind: Kind) -> Callable[..., None]:
    def command(ctx: typer.Context, json_output: JsonOption = False) -> None:
        corpus = session(ctx).corpus()
        respond(ctx, results.Listing(kind, corpus.of(kind.name), corpus,
                                     language=session(ctx).language), json_output)

    command.__name__ = kind.name
    return command


@registry.command()
def faq(
    ctx: typer.Context,
    query: Annotated[
        Optional[list[str]],  # noqa: UP045 - Typer reads this annotation at run time
        typer.Argument(help="An id (merida-initiative) or words to look for; none lists all.",
                       autocompletion=complete_ids("faq"), show_default=False),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Frequently asked questions: list them, or answer one by id or words."""
    run = session(ctx)
    corpus = run.corpus()
    text = " ".join(query or []).strip()
    entries = list(corpus.faq) if not text else queries.answer_faq(corpus.faq, text)
    missing = "" if entries else (f"no question matches '{text}'; try 'binatsec search "
                                  f"{text}' or 'binatsec faq' for the list")
    respond(ctx, results.Listing(kinds.named("faq"), entries, corpus,
                                 query=text or None, language=run.language, missing=missing),
            json_output)


@registry.command()
def myths(
    ctx: typer.Context,
    json_output: JsonOption = False,
    quiz: Annotated[bool, typer.Option(
        "--quiz", help="Quiz yourself instead: myth or fact? (the same as 'binatsec quiz "
        "--topic myths'; answers from stdin when it is not a terminal).")] = False,
) -> None:
    """Common myths about the cooperation, each beside the reality."""
    if quiz:
        from binatsec.cli.quiz import play_quiz

        play_quiz(ctx, "myths", json_output=json_output)
        return
    run = session(ctx)
    corpus = run.corpus()
    respond(ctx, results.Listing(kinds.named("myths"), corpus.myths, corpus,
                                 language=run.language), json_output)


def _year(value: int | None, name: str) -> int | None:
    if value is not None and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        usage_error(f"year {value} is out of range; use a year from {YEAR_RANGE[0]} to "
                    f"{YEAR_RANGE[1]}", name)
    return value


@registry.command()
def timeline(
    ctx: typer.Context,
    start: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--from", help="Only events in or after this year.", show_default=False)] = None,
    end: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--to", help="Only events in or before this year.", show_default=False)] = None,
    json_output: JsonOption = False,
) -> None:
    """Dated events, oldest first, with the figures that go with them."""
    _year(start, "--from")
    _year(end, "--to")
    if start is not None and end is not None and start > end:
        usage_error(f"--from {start} is after --to {end}; give the earlier year to --from")
    run = session(ctx)
    corpus = run.corpus()
    events = queries.timeline_between(corpus.timeline, start, end)
    missing = "" if events else f"no events between {start or 'the start'} and {end or 'today'}"
    respond(ctx, results.Listing(kinds.named("timeline"), events, corpus,
                                 from_year=start, to_year=end, language=run.language,
                                 missing=missing), json_output)


@registry.command()
def pillars(
    ctx: typer.Context,
    pillar: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A pillar number (1-4), id or name; none shows all four.",
        autocompletion=complete_ids("pillars"), show_default=False)] = None,
    json_output: JsonOption = False,
) -> None:
    """The four pillars of the bilateral security model."""
    run = session(ctx)
    corpus = run.corpus()
    chosen = list(corpus.pillars)
    if pillar is not None:
        try:
            chosen = [queries.find_pillar(corpus.pillars, pillar)]
        except queries.NotFound as error:
            if error.suggestions:
                usage_error(str(error), "PILLAR")
            usage_error(f"unknown pillar '{pillar}'; give a number from 1 to "
                        f"{len(corpus.pillars)}, an id or a name", "PILLAR")
    respond(ctx, results.Listing(kinds.named("pillars"), chosen, corpus,
                                 query=pillar, language=run.language), json_output)


class UnitChoice(str, Enum):
    kg = "kg"
    lb = "lb"


@registry.command()
def stats(
    ctx: typer.Context,
    category: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A category (seizures, violence, ...); none shows every figure.",
        autocompletion=complete_ids("categories"), show_default=False)] = None,
    unit: Annotated[Optional[UnitChoice], typer.Option(  # noqa: UP045
        "--unit", help="Show weights in this unit (kg or lb); the qualifier is kept.",
        show_default=False)] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the figures that share a unit as horizontal bars.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Every figure in the article, by category, with qualifier, year and source."""
    run = session(ctx)
    corpus = run.corpus()
    try:
        chosen = queries.stats_in(corpus, category)
    except queries.NotFound as error:
        usage_error(str(error), "CATEGORY")
    target = unit.value if unit else None
    shown_unit, missing, left_out = target, "", []
    if chart:
        # --chart shows exactly the figures on the chart, in its unit, as text or as JSON,
        # and says which it left out.
        charted = figures.chartable(chosen, target)
        left_out = [s for s in chosen if not charted or s not in charted[0]]
        chosen, shown_unit = charted if charted else ([], None)
        if not charted:
            missing = ("no figures here share a unit to chart; try "
                       "'binatsec stats seizures --chart'")
    respond(ctx, results.Figures(chosen, corpus, category, target, shown_unit, chart,
                                 run.language, missing=missing, left_out=left_out),
            json_output)


# --- across sections -------------------------------------------------------------------------


@registry.command()
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words to look for in every section.")],
    section: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--section", "-s", help="Only these sections (repeatable).", show_default=False)] = None,
    limit: Annotated[int, typer.Option(
        "--limit", "-n", min=1, help="Show at most this many results.")] = 20,
    json_output: JsonOption = False,
) -> None:
    """Search every section; best matches first, with each hit's section and id."""
    section_names = [kind.name for kind in kinds.sections()]
    for name in section or []:
        if name not in section_names:
            usage_error(str(queries.NotFound("section", name, section_names)), "--section")
    text = " ".join(query).strip()
    if not queries.query_terms(text):
        usage_error("give at least one word to search for", "QUERY")
    run = session(ctx)
    corpus = run.corpus()
    wanted = [k for k in kinds.sections() if not section or k.name in section]
    hits = queries.search([(k.name, corpus.of(k.name)) for k in wanted], text, run.language)
    respond(ctx, results.Found(text, hits[:limit], len(hits), run.language,
                               missing="" if hits else f"nothing matches '{text}'"),
            json_output)


class ExportFormat(str, Enum):
    json = "json"
    csv = "csv"
    markdown = "markdown"


@registry.command(name="export")
def export_command(
    ctx: typer.Context,
    format_: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="json: every section; csv: one section's table (--section, "
        "the statistics by default); markdown: every section as a document.")]
    = ExportFormat.json,
    section: Annotated[str, typer.Option(
        "--section", "-s", help="With csv: the section whose table to write.",
        autocompletion=lambda incomplete: [k.name for k in kinds.all_kinds()
                                           if k.name.startswith(incomplete)])] = "stats",
) -> None:
    """Write the whole corpus to stdout as JSON, CSV or Markdown."""
    kind = kinds.get(section)
    if kind is None:
        choices = [k.name for k in kinds.all_kinds()]
        usage_error(str(queries.NotFound("section", section, choices)), "--section")
    run = session(ctx)
    respond(ctx, results.Export(run.corpus(), format_.value, kind, run.language))


@registry.command(name="lint")
def lint_command(
    ctx: typer.Context,
    path: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        help="A content folder to check, as it would layer over the bundled content; none "
        "checks the content in use.", show_default=False)] = None,
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="Check PATH as a complete corpus on its own.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Check content files against the content spec; exit 1 if anything is wrong."""
    if standalone and path is None:
        usage_error("--standalone needs a PATH to check", "--standalone")
    run = session(ctx)
    overlay = path if path is not None else run.content_dir
    source = ContentSource(path, None) if standalone and path else ContentSource(
        resources.bundled_content(), overlay)
    checked = str(path) if path else (str(overlay) if overlay else "bundled content")
    problems, truncated = [], False
    try:
        source.load()
    except ContentError as error:
        problems, truncated = list(error.problems), error.truncated
    respond(ctx, results.LintReport(checked, problems, truncated, run.language), json_output)
    if problems:
        raise typer.Exit(1)

